"""Jobs keep their progress message in English with its parameters, worded when a page is read
(kindred.core.progress). Messages of unfinished jobs written before with their numbers in them are
turned into a message id and parameters; a finished job's message is empty or its error's text."""

import re

from django.db import migrations, models

PATTERNS = (
    (re.compile(r"^(?P<n>\d+) digests written$"), "%(n)d digests written", {"n": int}),
    (re.compile(r"^step (?P<n>\d+) of (?P<total>\d+)$"), "step %(n)s of %(total)s", {"n": int, "total": int}),
    (
        re.compile(r"^(?P<measure>[a-z0-9_]+) \((?P<n>\d+) of (?P<total>\d+)\)$"),
        "%(measure)s (%(n)s of %(total)s)",
        {"measure": str, "n": int, "total": int},
    ),
)


def messages_as_codes(apps, schema_editor):
    Job = apps.get_model("core", "Job")
    for job in Job.objects.filter(status__in=["queued", "running"]).exclude(message=""):
        for pattern, text, kinds in PATTERNS:
            found = pattern.match(job.message)
            if found:
                params = {name: kind(found[name]) for name, kind in kinds.items()}
                Job.objects.filter(pk=job.pk).update(message=text, message_params=params)
                break


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_lock_holder_process"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="message_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(messages_as_codes, migrations.RunPython.noop, elidable=True),
    ]
