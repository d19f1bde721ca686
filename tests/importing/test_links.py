"""Importing predecessor and successor links between schools (GIAS's links file)."""

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kindred.accounts.models import User
from kindred.audit.models import AuditEvent
from kindred.core.models import Job
from kindred.schools.importing import ImportFailed, links_import, schools_import
from kindred.schools.models import PendingLink, School, SchoolLink

from .conftest import GIAS_SAMPLE, HERE

pytestmark = pytest.mark.django_db
GIAS_LINKS = HERE / "data" / "gias_links.csv"
HEADER = "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate"


@pytest.fixture
def gias_links():
    """The registry of gias_sample.csv, and the path of gias_links.csv (links between its schools)."""
    schools_import(path=GIAS_SAMPLE, mapping="gias")
    return GIAS_LINKS


@pytest.fixture
def schools():
    """Five schools: a community school, an academy converter, and three others."""
    for registry_id, school_type in [
        ("100001", "Community school"),
        ("100002", "Academy converter"),
        ("100003", "Community school"),
        ("100004", "Community school"),
        ("100005", "Voluntary aided school"),
    ]:
        School.objects.create(registry_id=registry_id, name=f"School {registry_id}", school_type=school_type)


def stored_links() -> set[tuple[str, str, str, date | None]]:
    return {
        (link.predecessor.registry_id, link.successor.registry_id, link.kind, link.on)
        for link in SchoolLink.objects.select_related("predecessor", "successor")
    }


def test_a_gias_links_file_stores_each_link_once_though_each_school_lists_it(gias_links):
    links_import(path=gias_links)
    assert stored_links() == {
        ("999001", "119910", SchoolLink.Kind.MERGER, date(2018, 9, 1)),
        ("999002", "999003", SchoolLink.Kind.SUCCESSOR, date(2020, 9, 1)),
    }


def test_the_summary_accounts_for_every_row_and_counts_skips_by_reason(gias_links):
    report = links_import(path=gias_links)
    summary = report.summary()
    assert summary["encoding"] == "cp1252"
    assert summary["rows read"] == 7
    assert (summary["rows created"], summary["rows updated"], summary["rows unchanged"]) == (4, 0, 0)
    assert (
        summary["rows skipped: a school not (yet) in the registry: kept pending, linked when it arrives"] == 2
    )
    assert summary["rows skipped: not a predecessor or successor link: Sixth Form Centre Link"] == 1
    assert summary["rows skipped"] == 3
    assert (summary["links created"], summary["links updated"], summary["links unchanged"]) == (2, 0, 0)
    assert summary["links given on more than one row (once from each school)"] == 2


def test_importing_the_same_links_twice_changes_nothing(gias_links):
    links_import(path=gias_links)
    before = {(link.pk, link.kind, link.on) for link in SchoolLink.objects.all()}
    summary = links_import(path=gias_links).summary()
    assert (summary["rows created"], summary["rows updated"], summary["rows unchanged"]) == (0, 0, 4)
    assert (summary["links created"], summary["links updated"], summary["links unchanged"]) == (0, 0, 2)
    assert {(link.pk, link.kind, link.on) for link in SchoolLink.objects.all()} == before


def test_a_plain_predecessor_of_an_academy_is_stored_as_a_conversion(gias_links):
    School.objects.create(
        registry_id="120021", name="Bringhurst Primary School", school_type="Community school"
    )
    links_import(path=gias_links)
    assert ("120021", "141279", SchoolLink.Kind.CONVERSION, date(2014, 11, 1)) in stored_links()


def test_link_types_map_to_kinds_with_the_linked_school_on_the_side_its_type_names(schools, write_csv):
    path = write_csv(
        "links.csv",
        [
            HEADER,
            "100001,100003,School 100003,Successor - Split School,01-09-2015",
            "100004,100001,School 100001,Result of Amalgamation,2016-09-01",
            "100005,100004,School 100004,Predecessor - amalgamated,",
            "100002,100005,School 100005,Successor,",
        ],
    )
    links_import(path=path)
    assert stored_links() == {
        ("100001", "100003", SchoolLink.Kind.SPLIT, date(2015, 9, 1)),
        ("100004", "100001", SchoolLink.Kind.MERGER, date(2016, 9, 1)),
        ("100004", "100005", SchoolLink.Kind.MERGER, None),
        # an academy followed by a maintained school is not a conversion
        ("100002", "100005", SchoolLink.Kind.SUCCESSOR, None),
    }


