"""The mapping builder: a mapping made in the browser from a file Kindred has never seen.

The administrator uploads a file; the builder shows each column with sample values and what
Kindred guesses it holds (`column_profiles`, `guesses`: a whole-header match first, then a word of
the header); a pick per column (a school field, a measure, the id) is written into the mapping's
data (`picks_apply`), and the whole mapping language is a form drawn from schema.py
(schema_form.py) for everything a pick cannot say (value maps, keep and skip rules, id templates,
long files, new measures, bounds). The data is checked by `mapping_parse` (the schema, then the
database), and `preview_rows` shows the first rows as they would be stored, with their problems,
without writing anything. The saved mapping is a `SavedMapping` (downloadable as YAML, and usable
by name from `kindred import schools`).
"""

import itertools
import re
from dataclasses import dataclass
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
from kindred.schools.importing.schema import CHOICE_FIELDS
from kindred.schools.importing.uploads import BUILDER_DIR

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
    "field:phase": gettext_lazy("Phase (through a value map)"),
    "field:status": gettext_lazy("Status, open or closed (through a value map)"),
    "field:urban_rural": gettext_lazy("Urban or rural (through a value map)"),
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
    ("field:phase", ("phase", "phase of education", "phaseofeducation name")),
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
    return Path(settings.MEDIA_ROOT) / BUILDER_DIR


def builder_file(token: str) -> Path | None:
    """The file the builder stored under `token` (32 hex digits), or None."""
    if not re.fullmatch(r"[0-9a-f]{32}", token):
        return None
    return next(builder_dir().glob(f"{token}-*"), None)


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", normalise_text(text)).split())


def _candidates() -> list[tuple[str, tuple[str, ...]]]:
    return [
        *HINTS,
        *((f"measure:{c}", (*h, _words(c), _words(MEASURES[c].name))) for c, h in MEASURE_HINTS.items()),
    ]


def _guess(name: str, taken: set[str], *, whole: bool) -> str:
    """A target for a column from its header: with `whole`, a hint that is the whole header; else
    a hint that is one of its words (`Share FSM (%)` holds `fsm`); `""` when nothing fits."""
    words = _words(name)
    padded = f" {words} "
    for target, hints in _candidates():
        if target in taken:
            continue
        if (words in hints) if whole else any(f" {h} " in padded for h in hints if _as_a_word(h)):
            return target
    return IGNORE


def _as_a_word(hint: str) -> bool:
    """Whether a hint may be one word of a longer header: not two letters or fewer (`la` is the
    whole header `LA`, never the French article in `Code INSEE de la commune`; `x`, `id` alike)."""
    return len(hint) > 2 or any(c.isdigit() for c in hint)


def guesses(header: list[str]) -> dict[str, str]:
    """A guess for each column, no two alike: every column whose whole header is a hint first
    (`School Type` is the school type), then the others by one of their words (so `Welsh Medium
    Type`, earlier in the file, does not take the school type from it)."""
    taken: set[str] = set()
    found: dict[str, str] = {}
    for whole in (True, False):
        for name in header:
            if name in found:
                continue
            guess = _guess(name, taken, whole=whole)
            if guess:
                found[name] = guess
                taken.add(guess)
    return {name: found.get(name, IGNORE) for name in header}


def _is_number(text: str) -> bool:
    try:
        clean_number(text)
    except ValueError:
        return False
    return True


def column_profiles(table: Table, rows: list[tuple[int, list[str]]]) -> list[ColumnProfile]:
    """Each column with its first non-empty values and a guess, no two columns guessed alike."""
    guessed = guesses(table.header)
    profiles = []
    for index, name in enumerate(table.header):
        samples = [cells[index] for _row, cells in rows if cells[index].strip()][:SAMPLES]
        guess = guessed[name]
        numeric = bool(samples) and all(_is_number(s) for s in samples)
        profiles.append(ColumnProfile(index, name, samples, guess, numeric))
    return profiles


def file_sample(path: Path, *, sheet: str | int | None = None, limit: int = 50) -> tuple[Table, list]:
    """The table and its first `limit` rows (the builder reads no further)."""
    table = open_table(path, sheet=sheet)
    return table, list(itertools.islice(table.rows(), limit))


def _place_of(target: str) -> tuple[str, str]:
    kind, _sep, key = target.partition(":")
    return kind, key


def _choice_guess(text: str, choices) -> str | None:
    """The choice a file's text plainly names (`Primary schools` is primary), or None."""
    words = f" {_words(text)} "
    for value, label in choices:
        if value and (f" {_words(value)} " in words or f" {_words(str(label))} " in words):
            return value
    return None


def _source_for(field_name: str, column: str, samples: list[str]) -> dict[str, Any]:
    """A school field's source from a column; a choice field's value map starts from the texts
    the first rows hold, each with the choice it plainly names (or none: to be chosen)."""
    source: dict[str, Any] = {"column": column}
    choices = CHOICE_FIELDS.get(field_name)
    if choices is not None:
        texts = list(dict.fromkeys(s.strip() for s in samples if s.strip()))
        source["values"] = {text: _choice_guess(text, choices.choices) for text in texts}
    return source


