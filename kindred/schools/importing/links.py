"""Checking a links file (predecessor and successor schools) and deciding what it would store.

England's Get Information About Schools publishes its establishment links as one row per link
and school: `URN, LinkURN, LinkName, LinkType, LinkEstablishedDate`. `LinkType` names what the
linked school (LinkURN) is to the school on the row (URN): "Predecessor" means LinkURN came
before URN. Each link usually appears twice, once from each school; it is stored once, as a
`SchoolLink(predecessor, successor, kind, on)`. Nothing here writes; writing.py does.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_noop

from kindred.core.progress import Progress, Said, no_progress
from kindred.schools.importing.cleaning import CellError, clean_date, clean_id, normalise_text
from kindred.schools.importing.planning import (
    PROGRESS_EVERY,
    REGISTRY_ID_LENGTH,
    no_such_column,
)
from kindred.schools.importing.reading import Table
from kindred.schools.importing.report import ImportReport, Problem
from kindred.schools.models import SchoolLink

URN, LINK_URN, LINK_TYPE, LINK_DATE = "URN", "LinkURN", "LinkType", "LinkEstablishedDate"
LINK_COLUMNS = (URN, LINK_URN, LINK_TYPE, LINK_DATE)  # LinkName is not needed: the registry has names

BEFORE, AFTER = "before", "after"  # the linked school came before (a predecessor) or after (a successor)
PLAIN = None  # "Predecessor" / "Successor": a closure with a successor, or a conversion (see _plain_kind)

# LinkType (compared trimmed, case-insensitively) -> (where the linked school stands, the kind).
# The names follow GIAS's link-type codes: the 1 series are predecessors, the 2 and 6 series successors.
SUCCESSION_TYPES: dict[str, tuple[str, SchoolLink.Kind | None]] = {
    "predecessor": (BEFORE, PLAIN),
    "successor": (AFTER, PLAIN),
    "predecessor - merged": (BEFORE, SchoolLink.Kind.MERGER),
    "successor - merged": (AFTER, SchoolLink.Kind.MERGER),
    "predecessor - amalgamated": (BEFORE, SchoolLink.Kind.MERGER),
    "successor - amalgamated": (AFTER, SchoolLink.Kind.MERGER),
    "result of amalgamation": (AFTER, SchoolLink.Kind.MERGER),
    "predecessor - split school": (BEFORE, SchoolLink.Kind.SPLIT),
    "successor - split school": (AFTER, SchoolLink.Kind.SPLIT),
}
# Link types that are not a predecessor/successor relation, or do not say which school came first.
OTHER_TYPES = frozenset(
    {
        "sixth form centre link",
        "sixth form centre school",
        "children's centre link",
        "closure",
        "expansion",
        "other",
        "merged - change in age range",
        "merged - expansion of school capacity",
        "merged - expansion in school capacity and changer in age range",
    }
)
SKIP_OTHER_TYPE = gettext_noop("not a predecessor or successor link: %(type)s")
SKIP_UNKNOWN_TYPE = gettext_noop("unknown link type: %(type)s")
SKIP_PENDING = gettext_noop("a school not (yet) in the registry: kept pending, linked when it arrives")


@dataclass
class PlannedLink:
    row: int  # the first row that gives it
    predecessor: str  # registry id
    successor: str
    kind: SchoolLink.Kind
    on: date | None
    rows: list[int] = field(default_factory=list)  # every row that gives it


@dataclass
class LinksPlan:
    report: ImportReport
    links: dict[tuple[str, str], PlannedLink] = field(default_factory=dict)  # (predecessor, successor)
    # rows naming a school not in the registry: (school, linked, link type, date), kept until both are
    pending: dict[tuple[str, str, str], date | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.report.problems


def _is_academy(school_type: str) -> bool:
    return "academy" in school_type.casefold()


def _plain_kind(predecessor_type: str, successor_type: str) -> SchoolLink.Kind:
    """A plain predecessor/successor link is a conversion when a school that was not an academy is
    followed by an academy (England gives a converting school a new URN); otherwise a successor."""
    if _is_academy(successor_type) and not _is_academy(predecessor_type):
        return SchoolLink.Kind.CONVERSION
    return SchoolLink.Kind.SUCCESSOR


def plan_links_file(
    table: Table,
    *,
    school_types: dict[str, str],
    existing_pairs: set[tuple[str, str]],
    file: str = "",
    progress: Progress = no_progress,
) -> LinksPlan:
    """Check every row of a links file; nothing is written.

    `school_types`: every registry id and its school type (text); `existing_pairs`: the
    (predecessor, successor) registry ids of the links already stored.
    """
    report = ImportReport(file=file, encoding=table.encoding, read_as=table.description())
    report.notes.extend(table.notes)
    report.problems.extend(table.problems)
    table.problems = report.problems  # problems found while the rows are read join the report's
    plan = LinksPlan(report=report)
    if not report.problems:
        for column in LINK_COLUMNS:
            if column not in table.header:
                report.problems.append(Problem(1, column, no_such_column(table, column)))
    if report.problems:
        return plan
    index = table.column_index()
    at_urn, at_link, at_type, at_date = (index[c] for c in LINK_COLUMNS)
    total = table.estimated_rows
    done = 0
    for done, (row, cells) in enumerate(table.rows(), start=1):
        if done % PROGRESS_EVERY == 0:
            progress(done, max(total or 0, done), gettext_noop("checking"))
        link = plan_link_row(
            plan, row, cells[at_urn], cells[at_link], cells[at_type], cells[at_date], school_types
        )
        if link is not None:
            links_add(plan, link, existing_pairs)
    report.rows, report.blank_rows = table.rows_read, table.blank_rows
    progress(done, done, gettext_noop("checked"))
    return plan


def plan_link_row(
    plan: LinksPlan,
    row: int,
    urn: str,
    link_urn: str,
    link_type: str,
    link_date: str,
    school_types: dict[str, str],
) -> PlannedLink | None:
    """The link one row gives, or None (a problem recorded, or the row skipped and counted)."""
    problems = plan.report.problems
    kind_text = normalise_text(link_type)
    shown_type = " ".join(link_type.split())
    if not kind_text:
        problems.append(Problem(row, LINK_TYPE, gettext_noop("no link type"), link_type.strip()))
        return None
    if kind_text in OTHER_TYPES:  # not used, so not checked further
        plan.report.skipped[Said(SKIP_OTHER_TYPE, type=shown_type)] += 1
        return None
    if kind_text not in SUCCESSION_TYPES:
        plan.report.skipped[Said(SKIP_UNKNOWN_TYPE, type=shown_type)] += 1
        return None
    before = len(problems)
    ids = []
    for column, text in ((URN, urn), (LINK_URN, link_urn)):
        registry_id = clean_id(text)
        if not registry_id:
            problems.append(Problem(row, column, gettext_noop("no school id"), text.strip()))
        elif len(registry_id) > REGISTRY_ID_LENGTH:
            problems.append(
                Problem(row, column, gettext_noop("an id longer than 32 characters"), registry_id)
            )
        ids.append(registry_id)
    school, linked = ids
    if school and school == linked:
        problems.append(Problem(row, LINK_URN, gettext_noop("a school cannot be linked to itself"), linked))
    on = None
    try:
        on = clean_date(link_date)
    except CellError as error:
        problems.append(Problem(row, LINK_DATE, error.reason, error.value))
    if len(problems) > before:
        return None
    if school not in school_types or linked not in school_types:
        plan.report.skipped[str(SKIP_PENDING)] += 1
        plan.pending[(school, linked, shown_type)] = on
        return None
    side, kind = SUCCESSION_TYPES[kind_text]
    predecessor, successor = (linked, school) if side == BEFORE else (school, linked)
    if kind is PLAIN:
        kind = _plain_kind(school_types[predecessor], school_types[successor])
    return PlannedLink(row, predecessor, successor, kind, on, rows=[row])


def links_add(plan: LinksPlan, link: PlannedLink, existing_pairs: set[tuple[str, str]]) -> None:
    """Record a row's link, merging it with the same link given on an earlier row (from the other school)."""
    report = plan.report
    pair = (link.predecessor, link.successor)
    opposite = plan.links.get((link.successor, link.predecessor))
    if opposite is not None or (pair[::-1] in existing_pairs and pair not in existing_pairs):
        where = (
            Said(gettext_noop("row %(row)d says the opposite"), row=opposite.row)
            if opposite
            else Said(gettext_noop("the registry already records the opposite link"))
        )
        report.problems.append(
            Problem(
                link.row,
                LINK_TYPE,
                Said(
                    gettext_noop("a school cannot follow the school it came before: %(where)s"), where=where
                ),
                f"{link.predecessor} -> {link.successor}",
            )
        )
        return
    known = plan.links.get(pair)
    if known is None:
        plan.links[pair] = link
        return
    if len(known.rows) == 1:
        report.links_on_two_rows += 1
    known.rows.append(link.row)
    disagree = False
    if link.kind != known.kind:
        # "Predecessor" from one school and "Successor - merged" from the other: the more specific wins.
        generic = {SchoolLink.Kind.SUCCESSOR, SchoolLink.Kind.CONVERSION}
        if known.kind in generic and link.kind not in generic:
            known.kind = link.kind
        elif link.kind not in generic:
            disagree = True
    if link.on is not None and link.on != known.on:
        if known.on is None:
            known.on = link.on
        else:
            disagree = True
    report.links_rows_disagree += disagree