def test_a_changed_link_type_or_date_updates_the_stored_link(schools, write_csv):
    first = write_csv("a.csv", [HEADER, "100003,100004,School 100004,Successor,"])
    links_import(path=first)
    second = write_csv("b.csv", [HEADER, "100003,100004,School 100004,Successor - merged,31-08-2019"])
    summary = links_import(path=second).summary()
    assert (summary["links created"], summary["links updated"], summary["rows updated"]) == (0, 1, 1)
    assert stored_links() == {("100003", "100004", SchoolLink.Kind.MERGER, date(2019, 8, 31))}


def test_the_more_specific_kind_wins_when_the_two_rows_of_a_link_differ(schools, write_csv):
    path = write_csv(
        "links.csv",
        [
            HEADER,
            "100003,100004,School 100004,Successor,",
            "100004,100003,School 100003,Predecessor - merged,01-09-2017",
        ],
    )
    summary = links_import(path=path).summary()
    assert stored_links() == {("100003", "100004", SchoolLink.Kind.MERGER, date(2017, 9, 1))}
    assert "links whose rows disagree (the first row's kind or date kept)" not in summary


def test_rows_that_disagree_keep_the_first_and_are_counted(schools, write_csv):
    path = write_csv(
        "links.csv",
        [
            HEADER,
            "100003,100004,School 100004,Successor - merged,01-09-2017",
            "100004,100003,School 100003,Predecessor - Split School,01-09-2018",
        ],
    )
    summary = links_import(path=path).summary()
    assert stored_links() == {("100003", "100004", SchoolLink.Kind.MERGER, date(2017, 9, 1))}
    assert summary["links whose rows disagree (the first row's kind or date kept)"] == 1


def test_link_types_that_are_not_predecessor_or_successor_links_are_skipped_by_type(schools, write_csv):
    path = write_csv(
        "links.csv",
        [
            HEADER,
            "100003,100004,School 100004,Sixth Form Centre School,",
            "100003,100005,School 100005,Merged - expansion of school capacity,not checked",
            "100004,100005,School 100005,Twinned,",
        ],
    )
    summary = links_import(path=path).summary()
    assert not SchoolLink.objects.exists()
    assert summary["rows skipped: not a predecessor or successor link: Sixth Form Centre School"] == 1
    assert (
        summary["rows skipped: not a predecessor or successor link: Merged - expansion of school capacity"]
        == 1
    )
    assert summary["rows skipped: unknown link type: Twinned"] == 1


def test_a_school_not_in_the_registry_is_kept_pending_and_counted(schools, write_csv):
    path = write_csv("links.csv", [HEADER, "555555,100004,School 100004,Successor,"])
    summary = links_import(path=path).summary()
    assert (
        summary["rows skipped: a school not (yet) in the registry: kept pending, linked when it arrives"] == 1
    )
    assert not SchoolLink.objects.exists()
    assert PendingLink.objects.get().school == "555555"


def test_a_file_with_problems_imports_nothing_and_lists_each_with_row_and_column(schools, write_csv):
    path = write_csv(
        "links.csv",
        [
            HEADER,
            "100001,100002,School 100002,Successor,01-09-2015",
            "100003,100004,School 100004,Successor,31-02-2019",
            "100003,100003,School 100003,Predecessor,",
            ",100004,School 100004,Predecessor,",
            "100004,100005,School 100005,,",
        ],
    )
    with pytest.raises(ImportFailed) as failed:
        links_import(path=path)
    assert [(p.row, p.column, p.reason) for p in failed.value.report.problems] == [
        (3, "LinkEstablishedDate", "not a date"),
        (4, "LinkURN", "a school cannot be linked to itself"),
        (5, "URN", "no school id"),
        (6, "LinkType", "no link type"),
    ]
    assert not SchoolLink.objects.exists()


