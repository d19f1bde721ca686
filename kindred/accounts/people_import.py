"""`kindred import people FILE`: staff accounts for a whole country from one file.

The file has a row per person and role: the school's registry id, the e-mail address, the name and
the role (columns `school_id`, `email`, `name`, `role`; CSV or a spreadsheet, read as a stream by
kindred.schools.importing.reading). For each row the person's account is created (no usable
password: they choose one from the welcome e-mail, or sign in through the identity provider) or,
matched by e-mail address whatever its case, its name updated; the role at the school is added if
the person does not hold it. An import never removes a role or an account (a file of one region
takes nothing from the others); roles are removed on the school's staff page.

A file with problems imports nothing: every problem is counted and reported by cause (unknown
school, address not valid, role unknown, one address with two names), and the command exits with
status 1; with `--skip-bad-rows` the rows with problems are left out and the rest imported.

Speed: rows are read, checked and written in chunks of CHUNK rows with `bulk_insert` (COPY on
PostgreSQL), in one transaction. When the file brings more people than there are accounts (a first,
national import), the people and staff tables' indexes and the people search index are built once at
the end, as the generator does; the tables are then locked until the import commits.

Welcome e-mails are not sent here: each account created gets a PendingWelcome row, and
`kindred welcome` sends them at WELCOME_EMAILS_PER_HOUR through the e-mail outbox. With
PEOPLE_IMPORT_WELCOME off (sign-in through the organisation's identity provider) or `--no-welcome`,
none are queued.
"""

import os
import unicodedata
from argparse import ArgumentParser, BooleanOptionalAction
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred.accounts.models import PendingWelcome, SchoolStaff, User
from kindred.accounts.search import people_indexed_after
from kindred.audit.services import audit
from kindred.core.bulk import bulk_insert, foreign_keys_validated_after, indexes_rebuilt_after
from kindred.core.progress import Progress, Said, no_progress
from kindred.schools.generation import allocate_ids
from kindred.schools.importing.commands import ImportCommand
from kindred.schools.importing.reading import open_table
from kindred.schools.importing.report import ImportFailed, ImportReport, Problem, Tally
from kindred.schools.models import School

CHUNK = 20_000  # rows checked and written together
COLUMNS = {
    "school_id": ("school_id", "school", "registry_id", "urn", "school id"),
    "email": ("email", "e-mail", "email_address", "email address", "e-mail address"),
    "name": ("name", "full_name", "full name"),
    "role": ("role",),
}
NAME_MAX = 200
# An account as the import writes it (the other columns are nullable: last sign-in, e-mail verified).
USER_COLUMNS = [
    "id",
    "password",
    "is_superuser",
    "first_name",
    "last_name",
    "is_staff",
    "is_active",
    "date_joined",
    "email",
    "full_name",
    "language",
]
EMAIL_MAX = 254


@dataclass
class PeopleReport(ImportReport):
    """An import of people: the rows' counts (a row created, updated or left a person or a role) and
    the people, roles and welcomes behind them."""

    people: Tally = field(default_factory=Tally)
    roles_added: int = 0
    welcomes_queued: int = 0

    def summary(self) -> dict[str, int | str]:
        lines = super().summary()
        lines[_("people created")] = self.people.created
        lines[_("people renamed")] = self.people.updated
        lines[_("people unchanged")] = self.people.unchanged
        lines[_("roles added")] = self.roles_added
        lines[_("welcome e-mails queued (sent by kindred welcome)")] = self.welcomes_queued
        return lines


@dataclass
class _Row:
    number: int
    school_id: int
    email: str  # as written (the domain in lower case)
    key: str  # the address in lower case: how people are matched
    name: str
    role: str


