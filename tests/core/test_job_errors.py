"""A failed job says why in the reader's language: a failure Kindred knows (a file with problems, a
lock held by another job, results kept off the pages, schools that cannot be placed) is kept as a
message id and its values; an unexpected error as a translated sentence and its technical detail
(tests/i18n/test_generated_text.py). An error kept before this is shown as written."""

import html
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.utils import translation

from kindred.brokering import services as brokering_services
from kindred.core.jobs import job_create, job_run
from kindred.core.locks import LockHeld, lock_hold
from kindred.core.models import Job
from kindred.engine import formation
from kindred.schools.importing import ImportFailed, ImportReport, Problem

pytestmark = pytest.mark.django_db


def _failed(work) -> Job:
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute evidence")
    with pytest.raises(Exception):  # noqa: B017 - whatever the work raised, it is re-raised
        job_run(job, work)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    return job


def test_a_file_with_problems_fails_its_job_with_a_message_in_each_readers_language(client, site_admin):
    report = ImportReport()
    report.problems.extend([Problem(2, "OpenDate", "not a date", "31-13-2014")] * 3)

    def work(progress):
        raise ImportFailed(report)

    with translation.override("cy"):  # the worker's language is kept nowhere
        job = _failed(work)
    assert (job.message, job.message_params) == (
        "Nothing imported: problems found in the file: %(count)d.",
        {"count": 3},
    )
    client.force_login(site_admin)
    pages = {
        language: html.unescape(
            client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )
        for language in ("en", "cy", "ar")
    }
    assert "Nothing imported: problems found in the file: 3." in pages["en"]
    assert "Ni fewnforiwyd dim: nifer y problemau a gafwyd yn y ffeil: 3." in pages["cy"]
    assert "لم يُستورد شيء: عدد المشكلات التي وُجدت في الملف: 3." in pages["ar"]
    assert "Nothing imported" not in pages["cy"] + pages["ar"]


def test_a_job_refused_by_a_held_lock_names_the_work_and_the_time_in_each_language(time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 9, 30, tzinfo=UTC), tick=False)

    def work(progress):
        with (
            lock_hold("recompute", what="A recompute", holder="Ada"),
            lock_hold("recompute", what="A recompute"),
        ):
            pass

    job = _failed(work)
    assert job.message_params["what"] == {"text": "A recompute", "params": {}}
    assert job.message_params["when"] == {"datetime": "2026-12-07T09:30:00+00:00"}
    with translation.override("en"):
        assert job.display_error.startswith("A recompute is already running (started at ")
        assert "by Ada" in job.display_error
    with translation.override("ar"):
        assert job.display_error.startswith("إعادة حساب قيد التشغيل بالفعل")
        assert "A recompute" not in job.display_error and "Dec" not in job.display_error


def test_the_lock_refusal_on_its_own_is_in_the_active_language():
    with (
        lock_hold("drill", what="A recompute", holder="Ada"),
        translation.override("cy"),
        pytest.raises(LockHeld) as refused,
        lock_hold("drill", what="A recompute"),
    ):
        pass
    assert "ailgyfrifiad" in str(refused.value).lower() and "A recompute" not in str(refused.value)


def test_schools_that_cannot_be_placed_fail_the_run_with_a_translated_reason(client, system_leader, school_x):
    run = brokering_services.run_create(
        kind="formation", region=school_x.region, by=system_leader, min_size=90, max_size=95
    )
    job = job_create(kind=Job.Kind.BROKERING, label=run.job_title())
    with pytest.raises(formation.Infeasible):  # here: no school has coordinates
        job_run(job, lambda progress: brokering_services.run_compute(run=run, progress=progress))
    run.refresh_from_db()
    job.refresh_from_db()
    # the engine's reason kept as a message id (its code's), worded for each reader
    assert (
        run.report["error"]
        == job.message
        == "These schools cannot be placed with these settings: %(reason)s."
    )
    assert run.report["error_params"]["reason"]["text"] == "no open school with coordinates here"
    with translation.override("cy"):
        assert run.display_error == (
            "Ni ellir lleoli'r ysgolion hyn gyda'r gosodiadau hyn: dim ysgol agored â chyfesurynnau yma."
        )
        assert job.display_error == run.display_error
    client.force_login(system_leader)
    page = html.unescape(client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode())
    assert "لا يمكن توزيع هذه المدارس بهذه الإعدادات: لا توجد هنا مدرسة مفتوحة لها إحداثيات." in page
    assert "cannot be placed" not in page and "coordinates" not in page


def test_a_reason_the_engine_gives_no_code_is_kept_as_the_technical_detail(system_leader, school_x):
    run = brokering_services.run_create(kind="formation", region=school_x.region, by=system_leader)
    with (
        pytest.raises(formation.Infeasible),
        mock.patch.object(
            brokering_services, "form_place", side_effect=formation.Infeasible("a reason with no code")
        ),
    ):
        brokering_services.run_compute(run=run)
    run.refresh_from_db()
    with translation.override("cy"):
        assert run.display_error == (
            "Ni ellir lleoli'r ysgolion hyn gyda'r gosodiadau hyn. Manylion technegol: a reason with no code"
        )


def test_an_error_kept_before_errors_were_codes_is_shown_as_written():
    job = job_create(kind=Job.Kind.RECOMPUTE, label="Recompute evidence")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, outcome={"error": "disk full (100%)"})
    job.refresh_from_db()
    with translation.override("ar"):
        assert job.display_error == "disk full (100%)"


def test_a_reports_summary_names_are_worded_for_each_reader(client, site_admin):
    """The worker writes a summary's names in English, as message ids ("rows read"): the job's
    page words them in the reader's language; a name that is no message id is shown as it is."""
    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="Import schools: %(file)s", by=site_admin)
    outcome = {"summary": {"rows read": 3, "problems": 2, "rows skipped: closed": 1}}
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, outcome=outcome, label_params={"file": "a.csv"}
    )
    client.force_login(site_admin)
    welsh = html.unescape(client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode())
    assert '<th scope="row">rhesi a ddarllenwyd</th>' in welsh and '<th scope="row">problemau</th>' in welsh
    assert "rows read" not in welsh
    assert '<th scope="row">rows skipped: closed</th>' in welsh


def test_a_reports_summary_line_is_worded_for_each_reader(client, site_admin):
    report = ImportReport(rows_created=3, rows_unchanged=1)
    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="Import schools", by=site_admin)
    with translation.override("cy"):  # the worker's language is kept nowhere
        job_run(job, lambda progress: report.outcome())
    job.refresh_from_db()
    assert job.outcome["summary_line_params"] == {"created": 3, "updated": 0, "unchanged": 1, "skipped": 0}
    with translation.override("en"):
        assert job.display_summary_line == "3 created, 0 updated, 1 unchanged, 0 skipped"
    client.force_login(site_admin)
    welsh = html.unescape(client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode())
    with translation.override("cy"):
        assert f"<strong>{job.display_summary_line}</strong>" in welsh
        assert "created" not in job.display_summary_line
