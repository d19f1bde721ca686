"""A job's title is kept as an English message id and its values (a file's name, a region's), and
worded in the reader's language on the job's page, the list of jobs and the API's job status; titles
written before in the starter's language are turned into ids by core/0008 and brokering/0008."""

import html
import importlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kindred.brokering.models import Run
from kindred.brokering.services import run_create
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.schools.importing import ImportKind
from kindred.schools.tasks import import_upload_start

pytestmark = pytest.mark.django_db


def _page(client, url: str, language: str) -> str:
    return html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())


def test_an_imports_title_keeps_the_file_and_mapping_and_is_worded_for_each_reader(client, site_admin):
    upload = SimpleUploadedFile("gias.csv", b"URN,EstablishmentName\n1,Oak\n")
    with translation.override("cy"):  # whoever starts it reads Welsh: the title is stored in neither
        job = import_upload_start(upload=upload, kind=ImportKind.SCHOOLS, mapping="gias", by=site_admin)
    assert (job.label, job.label_params) == (
        "Import schools: %(file)s (%(mapping)s)",
        {"file": "gias.csv", "mapping": "gias"},
    )
    client.force_login(site_admin)
    pages = {language: _page(client, job.get_absolute_url(), language) for language in ("en", "cy", "ar")}
    assert "<h1>Import schools: gias.csv (gias)</h1>" in pages["en"]
    assert "<h1>Mewnforio ysgolion: gias.csv (gias)</h1>" in pages["cy"]
    assert "<h1>استيراد المدارس: gias.csv (gias)</h1>" in pages["ar"]
    assert "Import schools:" not in pages["cy"] + pages["ar"]
    listed = _page(client, "/jobs/", "cy")
    assert "Mewnforio ysgolion: gias.csv (gias)" in listed and "Import schools:" not in listed


def test_the_recompute_job_is_titled_in_english_whatever_the_starters_language(client, site_admin):
    client.force_login(site_admin)
    client.post("/evidence/recompute/", HTTP_ACCEPT_LANGUAGE="cy")
    job = Job.objects.get(kind=Job.Kind.RECOMPUTE)
    assert (job.label, job.label_params) == ("Recompute evidence", {})
    with translation.override("ar"):
        assert job.display_label == "إعادة حساب الأدلة"
        assert str(job) == "إعادة حساب الأدلة (في قائمة الانتظار)"


def test_a_runs_job_is_titled_with_its_region_and_number_in_each_language(system_leader, school_x):
    run = run_create(kind=Run.Kind.FORMATION, region=school_x.region, by=system_leader)
    job = job_create(kind=Job.Kind.BROKERING, label=run.job_title(), by=system_leader)
    region = school_x.region.name
    assert (job.label, job.label_params) == (
        "Network formation in %(region)s (run %(run)s)",
        {"region": region, "run": run.pk},
    )
    with translation.override("cy"):
        assert job.display_label == f"Ffurfio rhwydweithiau: {region} (rhediad {run.pk})"
    with translation.override("ar"):
        assert job.display_label == f"تكوين الشبكات في {region} (التشغيل {run.pk})"


def test_titles_written_before_in_the_starters_language_become_message_ids(system_leader, school_x):
    core = importlib.import_module("kindred.core.migrations.0008_job_titles_worded_in_each_language")
    brokering = importlib.import_module("kindred.brokering.migrations.0008_run_jobs_titled_in_each_language")
    welsh = Job.objects.create(kind=Job.Kind.RECOMPUTE, label="Ailgyfrifo'r dystiolaeth")
    mapped = Job.objects.create(
        kind=Job.Kind.IMPORT_SCHOOLS, label="Mewnforio ysgolion: edubase (1).csv (gias)"
    )
    plain = Job.objects.create(kind=Job.Kind.IMPORT_LINKS, label="Import links between schools: links.csv")
    odd = Job.objects.create(kind=Job.Kind.IMPORT_MEASURES, label="measures without a colon")
    generated = Job.objects.create(kind=Job.Kind.GENERATE, label="Generate 80 schools")
    run = run_create(kind=Run.Kind.BROKERING, region=school_x.region, by=system_leader)
    ran = Job.objects.create(
        kind=Job.Kind.BROKERING, label=f"Broceru partneriaid {school_x.region} #{run.pk}"
    )
    Run.objects.filter(pk=run.pk).update(job=ran)
    core.titles_as_codes(apps, None)
    brokering.forwards(apps, None)
    for job in (welsh, mapped, plain, odd, generated, ran):
        job.refresh_from_db()
    assert (welsh.label, welsh.label_params) == ("Recompute evidence", {})
    assert (mapped.label, mapped.label_params) == (
        "Import schools: %(file)s (%(mapping)s)",
        {"file": "edubase (1).csv", "mapping": "gias"},
    )
    assert (plain.label, plain.label_params) == (
        "Import links between schools: %(file)s",
        {"file": "links.csv"},
    )
    assert ran.label_params == {"region": school_x.region.name, "run": run.pk}
    with translation.override("ar"):
        assert welsh.display_label == "إعادة حساب الأدلة"
        assert ran.display_label == f"الوساطة بين الشركاء في {school_x.region.name} (التشغيل {run.pk})"
        assert odd.display_label == "measures without a colon"  # no title Kindred wrote: kept
        assert generated.display_label == "Generate 80 schools"
