"""Partnerships are private: seen by their schools and the leaders over them, never in the directory
(issue 21, item 6). Brokered partnerships were published public before; this makes every one private."""

from django.db import migrations


def partnerships_private(apps, schema_editor):
    Network = apps.get_model("networks", "Network")
    Network.objects.filter(kind="partnership").exclude(visibility="private").update(visibility="private")


class Migration(migrations.Migration):
    dependencies = [("networks", "0002_membership_requests_from_one_person")]

    operations = [migrations.RunPython(partnerships_private, migrations.RunPython.noop)]
