"""The mapping builder: a mapping made in the browser from a file Kindred has never seen.

The administrator uploads a file; the builder shows each column with sample values and what
Kindred guesses it holds (`column_profiles`); the administrator picks, for each column, a school
field, a measure, or nothing; `mapping_data` turns the picks into a mapping (the same YAML as a
hand-written one, checked by `mapping_parse`), and `preview_rows` shows the first rows as they
would be stored, with their problems, without writing anything. The saved mapping is a
`SavedMapping` (downloadable as YAML, and usable by name from `kindred import schools`).
"""

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred import countries
from kindred.schools.catalogue import MEASURES
from kindred.schools.importing.cleaning import clean_number, normalise_text
from kindred.schools.importing.mapping import Mapping
from kindred.schools.importing.planning import KEEP, plan_schools_file
from kindred.schools.importing.reading import Table, open_table
from kindred.schools.importing.report import Problem

SAMPLES = 5
PREVIEW_ROWS = 10
IGNORE = ""
ID = "id"
# Targets a column can be given, besides a measure ("measure:CODE"): value -> label.
TARGETS: dict[str, Any] = {
    IGNORE: gettext_lazy("— not imported —"),
    ID: gettext_lazy("School id (registry id)"),
    "field:name": gettext_lazy("School name"),
    "field:town": gettext_lazy("Town"),
    "field:postcode": gettext_lazy("Postcode"),
    "field:school_type": gettext_lazy("School type (text)"),
    "field:pupils": gettext_lazy("Number of pupils"),
    "field:opened_on": gettext_lazy("Date opened"),
    "field:closed_on": gettext_lazy("Date closed"),
    "coordinates:latitude": gettext_lazy("Latitude"),
    "coordinates:longitude": gettext_lazy("Longitude"),
    "coordinates:easting": gettext_lazy("Easting (British National Grid)"),
    "coordinates:northing": gettext_lazy("Northing (British National Grid)"),
    "local_authority:code": gettext_lazy("Authority code"),
    "local_authority:name": gettext_lazy("Authority name"),
    "region:code": gettext_lazy("Region code"),
    "region:name": gettext_lazy("Region name"),
}
# Header words that suggest a target (compared on the normalised header, whole words).
HINTS: list[tuple[str, tuple[str, ...]]] = [
    (
        ID,
        ("urn", "id", "school id", "school code", "school number", "establishment number", "laestab", "code"),
    ),
    ("field:name", ("name", "school", "school name", "schname", "establishment name", "establishmentname")),
    ("field:town", ("town", "city", "municipality", "locality")),
    ("field:postcode", ("postcode", "post code", "pcode", "zip", "postal code")),
    ("field:school_type", ("type", "school type", "schtype")),
    ("field:pupils", ("pupils", "nor", "number on roll", "enrolment", "enrollment", "roll")),
    ("field:opened_on", ("opened", "open date", "opendate")),
    ("field:closed_on", ("closed", "close date", "closedate")),
    ("coordinates:latitude", ("lat", "latitude")),
    ("coordinates:longitude", ("lon", "lng", "long", "longitude")),
    ("coordinates:easting", ("easting", "x")),
    ("coordinates:northing", ("northing", "y")),
    ("local_authority:code", ("la", "lea", "la code", "authority code", "district code")),
    ("local_authority:name", ("la name", "authority", "local authority", "district", "council")),
    ("region:code", ("region code", "gor", "gor code")),
    ("region:name", ("region", "region name", "gor name")),
]
MEASURE_HINTS: dict[str, tuple[str, ...]] = {
    "fsm_pct": ("fsm", "free school meals", "pnumfsmever"),
    "eal_pct": ("eal", "english as an additional language", "pnumeal"),
    "sen_support_pct": ("sen support", "psenelk"),
    "sen_ehcp_pct": ("ehc", "ehcp", "psenelse"),
    "absence_pct": ("absence", "overall absence", "perctot"),
    "ks4_progress8": ("progress 8", "p8", "p8mea"),
    "ks4_attainment8": ("attainment 8", "att8", "att8scr"),
}


@dataclass
class ColumnProfile:
    """One column of an uploaded file: its name, its first values and what Kindred guesses it is."""

    index: int
    name: str
    samples: list[str]
    guess: str
    numeric: bool


def builder_dir() -> Path:
    from kindred.schools.importing.uploads import BUILDER_DIR

    return Path(settings.MEDIA_ROOT) / BUILDER_DIR


def builder_file(token: str) -> Path | None:
    """The file the builder stored under `token` (32 hex digits), or None."""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    return next(builder_dir().glob(f"{token}-*"), None)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", normalise_text(text)).split())


def _guess(name: str, taken: set[str]) -> str:
    """A target for a column, from its header: a hint that is the whole header first, then a hint
    that is one of its words (`Share FSM (%)` holds `fsm`); `""` when nothing fits."""
    words = _words(name)
    padded = f" {words} "
    candidates = [
        *HINTS,
        *((f"measure:{c}", (*h, _words(c), _words(MEASURES[c].name))) for c, h in MEASURE_HINTS.items()),
    ]
    for whole in (True, False):
        for target, hints in candidates:
            if target in taken:
                continue
            if (words in hints) if whole else any(f" {h} " in padded for h in hints):
                return target
    return IGNORE