def pick_set(data: dict[str, Any], column: str, target: str, samples: list[str] = ()) -> None:  # type: ignore[assignment]
    """Write into a mapping's data that `column` holds `target` (a TARGETS key or measure:CODE)."""
    kind, key = _place_of(target)
    if target == ID:
        data["id"] = {"columns": [column]}
    elif kind == "measure":
        data.setdefault("measures", []).append({"column": column, "measure": key})
    elif kind == "field":
        data.setdefault("schools", {}).setdefault("fields", {})[key] = [_source_for(key, column, samples)]
    elif kind in ("coordinates", "local_authority", "region"):
        data.setdefault("schools", {}).setdefault(kind, {})[key] = column


def pick_unset(data: dict[str, Any], column: str, target: str) -> None:
    """Take out of a mapping's data that `column` holds `target` (what `pick_set` wrote)."""
    kind, key = _place_of(target)
    schools = data.get("schools") if isinstance(data.get("schools"), dict) else {}
    if target == ID:
        ident = data.get("id")
        if ident in (column, [column]):
            data.pop("id")
        elif (
            isinstance(ident, dict) and isinstance(ident.get("columns"), list) and column in ident["columns"]
        ):
            ident["columns"] = [c for c in ident["columns"] if c != column]  # a template stays
            if not ident["columns"]:
                ident.pop("columns")
            if not ident:
                data.pop("id")
    elif kind == "measure":
        kept = [
            m for m in data.get("measures", []) if not (m.get("column") == column and m.get("measure") == key)
        ]
        data["measures"] = kept
        if not kept:
            data.pop("measures")
    elif kind == "field":
        fields = schools.get("fields") or {}
        sources = fields.get(key)
        if sources == column or (isinstance(sources, list) and any(_column_of(s) == column for s in sources)):
            fields.pop(key)
    elif kind in ("coordinates", "local_authority", "region"):
        place = schools.get(kind) or {}
        if place.get(key) == column:
            place.pop(key)
            if not place:
                schools.pop(kind)
    for section in ("fields",):
        if section in schools and not schools[section]:
            schools.pop(section)
    if "schools" in data and not data["schools"]:
        data.pop("schools")


def _column_of(source: Any) -> Any:
    return source.get("column") if isinstance(source, dict) else source


def picks_of(data: dict[str, Any], header: list[str]) -> dict[str, str]:
    """For each column, the target the mapping gives it, if it is one a pick can say."""
    found: dict[str, str] = {}

    def found_as(column: Any, target: str) -> None:
        if isinstance(column, str) and column in header:
            found.setdefault(column, target)

    id_spec = data.get("id")
    if (
        isinstance(id_spec, dict)
        and isinstance(id_spec.get("columns"), list)
        and len(id_spec["columns"]) == 1
    ):
        found_as(id_spec["columns"][0], ID)
    elif isinstance(id_spec, str):
        found_as(id_spec, ID)
    schools = data.get("schools") if isinstance(data.get("schools"), dict) else {}
    for key, sources in (schools.get("fields") or {}).items():
        items = sources if isinstance(sources, list) else [sources]
        if len(items) == 1 and f"field:{key}" in TARGETS:
            found_as(_column_of(items[0]), f"field:{key}")
    for kind in ("coordinates", "local_authority", "region"):
        for key, column in (schools.get(kind) or {}).items():
            if f"{kind}:{key}" in TARGETS:
                found_as(column, f"{kind}:{key}")
    for measure in data.get("measures") or []:
        if isinstance(measure, dict) and measure.get("measure"):
            found_as(measure.get("column"), f"measure:{measure['measure']}")
    return {column: found.get(column, IGNORE) for column in header}


def picks_apply(
    data: dict[str, Any], picks: dict[str, tuple[str, str]], samples: dict[str, list[str]]
) -> dict[str, Any]:
    """The mapping's data with each changed pick (column -> (what it was, what it is now))
    written in: what a column held before is taken out, what it holds now put in."""
    for column, (was, now) in picks.items():
        if was == now:
            continue
        if was:
            pick_unset(data, column, was)
        if now:
            pick_set(data, column, now, samples.get(column, []))
    return data


def guessed_mapping(header: list[str], rows: list[tuple[int, list[str]]]) -> dict[str, Any]:
    """The mapping Kindred's guesses make, as a start."""
    guessed = guesses(header)
    return picks_apply({}, {c: (IGNORE, t) for c, t in guessed.items()}, column_samples(header, rows))


def column_samples(header: list[str], rows: list[tuple[int, list[str]]]) -> dict[str, list[str]]:
    """Each column's values in the rows read (for the texts a value map starts from)."""
    return {name: [cells[i] for _row, cells in rows if i < len(cells)] for i, name in enumerate(header)}


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
    country: str = "",
    elsewhere=None,
) -> tuple[list[PreviewRow], list[Problem]]:
    """The first `limit` rows as the import would store them, and every problem in them (those
    of the whole file, such as a missing column, too). Nothing is written.

    `country`: the country the import is for ("" the default): its bounds check the coordinates, and
    with `elsewhere` (service.elsewhere_of) a row naming another country's region, authority or school
    is a problem, as the import itself says."""
    table = open_table(path, sheet=mapping.sheet).limit(limit)
    plan = plan_schools_file(
        table,
        mapping,
        existing_ids=existing_ids,
        limits=limits,
        year=year,
        bounds=countries.profile(country or None).bounds.south_west_north_east,
        keep_when_failing=True,  # a preview shows every row, with or without problems
        country=country,
        elsewhere=elsewhere,
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
