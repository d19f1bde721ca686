"""Uploading a file in the admin runs the import as a background job."""

from pathlib import Path

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kindred.accounts.models import User
from kindred.core.models import Job
from kindred.schools.importing.service import saved_mapping_save
from kindred.schools.models import School, SchoolMeasure

from .conftest import FRANCE, GIAS_SAMPLE

pytestmark = pytest.mark.django_db
URL = "admin:schools_school_import"


@pytest.fixture(autouse=True)
def _tasks_run_inline_and_uploads_go_to_tmp(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    return client


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_school_list_links_to_the_import_page(staff_client):
    page = staff_client.get(reverse("admin:schools_school_changelist"))
    assert reverse(URL).encode() in page.content


def test_an_uploaded_schools_file_is_imported_in_a_job_and_the_job_page_shows_the_summary(
    staff_client, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(URL),
            {"file": upload("gias.csv", GIAS_SAMPLE.read_bytes()), "kind": "schools", "mapping": "gias"},
        )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("job_detail", args=[job.pk])
    assert (job.status, job.kind) == (Job.Status.SUCCEEDED, Job.Kind.IMPORT_SCHOOLS)
    assert job.outcome["summary"]["rows created"] == 7
    assert job.done == job.total == 7
    assert School.objects.count() == 7
    assert [p for p in (settings.MEDIA_ROOT / "imports").iterdir() if p.is_file()] == []  # deleted
    page = staff_client.get(response.url)
    assert b"rows created" in page.content


def test_an_uploaded_file_with_problems_fails_the_job_with_the_report_and_imports_nothing(
    staff_client, django_capture_on_commit_callbacks
):
    content = GIAS_SAMPLE.read_bytes().replace(b"01-11-2014", b"31-13-2014")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(URL), {"file": upload("gias.csv", content), "kind": "schools", "mapping": "gias"}
        )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.outcome["problems"] == [  # the reason as a message id and its values, worded when read
        {
            "row": 2,
            "column": "OpenDate",
            "value": "31-13-2014",
            "reason": "not a date in the form %(format)s",
            "reason_params": {"format": "DD-MM-YYYY"},
        }
    ]
    assert School.objects.count() == 0
    page = staff_client.get(response.url)
    assert b"31-13-2014" in page.content


def test_an_uploaded_measures_file_needs_no_mapping(staff_client, django_capture_on_commit_callbacks):
    School.objects.create(registry_id="100000", name="A school")
    content = b"school_id,measure,year,value,cohort\r\n100000,fsm_pct,2018,16.2,285\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse(URL), {"file": upload("m.csv", content), "kind": "measures", "mapping": ""})
    job = Job.objects.get()
    assert (job.kind, job.status) == (Job.Kind.IMPORT_MEASURES, Job.Status.SUCCEEDED)
    assert job.outcome["summary"]["measure values created"] == 1


def test_the_import_page_offers_every_ready_mapping_with_its_description(staff_client):
    page = staff_client.get(reverse(URL))
    assert page.status_code == 200
    assert b"gias: England&#x27;s Get Information About Schools" in page.content
    assert b'value="ks2final"' in page.content


def test_a_schools_file_without_a_mapping_is_sent_back(staff_client):
    response = staff_client.post(reverse(URL), {"file": upload("x.csv", b"URN\r\n1\r\n"), "kind": "schools"})
    assert response.status_code == 400  # a refused form answers 400, as every upload form does
    assert b"Choose the mapping" in response.content
    assert not Job.objects.exists()


def test_people_who_are_not_staff_cannot_reach_the_import_page(client):
    client.force_login(User.objects.create_user(email="teacher@example.org", password="x"))
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert "login" in response.url


def test_staff_without_permission_to_add_schools_are_refused(client):
    client.force_login(User.objects.create_user(email="staff@example.org", password="x", is_staff=True))
    assert client.get(reverse(URL)).status_code == 403


