"""Derived support categories kept their reason as a sentence in the language of whoever ran the
recompute ("6 reliable needs (4 well below), 2 strengths over 14 measures"); imported ones as
"Published by the authority". Keep the counts instead (SupportCategory.reason_text words them in
the reader's language) and drop the imported category's generated sentence, which its source says."""

import re

from django.db import migrations, models

# The imported category's sentence in English and in the Welsh and Arabic of the time.
IMPORTED = ("Published by the authority", "Wedi'i gyhoeddi gan yr awdurdod", "نشرته السلطة")
# The four numbers of a derived reason, in whichever language it was written: in order.
NUMBERS = re.compile(r"\d+")


def forwards(apps, schema_editor):
    SupportCategory = apps.get_model("evidence", "SupportCategory")
    SupportCategory.objects.filter(source="imported", reason__in=IMPORTED).update(reason="")
    changed = []
    for category in SupportCategory.objects.filter(source="derived").exclude(reason="").only("reason", "counts"):
        numbers = [int(n) for n in NUMBERS.findall(category.reason)]
        if len(numbers) != 4:
            continue
        category.counts = dict(zip(("needs", "serious", "strengths", "measures"), numbers, strict=True))
        category.reason = ""
        changed.append(category)
    SupportCategory.objects.bulk_update(changed, ["counts", "reason"], batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('evidence', '0005_unpublished_runs_and_noise_models'),
    ]

    operations = [
        migrations.AddField(
            model_name='supportcategory',
            name='counts',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
