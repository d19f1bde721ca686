"""The job of a brokering or formation run was titled with the run's name in the language of whoever
started it ("Partner brokering South East #12"): it becomes a message id with the region and the run
(`Job.label_params`), worded for each reader (`Job.display_label`, core/0008)."""

from django.db import migrations

JOB_TITLES = {
    "brokering": "Partner brokering in %(region)s (run %(run)s)",
    "formation": "Network formation in %(region)s (run %(run)s)",
}


def forwards(apps, schema_editor):
    Run = apps.get_model("brokering", "Run")
    Job = apps.get_model("core", "Job")
    for run in Run.objects.exclude(job=None).select_related("region"):
        Job.objects.filter(pk=run.job_id).update(
            label=JOB_TITLES[run.kind], label_params={"region": run.region.name, "run": run.pk}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("brokering", "0007_published_networks_named_in_each_language"),
        ("core", "0008_job_titles_worded_in_each_language"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
