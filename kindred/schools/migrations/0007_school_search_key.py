from django.db import migrations, models

from kindred.schools.folding import school_search_key


def search_keys_fill(apps, schema_editor):
    School = apps.get_model("schools", "School")
    batch = []
    for school in School.objects.only("id", "name", "town").iterator(chunk_size=2000):
        school.search_key = school_search_key(school.name, school.town)
        batch.append(school)
        if len(batch) >= 2000:
            School.objects.bulk_update(batch, ["search_key"])
            batch = []
    School.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0006_banded_false_in_the_database_too"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="search_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=400),
        ),
        migrations.RunPython(search_keys_fill, migrations.RunPython.noop),
    ]
