"""Imports through the API: a file uploaded as on the admin's import page becomes a background job;
its status and its problems are read back. Only those the import page lets in may upload (403 for
anyone else), the page's form checks the upload (422), and a job is seen by whoever started it and
those who may view every job (403 for other people, 404 for no such import)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kindred.accounts.models import User
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.schools.models import School
from tests.api.conftest import bearer
from tests.importing.conftest import GIAS_SAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def writer(user, **options):
    return bearer(user, scope="write", **options)


def _upload(client, content: bytes, **fields):
    data = {"kind": "schools", "mapping": "gias", **fields}
    data["file"] = SimpleUploadedFile("gias.csv", content, content_type="text/csv")
    return client.post("/api/v1/imports", data)


def test_an_uploaded_file_is_imported_as_a_job_whose_status_is_read_back(
    site_admin, django_capture_on_commit_callbacks
):
    client = writer(site_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, GIAS_SAMPLE.read_bytes())
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued" and response.json()["kind"] == "import_schools"
    job = client.get(f"/api/v1/jobs/{response.json()['id']}").json()
    assert job["status"] == "succeeded" and job["summary"]["rows created"] == 7 and job["problems"] == 0
    assert School.objects.count() == 7
    assert Job.objects.get().created_by == site_admin


def test_a_file_with_problems_imports_nothing_and_its_problems_are_read_back(
    site_admin, django_capture_on_commit_callbacks
):
    client = writer(site_admin)
    content = GIAS_SAMPLE.read_bytes().replace(b"01-11-2014", b"31-13-2014")
    with django_capture_on_commit_callbacks(execute=True):
        job_id = _upload(client, content).json()["id"]
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "failed"
    problems = client.get(f"/api/v1/jobs/{job_id}/problems").json()
    assert problems["problems"] == [
        {
            "row": 2,
            "column": "OpenDate",
            "value": "31-13-2014",
            "reason": "not a date in the form DD-MM-YYYY",
            "reason_id": "not a date in the form %(format)s",
            "reason_params": {"format": "DD-MM-YYYY"},
        }
    ]
    assert problems["groups"][0]["count"] == 1
    assert School.objects.count() == 0
    # the reason in the request's language, its id and values the same in every language
    welsh = client.get(f"/api/v1/jobs/{job_id}/problems", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert welsh["problems"][0]["reason"] == "nid yn ddyddiad ar y ffurf DD-MM-YYYY"
    assert welsh["problems"][0]["reason_id"] == "not a date in the form %(format)s"
    assert welsh["groups"][0]["reason"] == "nid yn ddyddiad ar y ffurf DD-MM-YYYY"
    assert welsh["groups"][0]["first"][0]["reason"] == "nid yn ddyddiad ar y ffurf DD-MM-YYYY"
    arabic = client.get(f"/api/v1/jobs/{job_id}/problems", HTTP_ACCEPT_LANGUAGE="ar").json()
    assert arabic["problems"][0]["reason"] == "ليس تاريخًا بالصيغة DD-MM-YYYY"


def test_problems_stored_before_reasons_were_message_ids_are_read_back_as_written(site_admin):
    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="gias.csv", by=site_admin)
    old = {
        "row": 2,
        "column": "OpenDate",
        "value": "31-13-2014",
        "reason": "not a date in the form DD-MM-YYYY",
    }
    job.outcome = {"groups": [{"column": "OpenDate", "reason": old["reason"], "count": 1, "first": [old]}]}
    job.outcome["problems"] = [old]
    job.save()
    problems = bearer(site_admin).get(f"/api/v1/jobs/{job.pk}/problems", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert problems["problems"] == [{**old, "reason_id": old["reason"], "reason_params": {}}]
    assert problems["groups"][0]["reason"] == old["reason"]


@pytest.mark.parametrize("persona", ["school_leader_x", "system_leader", "teacher_x", "no_school_user"])
def test_only_those_the_import_page_lets_in_upload(persona, request):
    response = _upload(writer(request.getfixturevalue(persona)), GIAS_SAMPLE.read_bytes())
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_staff_without_the_permission_to_change_schools_may_not_upload(db):
    staff = User.objects.create_user(
        email="clerk@example.org", password="x", full_name="Clerk", is_staff=True
    )
    assert _upload(writer(staff), GIAS_SAMPLE.read_bytes()).status_code == 403


def test_a_read_token_uploads_nothing(site_admin):
    assert _upload(bearer(site_admin), GIAS_SAMPLE.read_bytes()).status_code == 403
    assert not Job.objects.exists()


def test_what_the_import_page_refuses_is_422_and_queues_nothing(site_admin):
    client = writer(site_admin)
    assert _upload(client, GIAS_SAMPLE.read_bytes(), mapping="").json()["errors"]["mapping"]
    assert _upload(client, GIAS_SAMPLE.read_bytes(), kind="pictures").status_code == 422
    assert _upload(client, GIAS_SAMPLE.read_bytes(), mapping="no-such-mapping").status_code == 422
    assert not Job.objects.exists()


def test_a_job_is_seen_by_whoever_started_it_and_site_admins(site_admin, school_leader_x, teacher_x):
    mine = job_create(kind=Job.Kind.IMPORT_MEASURES, label="measures.csv", by=school_leader_x)
    assert bearer(school_leader_x).get(f"/api/v1/jobs/{mine.pk}").status_code == 200  # a read token reads
    assert bearer(site_admin).get(f"/api/v1/jobs/{mine.pk}/problems").status_code == 200
    assert bearer(teacher_x).get(f"/api/v1/jobs/{mine.pk}").status_code == 403
    assert bearer(teacher_x).get(f"/api/v1/jobs/{mine.pk}/problems").status_code == 403
    other = job_create(kind=Job.Kind.RECOMPUTE, label="not an import", by=school_leader_x)
    assert bearer(school_leader_x).get(f"/api/v1/jobs/{other.pk}").status_code == 404
    assert bearer(site_admin).get("/api/v1/jobs/999999").status_code == 404


def test_a_jobs_progress_message_is_worded_in_the_requests_language(school_leader_x):
    """The job keeps its message as an English id and its numbers (kindred.core.progress); the API
    words it like the job's page, in the language the request asks for."""
    from django.utils.translation import gettext_noop

    from kindred.core.progress import Said, job_progress

    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="gias.csv", by=school_leader_x)
    job_progress(job)(1, 3, Said(gettext_noop("%(n)d digests written"), n=12))
    client = bearer(school_leader_x)
    assert client.get(f"/api/v1/jobs/{job.pk}").json()["message"] == "12 digests written"
    assert client.get(f"/api/v1/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE="ar").json()["message"] == "كُتب 12 ملخص"


def test_a_jobs_title_is_worded_in_the_requests_language(school_leader_x):
    """The title is kept as an English id with the file's name (Job.display_label, core/0008)."""
    from kindred.core.progress import Said

    job = job_create(
        kind=Job.Kind.IMPORT_MEASURES,
        label=Said("Import measures: %(file)s", file="ks2.csv"),
        by=school_leader_x,
    )
    client = bearer(school_leader_x)
    url = f"/api/v1/jobs/{job.pk}"
    assert client.get(url).json()["label"] == "Import measures: ks2.csv"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="cy").json()["label"] == "Mewnforio mesurau: ks2.csv"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="ar").json()["label"] == "استيراد المقاييس: ks2.csv"