def test_a_failed_import_keeps_its_upload_and_problems_for_the_documented_days(
    staff_client, settings, django_capture_on_commit_callbacks
):
    import os
    import time

    from django.core.management import call_command

    settings.IMPORT_FAILED_UPLOAD_DAYS = 7
    content = GIAS_SAMPLE.read_bytes().replace(b"01-11-2014", b"31-13-2014")
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse(URL), {"file": upload("gias.csv", content), "kind": "schools", "mapping": "gias"}
        )
    job = Job.objects.get()
    kept = [p for p in (settings.MEDIA_ROOT / "imports").iterdir() if p.is_file()]
    assert [p.name.split("-", 1)[1] for p in kept] == ["gias.csv"]
    errors = settings.MEDIA_ROOT / job.outcome["errors_file"]
    kept_line = errors.read_text().splitlines()[1]  # the reason kept as a message id, worded when downloaded
    assert (
        kept_line == '2,OpenDate,31-13-2014,not a date in the form %(format)s,"{""format"": ""DD-MM-YYYY""}"'
    )
    download = staff_client.get(reverse("job_errors", args=[job.pk]))
    assert download.status_code == 200
    lines = b"".join(download.streaming_content).decode().splitlines()
    assert lines == ["row,column,value,reason", "2,OpenDate,31-13-2014,not a date in the form DD-MM-YYYY"]

    six_days_ago = time.time() - 6 * 86_400
    for path in (kept[0], errors):
        os.utime(path, (six_days_ago, six_days_ago))
    call_command("import_uploads_clean")
    assert kept[0].exists() and errors.exists()
    eight_days_ago = time.time() - 8 * 86_400
    for path in (kept[0], errors):
        os.utime(path, (eight_days_ago, eight_days_ago))
    call_command("import_uploads_clean")
    assert not kept[0].exists() and not errors.exists()
    assert staff_client.get(reverse("job_errors", args=[job.pk])).status_code == 404


def test_an_upload_over_the_size_cap_is_refused_with_the_limit(staff_client, settings):
    settings.IMPORT_UPLOAD_MAX_MB = 1
    big = upload("big.csv", b"school_id,measure,year,value\n" + b"1,fsm_pct,2018,1\n" * 80_000)
    page = staff_client.post(reverse(URL), {"file": big, "kind": "measures", "mapping": ""})
    assert "files up to 1 MB can be imported" in page.content.decode()
    assert not Job.objects.exists()


def test_a_workbook_without_a_year_is_imported_with_the_year_and_sheet_given_on_the_page(
    staff_client, django_capture_on_commit_callbacks, tmp_path
):
    from kindred.schools.models import SavedMapping

    zoo = Path(__file__).resolve().parent / "zoo"
    text = (zoo / "spreadsheet.yaml").read_text().replace("year: 2023\n", "").replace("sheet: Schools\n", "")
    SavedMapping.objects.create(name="workbook", text=text)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse(URL),
            {
                "file": upload("results.xlsx", (zoo / "results.xlsx").read_bytes()),
                "kind": "schools",
                "mapping": "workbook",
                "year": "2024",
                "sheet": "2",
            },
        )
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.outcome
    assert SchoolMeasure.objects.get(school__registry_id="7101").year == 2024


def test_the_admin_can_skip_bad_rows_and_the_job_lists_each_skipped_row(
    staff_client, django_capture_on_commit_callbacks
):
    data = yaml.safe_load((FRANCE / "ips_ecoles.yaml").read_text(encoding="utf-8"))
    data["define_measures"] = [{"code": "ips", "name": "IPS", "unit": "percent", "kind": "context"}]
    saved_mapping_save(name="ips-as-percent", data=data)
    content = (FRANCE / "fr-en-ips_ecoles.csv").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(URL),
            {
                "file": upload("ips.csv", content),
                "kind": "schools",
                "mapping": "ips-as-percent",
                "skip_bad_rows": "on",
            },
        )
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert job.outcome["skipped_groups"][0]["count"] == 19
    assert School.objects.count() == 17
    page = staff_client.get(response.url).content.decode()
    assert "Rows skipped for their problems, by cause" in page
    assert "above the largest value ips can take (100)" in page
    errors = staff_client.get(reverse("job_errors", args=[job.pk]))
    assert b"".join(errors.streaming_content).decode().count("\n") == 20