def _fold(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def _roles() -> dict[str, str]:
    """Role code by every way of writing it: the code, its English label, either folded."""
    names: dict[str, str] = {}
    for role in SchoolStaff.Role:
        names[_fold(role.value)] = role.value
        names[_fold(str(role.label))] = role.value
    return names


def people_import(
    *,
    path: str | Path,
    progress: Progress = no_progress,
    welcome: bool | None = None,
    skip_bad_rows: bool = False,
    by: User | None = None,
) -> PeopleReport:
    """Import the people file at `path`; raises ImportFailed (nothing written) when it has problems.

    `welcome`: queue a welcome e-mail for each account created (default: PEOPLE_IMPORT_WELCOME).
    """
    welcome = settings.PEOPLE_IMPORT_WELCOME if welcome is None else welcome
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    table = open_table(path)
    report = PeopleReport(
        file=path.name, encoding=table.encoding, read_as=table.description(), notes=table.notes
    )
    report.problems.extend(table.problems)
    columns = _columns(table.header, report)
    if report.problems:
        raise ImportFailed(report)
    schools = dict(School.objects.values_list("registry_id", "id"))
    roles = _roles()
    seen: set[int] = set()  # the people of the rows so far (another name for one of them is a problem)
    header_problems = len(table.problems)
    try:
        with transaction.atomic(), ExitStack() as loading:
            if (table.estimated_rows or 0) > User.objects.count():
                # A first import of a country: indexes (people search too) built once at the end.
                loading.enter_context(foreign_keys_validated_after(SchoolStaff, PendingWelcome))
                loading.enter_context(indexes_rebuilt_after(User, SchoolStaff))
                loading.enter_context(people_indexed_after())
            chunk: list[_Row] = []
            for number, cells in table.rows():
                row = _row_check(number, cells, columns, schools, roles, report, skip_bad_rows)
                if row is not None:
                    chunk.append(row)
                if len(chunk) >= CHUNK:
                    _chunk_write(chunk, report, seen, welcome, skip_bad_rows)
                    chunk = []
                    progress(table.rows_read, table.estimated_rows, gettext_noop("people"))
            _chunk_write(chunk, report, seen, welcome, skip_bad_rows)
            for problem in table.problems[header_problems:]:  # rows longer than the header
                _problem(report, problem, skip_bad_rows)
            report.rows, report.blank_rows = table.rows_read, table.blank_rows
            if report.problems:
                raise ImportFailed(report)
            progress(report.rows, report.rows, gettext_noop("indexing and checking"))
            audit(
                by,
                "accounts.people_imported",
                None,
                file=path.name,
                rows=report.rows,
                people_created=report.people.created,
                people_renamed=report.people.updated,
                roles_added=report.roles_added,
                welcomes_queued=report.welcomes_queued,
            )
    except ImportFailed:
        _undo_counts(report)
        raise
    return report


def _undo_counts(report: PeopleReport) -> None:
    """Nothing was written: the counts of what would have been are not reported as done."""
    report.people = Tally()
    report.roles_added = report.welcomes_queued = 0
    report.rows_created = report.rows_updated = report.rows_unchanged = 0


def _columns(header: list[str], report: PeopleReport) -> dict[str, int]:
    folded = {_fold(name): i for i, name in enumerate(header)}
    found: dict[str, int] = {}
    for column, names in COLUMNS.items():
        for name in names:
            if _fold(name) in folded:
                found[column] = folded[_fold(name)]
                break
        else:
            report.problems.append(
                Problem(
                    1,
                    column,
                    Said(
                        gettext_noop(
                            "the file has no %(column)s column (the columns are school_id, email, name, role)"
                        ),
                        column=column,
                    ),
                )
            )
    return found


def _problem(report: PeopleReport, problem: Problem, skip: bool) -> None:
    if skip:
        report.skipped_problems.append(problem)
        report.skipped[problem.reason] += 1
    else:
        report.problems.append(problem)


def _row_check(
    number: int,
    cells: list[str],
    columns: dict[str, int],
    schools: dict[str, int],
    roles: dict[str, str],
    report: PeopleReport,
    skip: bool,
) -> _Row | None:
    school_text = cells[columns["school_id"]].strip()
    email = unicodedata.normalize("NFC", cells[columns["email"]].strip())
    name = " ".join(unicodedata.normalize("NFC", cells[columns["name"]]).split())
    role_text = cells[columns["role"]]
    problem = None
    school_id = schools.get(school_text)
    if school_id is None:
        if school_text:
            report.unknown_school(school_text)
            problem = Problem(
                number, "school_id", gettext_noop("no school with this id in the registry"), school_text
            )
        else:
            problem = Problem(number, "school_id", gettext_noop("the school id is empty"), school_text)
    elif not email:
        problem = Problem(number, "email", gettext_noop("the e-mail address is empty"), email)
    elif len(email) > EMAIL_MAX or not _valid_email(email):
        problem = Problem(number, "email", gettext_noop("not a valid e-mail address"), email)
    elif not name:
        problem = Problem(number, "name", gettext_noop("the name is empty"), name)
    elif len(name) > NAME_MAX:
        problem = Problem(number, "name", gettext_noop("the name is longer than 200 characters"), name)
    elif _fold(role_text) not in roles:
        problem = Problem(
            number,
            "role",
            Said(
                gettext_noop("unknown role (the roles are %(roles)s)"),
                roles=", ".join(SchoolStaff.Role.values),
            ),
            role_text,
        )
    if problem is not None:
        _problem(report, problem, skip)
        return None
    email = User.objects.normalize_email(email)
    return _Row(number, school_id, email, email.lower(), name, roles[_fold(role_text)])


def _valid_email(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def _chunk_write(chunk: list[_Row], report: PeopleReport, seen: set[int], welcome: bool, skip: bool) -> None:
    """Create or rename the chunk's people and add their roles (written even when an earlier chunk
    had problems, so later ones are checked against the same state; the import then rolls back)."""
    if not chunk:
        return
    keys = {row.key for row in chunk}
    people: dict[str, tuple[int, str]] = {
        key: (pk, name)
        for pk, key, name in User.objects.annotate(key=Lower("email"))
        .filter(key__in=keys)
        .values_list("pk", "key", "full_name")
    }
    # One name per address in the file: another name for someone an earlier row named is a problem.
    new: dict[str, _Row] = {}
    renamed: dict[int, str] = {}
    kept: list[_Row] = []
    for row in chunk:
        if row.key in people:
            pk, name = people[row.key]
            if name != row.name:
                if pk in seen:
                    _problem(report, _second_name(row), skip)
                    continue
                renamed[pk] = row.name
                people[row.key] = (pk, row.name)
            elif pk not in seen:
                report.people.unchanged += 1
            seen.add(pk)
        elif row.key in new:
            if new[row.key].name != row.name:
                _problem(report, _second_name(row), skip)
                continue
        else:
            new[row.key] = row
        kept.append(row)
    created = list(new.values())
    if created:
        ids = allocate_ids(User, len(created)).tolist()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        tails = os.urandom(8 * len(created)).hex()
        bulk_insert(
            User._meta.db_table,
            USER_COLUMNS,
            (
                (
                    pk,
                    "!" + tails[16 * i : 16 * i + 16],
                    False,
                    "",
                    "",
                    False,
                    True,
                    now,
                    row.email,
                    row.name,
                    "",
                )
                for i, (pk, row) in enumerate(zip(ids, created, strict=True))
            ),
        )
        for pk, row in zip(ids, created, strict=True):
            people[row.key] = (pk, row.name)
        seen.update(ids)
        report.people.created += len(created)
        if welcome:
            bulk_insert(PendingWelcome._meta.db_table, ["user_id", "created_at"], ((pk, now) for pk in ids))
            report.welcomes_queued += len(ids)
    if renamed:
        User.objects.bulk_update(
            [User(pk=pk, full_name=name) for pk, name in renamed.items()], ["full_name"], batch_size=2_000
        )
        report.people.updated += len(renamed)
    # Roles, added where missing. A row created something (a person or a role), renamed someone, or
    # changed nothing.
    held = set(
        SchoolStaff.objects.filter(user_id__in={people[row.key][0] for row in kept})
        .values_list("user_id", "school_id", "role")
        .iterator()
    )
    adding: dict[tuple[int, int, str], None] = {}
    for row in kept:
        pk = people[row.key][0]
        role = (pk, row.school_id, row.role)
        if role not in held and role not in adding:
            adding[role] = None
            report.rows_created += 1
        elif pk in renamed:
            report.rows_updated += 1
        else:
            report.rows_unchanged += 1
    if adding:
        bulk_insert(SchoolStaff._meta.db_table, ["user_id", "school_id", "role"], list(adding))
        report.roles_added += len(adding)


def _second_name(row: _Row) -> Problem:
    return Problem(
        row.number,
        "name",
        gettext_noop("the same e-mail address has another name on an earlier row"),
        row.name,
    )


def _arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--welcome",
        action=BooleanOptionalAction,
        default=None,
        help="queue a welcome e-mail for each account created, sent by `kindred welcome` "
        "(default: the setting PEOPLE_IMPORT_WELCOME; --no-welcome when people sign in through the "
        "identity provider)",
    )
    parser.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="skip rows with problems (each listed, with --errors too) and import the rest",
    )


IMPORT_PEOPLE = ImportCommand(
    name="people",
    help="staff accounts: school_id, email, name, role (created, or renamed; roles added)",
    run=people_import,
    arguments=_arguments,
    options=("welcome", "skip_bad_rows"),
)
