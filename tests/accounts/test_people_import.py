"""`kindred import people FILE`: staff accounts created or renamed, roles added, bad files refused
whole, and welcome e-mails sent through the outbox at a limited rate, resumably."""

import csv
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kindred.accounts.models import PendingWelcome, SchoolStaff, User
from kindred.accounts.people_import import people_import
from kindred.accounts.search import people_matching
from kindred.board import delivery
from kindred.board.models import OutgoingEmail
from kindred.schools.importing import ImportFailed
from kindred.schools.models import School

pytestmark = pytest.mark.django_db

HEADER = ["school_id", "email", "name", "role"]
ROWS = [
    ["100001", "Ann.Jones@Example.org", "Ann Jones", "leader"],
    ["100001", "bob@example.org", "Bob Brown", "teacher"],
    ["100002", "bob@example.org", "Bob Brown", "Exams officer"],
    ["100002", "cai@example.org", "Cai Owen", "School administrator"],
    ["100002", "dilys@example.org", "Dilys Ffrancon", "TEACHER"],
]


@pytest.fixture(autouse=True)
def schools():
    School.objects.create(registry_id="100001", name="Ysgol Gymraeg")
    School.objects.create(registry_id="100002", name="Hill Primary")


def write(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_file_creates_people_with_their_roles_and_queues_their_welcome(tmp_path):
    report = people_import(path=write(tmp_path / "people.csv", ROWS), welcome=True)
    assert (report.rows, report.rows_created, report.people.created, report.roles_added) == (5, 5, 4, 5)
    assert report.welcomes_queued == 4 == PendingWelcome.objects.count()
    bob = User.objects.get(email="bob@example.org")
    assert not bob.has_usable_password() and bob.full_name == "Bob Brown"
    assert set(bob.school_roles.values_list("school__registry_id", "role")) == {
        ("100001", "teacher"),
        ("100002", "exams_officer"),
    }
    # The address is kept as written, its domain in lower case; people are found by the search.
    assert User.objects.filter(email="Ann.Jones@example.org").exists()
    assert list(people_matching(User.objects.all(), "Ffrancon")) == [
        User.objects.get(email="dilys@example.org")
    ]


def test_importing_again_matches_people_by_address_whatever_its_case_and_changes_only_what_differs(tmp_path):
    people_import(path=write(tmp_path / "first.csv", ROWS), welcome=True)
    again = [
        ["100001", "ann.jones@EXAMPLE.org", "Ann Jones-Price", "leader"],  # renamed
        ["100002", "ANN.JONES@example.org", "Ann Jones-Price", "teacher"],  # a new role
        ["100001", "bob@example.org", "Bob Brown", "teacher"],  # nothing new
        ["100001", "eira@example.org", "Eira Hughes", "teacher"],  # a new person
    ]
    report = people_import(path=write(tmp_path / "again.csv", again), welcome=True)
    assert (report.rows_created, report.rows_updated, report.rows_unchanged) == (2, 1, 1)
    assert (report.people.created, report.people.updated, report.people.unchanged) == (1, 1, 1)
    assert User.objects.filter(email__iexact="ann.jones@example.org").count() == 1
    assert User.objects.get(email__iexact="ann.jones@example.org").full_name == "Ann Jones-Price"
    assert User.objects.count() == 5 and SchoolStaff.objects.count() == 7
    assert PendingWelcome.objects.count() == 5, "only the new person is queued; nobody twice"


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["999999", "x@example.org", "X", "teacher"], "school_id", "no school with this id"),
        (["", "x@example.org", "X", "teacher"], "school_id", "school id is empty"),
        (["100001", "not-an-address", "X", "teacher"], "email", "not a valid e-mail address"),
        (["100001", "x@example.org", " ", "teacher"], "name", "name is empty"),
        (["100001", "x@example.org", "X" * 201, "teacher"], "name", "longer than 200"),
        (["100001", "x@example.org", "X", "headteacher"], "role", "unknown role"),
        (["100002", "BOB@example.org", "Robert Brown", "teacher"], "name", "another name on an earlier row"),
    ],
)
def test_a_file_with_a_problem_imports_nothing_and_says_where(tmp_path, row, column, reason):
    with pytest.raises(ImportFailed) as failed:
        people_import(path=write(tmp_path / "bad.csv", [*ROWS, row]), welcome=True)
    [problem] = list(failed.value.report.problems)
    assert (problem.row, problem.column) == (7, column) and reason in problem.reason
    assert (
        not User.objects.exists() and not SchoolStaff.objects.exists() and not PendingWelcome.objects.exists()
    )