def test_a_file_without_a_links_column_is_refused(schools, write_csv):
    path = write_csv("links.csv", ["URN,LinkURN,LinkName", "100001,100002,School 100002"])
    with pytest.raises(ImportFailed) as failed:
        links_import(path=path)
    assert {(p.row, p.column) for p in failed.value.report.problems} == {
        (1, "LinkType"),
        (1, "LinkEstablishedDate"),
    }


def test_a_link_given_both_ways_round_is_a_problem(schools, write_csv):
    path = write_csv(
        "links.csv",
        [HEADER, "100003,100004,School 100004,Successor,", "100003,100004,School 100004,Predecessor,"],
    )
    with pytest.raises(ImportFailed) as failed:
        links_import(path=path)
    assert [(p.row, p.reason) for p in failed.value.report.problems] == [
        (3, "a school cannot follow the school it came before: row 2 says the opposite")
    ]
    assert not SchoolLink.objects.exists()


def test_a_link_opposite_to_a_stored_one_is_a_problem(schools, write_csv):
    SchoolLink.objects.create(
        predecessor=School.objects.get(registry_id="100004"),
        successor=School.objects.get(registry_id="100003"),
    )
    path = write_csv("links.csv", [HEADER, "100003,100004,School 100004,Successor,"])
    with pytest.raises(ImportFailed, match="1 problem"):
        links_import(path=path)
    assert SchoolLink.objects.count() == 1


def test_the_import_and_a_refused_import_are_audited(gias_links, write_csv):
    admin = User.objects.create_superuser(email="admin@example.org", password="x")
    links_import(path=gias_links, by=admin)
    event = AuditEvent.objects.get(action="import.links")
    assert event.actor == admin
    assert event.details["file"] == "gias_links.csv"
    assert event.details["summary"]["links created"] == 2
    bad = write_csv("bad.csv", [HEADER, "141279,141279,x,Successor,"])
    with pytest.raises(ImportFailed):
        links_import(path=bad, by=admin)
    assert AuditEvent.objects.get(action="import.rejected").details == {"problems": 1, "file": "bad.csv"}


def test_the_import_links_command_prints_the_summary_and_a_progress_bar(gias_links, capsys, monkeypatch):
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)  # as when run by a person at a terminal
    call_command("import", "links", str(gias_links))
    captured = capsys.readouterr()
    assert re.search(r"links created +2\n", captured.out)
    assert "import links" in captured.err


def test_the_import_links_command_with_a_bad_file_lists_the_problems(schools, write_csv, capsys):
    path = write_csv("links.csv", [HEADER, "100003,100004,School 100004,Successor,someday"])
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import", "links", str(path), "--no-progress")
    assert "row 2, column 'LinkEstablishedDate', value 'someday': not a date" in capsys.readouterr().err


def test_a_links_file_uploaded_in_the_admin_is_imported_in_a_job(
    gias_links, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    assert b'value="links"' in client.get(reverse("admin:schools_school_import")).content
    upload = SimpleUploadedFile("links.csv", gias_links.read_bytes(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:schools_school_import"), {"file": upload, "kind": "links"})
    job = Job.objects.get()
    assert response.url == reverse("job_detail", args=[job.pk])
    assert (job.kind, job.status) == (Job.Kind.IMPORT_LINKS, Job.Status.SUCCEEDED)
    assert job.outcome["summary"]["links created"] == 2
    assert SchoolLink.objects.count() == 2


def test_the_school_page_shows_an_imported_link_with_a_link_to_the_other_school(gias_links, client):
    links_import(path=gias_links)
    merged = client.get(reverse("school_detail", args=["999001"])).content.decode()
    assert (
        '<dt>Succeeded by</dt><dd><a href="/schools/119910/">Buckminster Primary School (119910)</a>'
        " (merger)</dd>" in merged
    )
    successor = client.get(reverse("school_detail", args=["119910"])).content.decode()
    assert (
        '<dt>Took over from</dt><dd><a href="/schools/999001/">École Élémentaire Fictive (999001)</a>'
        " (merger)</dd>" in successor
    )
