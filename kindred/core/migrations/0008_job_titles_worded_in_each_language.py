"""A job's title (`Job.label`) is kept as an English message id with its values (`Job.label_params`),
worded when a page is read (`Job.display_label`). Titles written before, in the language of whoever
started the job, are turned into message ids: "Recompute evidence" and the self-check by their kind,
an import's "<kind>: <file> (<mapping>)" by its kind, file and mapping. A brokering run's job is
turned by brokering/0008. Any other title is kept, and shown as stored."""

import re

from django.db import migrations, models

TITLES = {
    "recompute": "Recompute evidence",
    "selfcheck": "Self-check of the evidence model",
}
IMPORT_TITLES = {
    "import_schools": ("Import schools: %(file)s", "Import schools: %(file)s (%(mapping)s)"),
    "import_measures": ("Import measures: %(file)s", "Import measures: %(file)s (%(mapping)s)"),
    "import_links": (
        "Import links between schools: %(file)s",
        "Import links between schools: %(file)s (%(mapping)s)",
    ),
}
# "<the kind, in any language>: <file>" and an optional " (<mapping>)"
IMPORT = re.compile(r"^[^:]+: (?P<file>.+?)(?: \((?P<mapping>[^()]+)\))?$")


def titles_as_codes(apps, schema_editor):
    Job = apps.get_model("core", "Job")
    for kind, title in TITLES.items():
        Job.objects.filter(kind=kind).update(label=title, label_params={})
    for job in Job.objects.filter(kind__in=list(IMPORT_TITLES)).only("pk", "kind", "label"):
        found = IMPORT.match(job.label)
        if found is None:
            continue
        plain, mapped = IMPORT_TITLES[job.kind]
        if found["mapping"]:
            label, params = mapped, {"file": found["file"], "mapping": found["mapping"]}
        else:
            label, params = plain, {"file": found["file"]}
        Job.objects.filter(pk=job.pk).update(label=label, label_params=params)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_job_messages_worded_in_each_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="label_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(titles_as_codes, migrations.RunPython.noop, elidable=True),
    ]