def test_a_file_without_a_needed_column_is_refused(tmp_path):
    path = write(tmp_path / "bad.csv", [r[:3] for r in ROWS], header=HEADER[:3])
    with pytest.raises(ImportFailed) as failed:
        people_import(path=path)
    assert [p.column for p in failed.value.report.problems] == ["role"]
    assert not User.objects.exists()


def test_skipping_bad_rows_imports_the_rest_and_lists_them(tmp_path):
    rows = [*ROWS, ["999999", "x@example.org", "X", "teacher"], ["100001", "y@", "Y", "teacher"]]
    report = people_import(path=write(tmp_path / "p.csv", rows), skip_bad_rows=True, welcome=False)
    assert report.rows_skipped == 2 and len(report.skipped_problems) == 2 and report.unknown_ids == ["999999"]
    assert User.objects.count() == 4 and not PendingWelcome.objects.exists()


def test_the_command_imports_reports_and_writes_every_problem_to_a_file(tmp_path, settings, capsys):
    settings.PEOPLE_IMPORT_WELCOME = False  # sign-in through the identity provider: no welcome e-mails
    call_command("import", "people", str(write(tmp_path / "p.csv", ROWS)))
    out = capsys.readouterr().out
    assert "people created" in out and "5 created, 0 updated, 0 unchanged, 0 skipped" in out
    assert User.objects.count() == 4 and not PendingWelcome.objects.exists()
    bad = write(tmp_path / "bad.csv", [["100001", "z@example.org", "Z", "cook"]])
    with pytest.raises(CommandError, match="Nothing imported"):
        call_command("import", "people", str(bad), "--errors", str(tmp_path / "errors.csv"))
    assert "unknown role" in (tmp_path / "errors.csv").read_text()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "people", str(tmp_path / "missing.csv"))
    call_command(
        "import",
        "people",
        str(write(tmp_path / "q.csv", [["100001", "w@example.org", "W", "teacher"]])),
        "--welcome",
    )
    assert PendingWelcome.objects.filter(user__email="w@example.org").exists()


def test_welcome_emails_go_at_the_hourly_rate_and_nobody_gets_two(tmp_path):
    people_import(path=write(tmp_path / "p.csv", ROWS), welcome=True)
    now = timezone.now()
    first = delivery.welcome_send(now=now, per_hour=3)
    assert (first.queued, first.pending, first.sent) == (3, 1, 3) and len(mail.outbox) == 3
    later = delivery.welcome_send(now=now + timedelta(minutes=30), per_hour=3)
    assert later.queued == 0 and len(mail.outbox) == 3, "the hour's allowance is used"
    last = delivery.welcome_send(now=now + timedelta(minutes=61), per_hour=3)
    assert (last.queued, last.pending) == (1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(User.objects.values_list("email", flat=True))
    assert delivery.welcome_send(now=now + timedelta(hours=3), per_hour=3).queued == 0


def test_the_welcome_link_lets_the_person_choose_a_password_and_sign_in(tmp_path):
    people_import(path=write(tmp_path / "p.csv", ROWS[:1]), welcome=True)
    delivery.welcome_send(per_hour=10)
    [message] = mail.outbox
    assert message.subject == "Welcome to Kindred" and "Ann Jones" in message.body
    link = next(word for word in message.body.split() if "/password-reset/" in word and "sent" not in word)
    client = Client()
    form = client.get(urlsplit(link).path, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Llwybr-Hir-2026!", "new_password2": "Llwybr-Hir-2026!"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="Ann.Jones@example.org").check_password("Llwybr-Hir-2026!")


def test_a_stopped_run_resumes_and_someone_already_signed_in_is_not_welcomed(tmp_path, monkeypatch):
    people_import(path=write(tmp_path / "p.csv", ROWS), welcome=True)
    User.objects.filter(email="cai@example.org").update(last_login=timezone.now())

    def dies(**kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(delivery, "outbox_send", dies)
    with pytest.raises(RuntimeError):
        delivery.welcome_send(per_hour=100)
    # The welcomes were queued and their people taken off the waiting list together.
    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.WELCOME, sent_at=None).count() == 3
    assert not PendingWelcome.objects.exists() and not mail.outbox
    monkeypatch.undo()
    summary = delivery.welcome_send(per_hour=100)
    assert (summary.queued, summary.sent) == (0, 3)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Ann.Jones@example.org",
        "bob@example.org",
        "dilys@example.org",
    ]
    call_command("welcome", verbosity=0)
    assert len(mail.outbox) == 3