def _is_number(text: str) -> bool:
    try:
        clean_number(text)
    except ValueError:
        return False
    return True


def column_profiles(table: Table, rows: list[tuple[int, list[str]]]) -> list[ColumnProfile]:
    """Each column with its first non-empty values and a guess, no two columns guessed alike."""
    taken: set[str] = set()
    profiles = []
    for index, name in enumerate(table.header):
        samples = [cells[index] for _row, cells in rows if cells[index].strip()][:SAMPLES]
        guess = _guess(name, taken)
        if guess:
            taken.add(guess)
        numeric = bool(samples) and all(_is_number(s) for s in samples)
        profiles.append(ColumnProfile(index, name, samples, guess, numeric))
    return profiles


def file_sample(path: Path, *, sheet: str | int | None = None, limit: int = 50) -> tuple[Table, list]:
    """The table and its first `limit` rows (the builder reads no further)."""
    table = open_table(path, sheet=sheet)
    return table, list(itertools.islice(table.rows(), limit))


@dataclass
class Choices:
    """What the administrator picked: a target for each column, and the file's settings."""

    targets: dict[str, str]  # column name -> target
    description: str = ""
    year: int | None = None
    create: bool = True
    phase: str = ""  # a constant phase for every school, or "" for none
    sheet: str | int | None = None
    problems: list[str] = field(default_factory=list)


def mapping_data(choices: Choices) -> dict[str, Any]:
    """The mapping the picks make, as the data of a YAML mapping file."""
    data: dict[str, Any] = {"description": choices.description or _("Made with the mapping builder.")}
    by_target: dict[str, str] = {}
    for column, target in choices.targets.items():
        if target:
            by_target.setdefault(target, column)
    if ID in by_target:
        data["id"] = by_target[ID]
    if choices.year is not None:
        data["year"] = choices.year
    if choices.sheet not in (None, ""):
        data["sheet"] = choices.sheet
    fields = {t.split(":", 1)[1]: c for t, c in by_target.items() if t.startswith("field:")}
    if choices.phase:
        fields["phase"] = {"value": choices.phase}
    schools: dict[str, Any] = {"create": bool(choices.create and "name" in fields)}
    if fields:
        schools["fields"] = fields
    coordinates = {t.split(":", 1)[1]: c for t, c in by_target.items() if t.startswith("coordinates:")}
    if coordinates:
        schools["coordinates"] = coordinates
    for place in ("local_authority", "region"):
        given = {t.split(":", 1)[1]: c for t, c in by_target.items() if t.startswith(f"{place}:")}
        if given:
            schools[place] = given
    if len(schools) > 1 or schools["create"]:
        data["schools"] = schools
    measures = [
        {"column": column, "measure": target.split(":", 1)[1]}
        for column, target in choices.targets.items()
        if target.startswith("measure:")
    ]
    if measures:
        data["measures"] = measures
    return data


@dataclass
class PreviewRow:
    """A row of the file as it would be stored: the school's values, its measures, its problems."""

    row: int
    registry_id: str
    values: dict[str, Any]
    measures: list[tuple[str, int, Any]]
    problems: list[Problem]


def preview_rows(
    path: Path,
    mapping: Mapping,
    *,
    existing_ids: set[str],
    limits,
    year: int | None = None,
    limit: int = PREVIEW_ROWS,
) -> tuple[list[PreviewRow], list[Problem]]:
    """The first `limit` rows as the import would store them, and every problem in them (those
    of the whole file, such as a missing column, too). Nothing is written."""
    table = open_table(path, sheet=mapping.sheet).limit(limit)
    plan = plan_schools_file(
        table,
        mapping,
        existing_ids=existing_ids,
        limits=limits,
        year=year,
        bounds=countries.profile().bounds.south_west_north_east,
    )
    by_row: dict[int, PreviewRow] = {}
    for school in plan.schools:
        by_row[school.row] = PreviewRow(school.row, school.registry_id, dict(school.values), [], [])
        if school.authority:
            by_row[school.row].values["local_authority"] = school.authority
        if school.region:
            by_row[school.row].values["region"] = school.region
    for measure in plan.measures:
        preview = by_row.setdefault(measure.row, PreviewRow(measure.row, measure.registry_id, {}, [], []))
        shown = _("suppressed") if measure.suppressed else measure.value
        cohort = "" if measure.cohort in (None, KEEP) else f" ({_('cohort')} {measure.cohort})"
        preview.measures.append((measure.code, measure.year, f"{shown}{cohort}"))
    file_problems = []
    for problem in plan.report.problems:
        if problem.row >= 2:
            by_row.setdefault(problem.row, PreviewRow(problem.row, "", {}, [], [])).problems.append(problem)
        else:
            file_problems.append(problem)
    return [by_row[row] for row in sorted(by_row)], file_problems
