"""`kindred import memberships FILE`: the history of networks that ran before Kindred.

Columns `school_id,network,joined,left` (left may be empty: still a member; an optional `reason`
column says why a school left, else the file's name is kept as where the end came from). A
network is found by its exact name or created (a cluster, with no coordinator: a site administrator
names one). The whole file is checked first — unknown schools, dates that are not dates, a school
leaving before it joined, two spells of one school in one network that overlap — and a file with any
problem stores nothing. Rows already stored (the same school, network and joining day) are
counted unchanged, so the same file can be imported twice. The written memberships go through the
networks' own services (`membership_add`, `membership_end`, with their dates), audited like any other.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kindred.core.progress import Progress, no_progress
from kindred.networks.models import Membership, Network
from kindred.networks.services import membership_add, membership_end, network_create
from kindred.schools.importing.cleaning import CellError, clean_date, clean_id
from kindred.schools.importing.planning import no_such_column
from kindred.schools.importing.reading import open_table
from kindred.schools.importing.report import ImportFailed, ImportReport, Problem, ProblemLog
from kindred.schools.models import School

COLUMNS = ("school_id", "network", "joined", "left")
REQUIRED = ("school_id", "network", "joined")


@dataclass(frozen=True)
class _Row:
    number: int
    school: str
    network: str
    joined: date
    left: date | None
    reason: str


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()))


def memberships_import(*, path: str | Path, progress: Progress = no_progress) -> ImportReport:
    """Check the whole file, then store every membership in one transaction (or nothing)."""
    table = open_table(path)
    report = ImportReport(file=Path(path).name, encoding=table.encoding, read_as=table.format)
    problems: list[Problem] = list(table.problems)
    missing = [column for column in REQUIRED if column not in table.header]
    problems += [Problem(0, column, no_such_column(table, column)) for column in missing]
    if problems:
        report.problems = ProblemLog(problems)
        raise ImportFailed(report)
    where = {name: i for i, name in enumerate(table.header)}
    rows: list[_Row] = []
    for number, cells in table.rows():

        def cell(column: str, cells: list[str] = cells) -> str:
            return cells[where[column]] if column in where else ""

        report.rows += 1
        school, network = clean_id(cell("school_id")), " ".join(cell("network").split())
        if not school:
            problems.append(Problem(number, "school_id", gettext_noop("empty: every row names a school")))
        if not network:
            problems.append(Problem(number, "network", gettext_noop("empty: every row names a network")))
        dates: dict[str, date | None] = {}
        for column in ("joined", "left"):
            try:
                dates[column] = clean_date(cell(column))
            except CellError as error:
                problems.append(Problem(number, column, error.reason, error.value))
                dates[column] = None
        joined, left = dates["joined"], dates["left"]
        if joined is None and "joined" not in {p.column for p in problems if p.row == number}:
            problems.append(
                Problem(number, "joined", gettext_noop("empty: every row says when the school joined"))
            )
        if joined is not None and left is not None and left < joined:
            problems.append(Problem(number, "left", gettext_noop("before the school joined"), cell("left")))
        if school and network and joined is not None:
            rows.append(_Row(number, school, network, joined, left, cell("reason").strip()))
        if report.rows % 1_000 == 0:
            progress(report.rows, table.estimated_rows or report.rows, gettext_noop("checking"))
    schools = {s.registry_id: s for s in School.objects.filter(registry_id__in={r.school for r in rows})}
    for row in rows:
        if row.school not in schools:
            problems.append(
                Problem(
                    row.number,
                    "school_id",
                    gettext_noop("no school with this id in the registry"),
                    row.school,
                )
            )
            report.unknown_school(row.school)
    spells: dict[tuple[str, str], list[_Row]] = {}
    for row in rows:
        spells.setdefault((row.school, row.network), []).append(row)
    for same in spells.values():
        same.sort(key=lambda r: r.joined)
        for before, after in pairwise(same):
            if before.left is None or before.left > after.joined:
                problems.append(
                    Problem(
                        after.number,
                        "joined",
                        gettext_noop("overlaps another row of this school in this network"),
                    )
                )
    if problems:
        report.problems = ProblemLog(problems)
        raise ImportFailed(report)
    try:
        _store(rows, schools, report, reason=Path(path).name, progress=progress)
    except _Refused as refused:  # a spell the stored history contradicts: the transaction stored nothing
        report.rows_created = report.rows_unchanged = 0
        report.problems = ProblemLog([Problem(refused.row, "", refused.reason)])
        raise ImportFailed(report) from None
    return report


class _Refused(Exception):
    def __init__(self, row: int, reason: str):
        super().__init__(reason)
        self.row, self.reason = row, reason


@transaction.atomic
def _store(
    rows: list[_Row], schools: dict[str, School], report: ImportReport, *, reason: str, progress: Progress
) -> None:
    """Every row through the networks' services, oldest first; a refusal rolls all of it back."""
    networks = {n.name: n for n in Network.objects.filter(name__in={r.network for r in rows})}
    for done, row in enumerate(sorted(rows, key=lambda r: (r.joined, r.number))):
        network = networks.get(row.network)
        if network is None:
            network = networks[row.network] = network_create(
                name=row.network,
                kind=Network.Kind.CLUSTER,
                region=None,
                by=None,
                at=_moment(row.joined),
                status=Network.Status.ACTIVE,
            )
        school = schools[row.school]
        if Membership.objects.filter(network=network, school=school, joined_at__date=row.joined).exists():
            report.rows_unchanged += 1
            continue
        try:
            membership = membership_add(network=network, school=school, by=None, at=_moment(row.joined))
            if row.left is not None:
                membership_end(
                    membership=membership, reason=row.reason or reason, by=None, at=_moment(row.left)
                )
        except ValidationError as refused:
            raise _Refused(row.number, " ".join(refused.messages)) from None
        report.rows_created += 1
        if done % 100 == 0:
            progress(done, len(rows), gettext_noop("storing"))
