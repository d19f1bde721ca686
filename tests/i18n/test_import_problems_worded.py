"""An import's problems are kept as message ids and values and read in the reader's language: on the
job's page, in the errors CSV (in the language of whoever downloads it) and through the API
(tests/api/test_writes_imports.py). A report kept before, with its reasons written out, is shown as
it was written."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from kindred.accounts.models import User
from kindred.core.jobs import job_create, job_run
from kindred.core.models import Job
from kindred.core.progress import Said
from kindred.schools.importing.report import Problem, ProblemLog, problems_grouped, reason_worded
from tests.importing.conftest import GIAS_SAMPLE

pytestmark = pytest.mark.django_db

ENGLISH = "not a date in the form DD-MM-YYYY"
WORDED = {"cy": "nid yn ddyddiad ar y ffurf DD-MM-YYYY", "ar": "ليس تاريخًا بالصيغة DD-MM-YYYY"}


@pytest.fixture
def failed_import(client, settings, tmp_path, django_capture_on_commit_callbacks):
    """A schools file with a bad date, imported through the admin's page: the job fails with it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    content = GIAS_SAMPLE.read_bytes().replace(b"01-11-2014", b"31-13-2014")
    upload = SimpleUploadedFile("gias.csv", content, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:schools_school_import"), {"file": upload, "kind": "schools", "mapping": "gias"}
        )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    return client, job


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_the_job_page_gives_each_problem_in_the_readers_language(failed_import, language):
    client, job = failed_import
    page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert page.count(WORDED[language]) == 2  # its cause, and the problem row by row
    assert ENGLISH not in page


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_the_errors_csv_is_in_the_language_of_whoever_downloads_it(failed_import, language):
    client, job = failed_import
    response = client.get(reverse("job_errors", args=[job.pk]), HTTP_ACCEPT_LANGUAGE=language)
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines == ["row,column,value,reason", f"2,OpenDate,31-13-2014,{WORDED[language]}"]
    english = client.get(reverse("job_errors", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b"".join(english.streaming_content).decode().splitlines()[1].endswith(ENGLISH)


def test_a_report_kept_before_reasons_were_message_ids_is_shown_as_written(client, settings, tmp_path):
    admin = User.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label="gias.csv", by=admin)
    old = {"row": 2, "column": "OpenDate", "value": "31-13-2014", "reason": "nicht ein Datum (written out)"}
    job.outcome = {"groups": [{"column": "OpenDate", "reason": old["reason"], "count": 1, "first": [old]}]}
    job.outcome |= {"problems": [old], "errors_file": "imports/errors/job-old.csv"}
    job.save()
    kept = tmp_path / "media" / "imports" / "errors" / "job-old.csv"
    kept.parent.mkdir(parents=True)
    kept.write_text(f"row,column,value,reason\r\n2,OpenDate,31-13-2014,{old['reason']}\r\n")
    settings.MEDIA_ROOT = tmp_path / "media"
    page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert page.count("nicht ein Datum (written out)") == 2
    response = client.get(reverse("job_errors", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="cy")
    assert (
        b"".join(response.streaming_content)
        .decode()
        .splitlines()[1]
        .endswith("nicht ein Datum (written out)")
    )


def test_problems_group_by_their_reason_and_keep_its_values_apart_from_its_words():
    reason = Said(gettext_noop("the id is already on row %(row)d"), row=2)
    log = ProblemLog([Problem(3, "URN", reason, "1"), Problem(4, "URN", reason, "1")])
    (group,) = problems_grouped(log)
    stored = group.as_dict()
    assert (stored["reason"], stored["reason_params"], stored["count"]) == (reason.text, {"row": 2}, 2)
    assert stored["first"][0]["reason"] == "the id is already on row %(row)d"
    with translation.override("cy"):
        assert reason_worded(stored["reason"], stored["reason_params"]) == "mae'r id eisoes ar res 2"
        assert str(log[0]) == "rhes 3, colofn 'URN', gwerth '1': mae'r id eisoes ar res 2"


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("cy", "rhesi a hepgorwyd: problem yn y rhes (pob un wedi'i restru yn yr adroddiad)"),
        ("ar", "الصفوف المتخطاة: مشكلة في الصف (كلٌّ منها مدرج في التقرير)"),
    ],
)
def test_the_reasons_rows_were_skipped_for_are_named_in_the_readers_language(
    client, settings, tmp_path, django_capture_on_commit_callbacks, language, name
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    content = GIAS_SAMPLE.read_bytes().replace(b"01-11-2014", b"31-13-2014")
    upload = SimpleUploadedFile("gias.csv", content, content_type="text/csv")
    fields = {"file": upload, "kind": "schools", "mapping": "gias", "skip_bad_rows": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:schools_school_import"), fields)
    job = Job.objects.get()
    english = "rows skipped: a problem in the row (each listed in the report)"
    assert job.status == Job.Status.SUCCEEDED and job.outcome["summary"][english] == 1  # the key as written
    page = html.unescape(client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert name in page and english not in page
    assert f"{name.split(': ', 1)[1]}: 1)" in page  # the one-line summary's reasons too
    assert "a problem in the row" not in page


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_a_skip_bad_rows_imports_job_page_and_errors_file_are_in_the_readers_language(
    client, settings, tmp_path, django_capture_on_commit_callbacks, language
):
    """An import asked to skip bad rows succeeds with a row left out: its job page (the summary, the
    one-line summary, each cause of the rows skipped) has no English message of the catalogue left,
    and the file of the skipped rows' problems is worded for whoever downloads it."""
    from tests.i18n.test_every_page_translated import English, data_of_the_world, page_texts

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    content = GIAS_SAMPLE.read_bytes().replace(b"01-11-2014", b"31-13-2014")
    upload = SimpleUploadedFile("gias.csv", content, content_type="text/csv")
    fields = {"file": upload, "kind": "schools", "mapping": "gias", "skip_bad_rows": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:schools_school_import"), fields)
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED and job.outcome["skipped_groups"]
    page = client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert WORDED[language] in html.unescape(page) and ENGLISH not in page  # the skipped row's cause
    read_as = {"cy": "CSV, Windows-1252, wedi'i wahanu gan coma", "ar": "CSV، Windows-1252، مفصول بـ فاصلة"}
    assert read_as[language] in html.unescape(page)  # how the file was read, in the reader's words
    assert English(language).found_in(page_texts(page), data_of_the_world()) == []
    response = client.get(reverse("job_errors", args=[job.pk]), HTTP_ACCEPT_LANGUAGE=language)
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[1:] == [f"2,OpenDate,31-13-2014,{WORDED[language]}"]


@pytest.mark.parametrize(
    ("language", "read_as", "note"),
    [
        (
            "cy",
            "Llyfr gwaith Excel (.xlsx), dalen 'Data'",
            "mae gan y llyfr gwaith 3 dalen; darllenwyd dalen 'Data' (un arall: --sheet NAME)",
        ),
        (
            "ar",
            "مصنف Excel (.xlsx)، الورقة 'Data'",
            "في المصنف 3 أوراق؛ قُرئت الورقة 'Data' (لغيرها: --sheet NAME)",
        ),
    ],
)
def test_how_a_file_was_read_and_what_the_reader_noticed_are_worded_for_each_reader(
    client, language, read_as, note
):
    """The summary's words, not only its names: how the file was read (a format, an encoding, a
    delimiter or a sheet) and the notes are message ids with values, kept beside the summary, whose
    English stays for the terminal and the API."""
    from kindred.schools.importing.reading import Table
    from kindred.schools.importing.report import ImportReport

    sheets = Said(
        gettext_noop("the workbook has %(n)d sheets; sheet %(sheet)r was read (another: --sheet NAME)"),
        n=3,
        sheet="Data",
    )
    table = Table(header=["URN"], records=iter([]), file_format="xlsx", sheet="Data", notes=[sheets])
    report = ImportReport(file="schools.xlsx", read_as=table.description(), notes=table.notes)
    admin = User.objects.create_superuser(email="admin@example.org", password="x")
    job = job_create(kind=Job.Kind.IMPORT_SCHOOLS, label=gettext_noop("Import schools"), by=admin)
    job_run(job, lambda progress: report.outcome())
    job.refresh_from_db()
    assert job.outcome["summary"]["read as"] == "Excel workbook (.xlsx), sheet 'Data'"  # the API's, English
    assert job.outcome["summary"]["note 1"].startswith("the workbook has 3 sheets")
    client.force_login(admin)
    page = html.unescape(client.get(job.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert read_as in page and note in page
    assert "Excel workbook" not in page and "the workbook has" not in page
