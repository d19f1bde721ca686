"""Regression tests for the security review's findings (issue 9): each failed before its fix."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kindred.accounts.models import User
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.schools.importing.service import stored_file_name

pytestmark = pytest.mark.django_db


# Finding 6: 500 errors become 4xx answers.


@pytest.fixture
def uploads_to_tmp(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_an_upload_with_a_300_character_name_is_refused_with_a_clear_error(
    client, site_admin, uploads_to_tmp
):
    client.force_login(site_admin)
    name = "x" * 296 + ".csv"
    response = client.post(
        reverse("admin:schools_school_import"),
        {"file": SimpleUploadedFile(name, b"school_id\n", content_type="text/csv"), "kind": "measures"},
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()
    assert Job.objects.count() == 0 and not uploads_to_tmp.exists()


@pytest.mark.parametrize(
    "name", ["a" * 300 + ".csv", "é" * 200 + ".csv", "ملف" * 80 + ".csv", "", "noext" * 80]
)
def test_a_stored_upload_name_fits_the_file_system_and_keeps_its_extension(name):
    stored = stored_file_name(name)
    assert 0 < len(stored.encode()) <= 120
    if name.endswith(".csv"):
        assert stored.endswith(".csv")


def test_a_long_upload_name_is_stored_when_the_service_is_called_directly(uploads_to_tmp, site_admin):
    from kindred.schools.importing import ImportKind
    from kindred.schools.tasks import import_upload_start

    job = import_upload_start(
        upload=SimpleUploadedFile("y" * 250 + ".csv", b"school_id,measure,year,value,cohort\n"),
        kind=ImportKind.MEASURES,
        by=site_admin,
    )
    assert job.pk and len(list((uploads_to_tmp / "imports").iterdir())) == 1


@pytest.mark.parametrize("page", ["config", "qrcode"])
def test_the_two_factor_device_admin_answers_404_for_a_device_that_does_not_exist(client, site_admin, page):
    client.force_login(site_admin)
    assert client.get(f"/admin/otp_totp/totpdevice/999999/{page}/").status_code == 404


# Finding 8: the staff flag alone does not show jobs and their reports.


@pytest.fixture
def staff_without_permissions(db):
    return User.objects.create_user(email="staff.only@example.org", password=None, is_staff=True)


@pytest.fixture
def import_job(site_admin):
    return job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="Import schools: edubase.csv", by=site_admin)


def test_a_staff_flag_without_permission_does_not_show_a_job(client, staff_without_permissions, import_job):
    client.force_login(staff_without_permissions)
    assert client.get(import_job.get_absolute_url()).status_code == 403


def test_the_view_job_permission_shows_a_job(client, staff_without_permissions, import_job):
    staff_without_permissions.user_permissions.add(Permission.objects.get(codename="view_job"))
    client.force_login(staff_without_permissions)
    assert client.get(import_job.get_absolute_url()).status_code == 200


def test_whoever_started_a_job_sees_it(client, staff_without_permissions):
    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="mine", by=staff_without_permissions)
    client.force_login(staff_without_permissions)
    assert client.get(job.get_absolute_url()).status_code == 200


# Finding 9: sensitive responses are never stored by browsers or proxies.


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("teacher_x", "/accounts/profile/data.json"),
        ("teacher_x", "/accounts/profile/"),
        ("teacher_x", "/accounts/profile/delete/"),
        ("teacher_x", "/accounts/two-factor/"),
        ("school_admin_x", "/accounts/schools/100001/staff/"),
        ("site_admin", "/audit/"),
        ("site_admin", "/audit/export.csv"),
        ("site_admin", "/admin/"),
        ("site_admin", "job"),
    ],
)
def test_sensitive_responses_say_no_store(client, personas, import_job, persona, url):
    client.force_login(personas[persona])
    response = client.get(import_job.get_absolute_url() if url == "job" else url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
