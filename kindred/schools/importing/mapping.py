"""Column mappings: a YAML file saying what each column of a CSV file means.

The format is documented in docs/importing.md. `mapping_load` reads a ready mapping by name
(kindred/schools/mappings/NAME.yaml) or any YAML file by path, and checks it completely before
any file is read, so a typo in a mapping is reported at once and imports nothing.
"""

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from kindred.schools.catalogue import MEASURES, MeasureSpec
from kindred.schools.importing.cleaning import MISSING_CODES, SUPPRESSED_CODES, Codes, normalise_text
from kindred.schools.models import MeasureDefinition, SavedMapping, School

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"

# School fields a mapping may fill, by how their cells are read.
TEXT_FIELDS = {"name": 200, "school_type": 100, "country": 100, "town": 100, "postcode": 16}
CHOICE_FIELDS = {
    "phase": School.Phase,
    "status": School.Status,
    "urban_rural": School.UrbanRural,
}
DATE_FIELDS = {"opened_on", "closed_on"}
COUNT_FIELDS = {"pupils"}
SCHOOL_FIELDS = set(TEXT_FIELDS) | set(CHOICE_FIELDS) | DATE_FIELDS | COUNT_FIELDS

NEXT = "next"  # `otherwise: next` in a value map: this column does not decide, try the next one


class MappingError(ValueError):
    """A mapping that cannot be used; the message lists every problem."""


@dataclass(frozen=True)
class FieldSource:
    """Where one school field comes from: a column, read through an optional value map, or a
    constant (`{value: primary}`)."""

    column: str | None
    values: dict[str, str] | None = None  # normalised text -> stored value
    otherwise: str | None = None  # value for text not in the map; NEXT to fall through; None: an error
    date_format: str | None = None
    constant: Any = None
    missing: frozenset[str] = frozenset()  # normalised texts that mean "no value" (read as an empty cell)


@dataclass(frozen=True)
class CodeName:
    """A local authority or region given by a code column, a name column, or both. Given only by
    its name, its code is made from the name (`place_code`). `values` maps the file's text (of the
    code column, or of the name when there is no code) to other text, or to None: no place."""

    code: str | None
    name: str | None = None
    values: dict[str, str | None] | None = None

    @property
    def key(self) -> str:
        return self.code or self.name or ""


@dataclass(frozen=True)
class MeasureColumn:
    """A column holding one measure for one year (or a constant, for a list such as grammar schools)."""

    measure: str
    year: int | None  # None: the file's year (the mapping's, a year column's, or the command line's)
    column: str | None = None
    cohort: str | None = None
    values: dict[str, float | None] | None = None  # normalised text -> number, for text columns (Yes/No)
    constant: float | None = None
    fill_in: bool = False  # only add what is not stored yet (a value, a cohort); never replace
    year_column: str | None = None  # a column giving each row's year
    scale: float | None = None  # multiply by this (100: fractions 0-1 to percentages)
    denominator: str | None = None  # a column: value = cell / denominator x 100
    codes: Codes | None = None  # this column's suppression and missing codes (None: the file's)


@dataclass(frozen=True)
class SkipRule:
    column: str
    values: frozenset[str]  # normalised
    reason: str


@dataclass(frozen=True)
class Mapping:
    name: str
    description: str = ""
    rows: str = "schools"  # "schools": one school a row; "authorities": one local authority a row
    id_columns: tuple[str, ...] = ()  # one column, or several joined by id_separator (a composite id)
    id_separator: str = "-"
    year: int | None = None  # the year of every measure that gives none
    year_column: str | None = None  # or a column giving each row's year
    sheet: str | int | None = None  # the sheet of a workbook (None: the first)
    bounds: tuple[float, float, float, float] | None = None  # south, west, north, east
    create: bool = True
    update: bool = True
    fields: dict[str, tuple[FieldSource, ...]] = field(default_factory=dict)
    latitude: str | None = None
    longitude: str | None = None
    easting: str | None = None
    northing: str | None = None
    local_authority: CodeName | None = None
    region: CodeName | None = None
    measures: tuple[MeasureColumn, ...] = ()
    skip: tuple[SkipRule, ...] = ()
    codes: Codes = field(default_factory=Codes)
    new_measures: tuple[MeasureSpec, ...] = ()

    @property
    def id_column(self) -> str | None:
        """The id column, or the id's columns joined with ` + ` (how problems name a composite id)."""
        return " + ".join(self.id_columns) or None

    def columns(self) -> set[str]:
        """Every column the mapping reads; the file must have them all."""
        used = {
            *self.id_columns,
            self.year_column,
            self.latitude,
            self.longitude,
            self.easting,
            self.northing,
        }
        for sources in self.fields.values():
            used |= {s.column for s in sources}
        for place in (self.local_authority, self.region):
            if place:
                used |= {place.code, place.name}
        for m in self.measures:
            used |= {m.column, m.cohort, m.year_column, m.denominator}
        used |= {rule.column for rule in self.skip}
        return {c for c in used if c}

    def needs_year(self) -> bool:
        """Whether some measure has no year of its own and the mapping gives none."""
        return any(m.year is None and m.year_column is None for m in self.measures) and not (
            self.year or self.year_column
        )

    @property
    def writes_schools(self) -> bool:
        return bool(self.fields or self.latitude or self.easting or self.local_authority or self.region)


def ready_mappings() -> list[str]:
    """The names of the mappings that ship with Kindred."""
    return sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))


def ready_mapping_choices() -> list[tuple[str, str]]:
    """(name, "name: description") for each ready mapping, read without checking it."""
    choices = []
    for name in ready_mappings():
        data = yaml.safe_load((MAPPINGS_DIR / f"{name}.yaml").read_text(encoding="utf-8")) or {}
        description = " ".join(str(data.get("description", "")).split())
        choices.append((name, f"{name}: {description}" if description else name))
    return choices


def mapping_load(name_or_path: str | Path, *, definitions: tuple[MeasureSpec, ...] = ()) -> Mapping:
    """A ready mapping by name (`gias`) or a YAML mapping file by path; `definitions` (from a
    definitions file) are measures it may use besides its own `define_measures`."""
    text = str(name_or_path)
    path = Path(text)
    if not path.suffix and "/" not in text and (MAPPINGS_DIR / f"{text}.yaml").exists():
        path = MAPPINGS_DIR / f"{text}.yaml"
    if not path.exists() and "/" not in text:
        saved = SavedMapping.objects.filter(name=text).values_list("text", flat=True).first()
        if saved is not None:  # a mapping made in the builder
            return mapping_parse(yaml.safe_load(saved), name=text, definitions=definitions)
    if not path.exists():
        raise MappingError(
            _(
                "No mapping %(name)r: give a file path, a mapping saved in the builder, or one of the ready mappings: %(ready)s."
            )
            % {"name": text, "ready": ", ".join(ready_mappings())}
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MappingError(
            _("%(file)s is not valid YAML: %(error)s") % {"file": path.name, "error": error}
        ) from None
    return mapping_parse(data, name=path.stem, definitions=definitions)


def definitions_load(path: str | Path) -> tuple[MeasureSpec, ...]:
    """Measure definitions from a YAML file: a list of definitions, or a mapping's
    `define_measures:` list (the same keys: code, name, unit, domain, kind, higher_is_better,
    description, valid_min, valid_max, pupil_sd, pupil_sd_source, predictors)."""
    path = Path(path)
    if not path.exists():
        raise MappingError(_("No definitions file %(name)s.") % {"name": str(path)})
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise MappingError(
            _("%(file)s is not valid YAML: %(error)s") % {"file": path.name, "error": error}
        ) from None
    if isinstance(data, dict) and set(data) <= {"define_measures", "description"}:
        data = data.get("define_measures") or []
    check = _Checker(path.stem)
    specs = tuple(_parse_new_measures(check, data))
    if check.errors:
        raise MappingError(
            _("The definitions %(name)r have problems:") % {"name": path.stem}
            + "\n- "
            + "\n- ".join(check.errors)
        )
    return specs


def place_code(name: str) -> str:
    """The code Kindred makes for a local authority or region known only by its name: the name
    in lower case with dashes (`north-yorkshire`); a name longer than 32 characters is cut to 23
    and followed by 8 characters of its SHA-1, so two long names that start alike stay apart."""
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in name.casefold()).split())
    if len(slug) <= 32:
        return slug
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug[:23].rstrip('-')}-{digest}"


class _Checker:
    def __init__(self, name: str):
        self.name = name
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def text(self, data: dict, key: str, where: str, *, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(where, _("'%(key)s' is required") % {"key": key})
            return None
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
            self.error(where, _("'%(key)s' must be a column name") % {"key": key})
            return None
        return str(value).strip()

    def mapping(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            self.error(where, _("must be a mapping of keys to values"))
            return {}
        return value


def _unknown_keys(check: _Checker, data: dict, allowed: set[str], where: str) -> None:
    for key in sorted(set(data) - allowed, key=str):
        check.error(
            f"{where}.{key}", _("unknown key (known: %(keys)s)") % {"keys": ", ".join(sorted(allowed))}
        )


def _known_measure_codes() -> set[str]:
    return set(MEASURES) | set(MeasureDefinition.objects.values_list("code", flat=True))


def mapping_parse(data: Any, *, name: str = "mapping", definitions: tuple[MeasureSpec, ...] = ()) -> Mapping:
    """Check a mapping's parsed YAML and build it; raise MappingError listing every problem."""
    check = _Checker(name)
    data = check.mapping(data, "the mapping")
    allowed = {
        "description", "rows", "id", "year", "schools", "local_authority", "region",
        "measures", "skip", "codes", "define_measures", "sheet", "decimal_comma",
    }  # fmt: skip
    for key in set(data) - allowed:
        check.error(str(key), _("unknown key (known: %(keys)s)") % {"keys": ", ".join(sorted(allowed))})
    rows = data.get("rows", "schools")
    if rows not in ("schools", "authorities"):
        check.error("rows", _("must be 'schools' or 'authorities'"))
    kwargs: dict[str, Any] = {"name": name, "description": str(data.get("description", "")), "rows": rows}
    new_measures = tuple(_parse_new_measures(check, data.get("define_measures") or []))
    own = {m.code for m in new_measures}
    kwargs["new_measures"] = new_measures + tuple(d for d in definitions if d.code not in own)
    known_codes = _known_measure_codes() | {m.code for m in kwargs["new_measures"]}
    sheet = data.get("sheet")
    decimal_comma = data.get("decimal_comma", False)
    if not isinstance(decimal_comma, bool):
        check.error("decimal_comma", _("must be true or false"))
        decimal_comma = False
    base_codes = Codes(SUPPRESSED_CODES, MISSING_CODES, decimal_comma=decimal_comma)
    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, str | int)):
        check.error("sheet", _("must be a sheet's name or its number (1 for the first)"))
    kwargs["sheet"] = sheet

    if rows == "authorities":
        kwargs["local_authority"] = _parse_place(check, data.get("local_authority"), "local_authority")
        kwargs["region"] = _parse_place(check, data.get("region"), "region")
        if kwargs["local_authority"] is None or kwargs["local_authority"].name is None:
            check.error(
                "local_authority",
                _(
                    "an authorities mapping needs a 'name' column (and a 'code' column, or codes are made from the names)"
                ),
            )
        for key in ("id", "schools", "measures"):
            if key in data:
                check.error(key, _("not used in an authorities mapping"))
    else:
        for key in ("local_authority", "region"):
            if key in data:
                check.error(key, _("in a schools mapping, '%(key)s' goes under 'schools:'") % {"key": key})
        kwargs.update(_parse_id(check, data.get("id")))
        schools = check.mapping(data.get("schools", {}), "schools")
        kwargs.update(_parse_schools(check, schools))
        kwargs.update(_parse_file_year(check, data.get("year"), "year"))
        kwargs["codes"] = _parse_codes(check, data.get("codes"), "codes", base_codes)
        kwargs["measures"] = tuple(
            _parse_measures(
                check, data.get("measures") or [], known_codes, kwargs["codes"], kwargs.get("year")
            )
        )
    kwargs["skip"] = tuple(_parse_skip(check, data.get("skip") or []))
    if "codes" not in kwargs:
        kwargs["codes"] = _parse_codes(check, data.get("codes"), "codes", base_codes)
    if check.errors:
        raise MappingError(
            _("The mapping %(name)r has problems:") % {"name": name} + "\n- " + "\n- ".join(check.errors)
        )
    return Mapping(**kwargs)


def _parse_id(check: _Checker, spec: Any) -> dict[str, Any]:
    """`id: URN`, `id: [URN, DEPT]` or `id: {columns: [URN, DEPT], separator: "/"}`."""
    separator = "-"
    if isinstance(spec, dict):
        _unknown_keys(check, spec, {"columns", "separator"}, "id")
        separator = str(spec.get("separator", "-"))
        spec = spec.get("columns")
    columns = spec if isinstance(spec, list) else [spec]
    if (
        spec is None
        or not columns
        or any(not isinstance(c, str | int) or isinstance(c, bool) or not str(c).strip() for c in columns)
    ):
        check.error("id", _("'id' is required: a column, or a list of columns for an id made of several"))
        return {"id_columns": ()}
    return {"id_columns": tuple(str(c).strip() for c in columns), "id_separator": separator}


def _parse_file_year(check: _Checker, spec: Any, where: str) -> dict[str, Any]:
    """`year: 2018`, or `year: {column: YEAR}` (each row's year), or nothing (given at import)."""
    if spec is None:
        return {}
    if isinstance(spec, dict):
        _unknown_keys(check, spec, {"column"}, where)
        column = check.text(spec, "column", where, required=True)
        return {"year_column": column}
    year = _year(check, spec, where)
    return {"year": year} if year is not None else {}


def _parse_codes(check: _Checker, spec: Any, where: str, base: Codes) -> Codes:
    if spec is None:
        return base
    spec = check.mapping(spec, where)
    _unknown_keys(check, spec, {"suppressed", "missing"}, where)
    lists = {}
    for key in ("suppressed", "missing"):
        value = spec.get(key, [])
        if not isinstance(value, list):
            check.error(f"{where}.{key}", _("must be a list of codes"))
            value = []
        lists[key] = ["" if c is None else str(c) for c in value]
    return base.with_own(suppressed=lists["suppressed"], missing=lists["missing"])


def _parse_place(check: _Checker, data: Any, where: str, *, need_name: bool = False) -> CodeName | None:
    if data is None:
        return None
    data = check.mapping(data, where)
    _unknown_keys(check, data, {"code", "name", "values"}, where)
    code = check.text(data, "code", where)
    name = check.text(data, "name", where)
    if code is None and name is None:
        check.error(where, _("give a 'code' column, a 'name' column, or both"))
        return None
    values = None
    if data.get("values") is not None:
        values = {
            normalise_text("" if text is None else str(text)): (None if value is None else str(value))
            for text, value in check.mapping(data["values"], f"{where}.values").items()
        }
    return CodeName(code=code, name=name, values=values)


def _parse_schools(check: _Checker, data: dict) -> dict[str, Any]:
    allowed = {"create", "update", "fields", "coordinates", "local_authority", "region"}
    for key in set(data) - allowed:
        check.error(
            f"schools.{key}", _("unknown key (known: %(keys)s)") % {"keys": ", ".join(sorted(allowed))}
        )
    result: dict[str, Any] = {}
    for flag in ("create", "update"):
        value = data.get(flag, flag != "create" or bool(data.get("fields")))
        if not isinstance(value, bool):
            check.error(f"schools.{flag}", _("must be true or false"))
        result[flag] = bool(value)
    fields: dict[str, tuple[FieldSource, ...]] = {}
    for field_name, spec in check.mapping(data.get("fields", {}), "schools.fields").items():
        where = f"schools.fields.{field_name}"
        if field_name not in SCHOOL_FIELDS:
            check.error(
                where,
                _("not a school field (fields: %(fields)s)") % {"fields": ", ".join(sorted(SCHOOL_FIELDS))},
            )
            continue
        specs = spec if isinstance(spec, list) else [spec]
        fields[field_name] = tuple(
            s for i, one in enumerate(specs) if (s := _parse_source(check, field_name, one, f"{where}[{i}]"))
        )
        if fields[field_name] and fields[field_name][-1].otherwise == NEXT:
            check.error(where, _("the last column cannot say 'otherwise: next'"))
    if result["create"] and "name" not in fields:
        check.error("schools.fields.name", _("a mapping that creates schools needs a name column"))
    result["fields"] = fields
    if "coordinates" in data:
        coords = dict(check.mapping(data["coordinates"], "schools.coordinates"))
        bounds = coords.pop("bounds", None)
        if bounds is not None:
            if (
                not isinstance(bounds, list)
                or len(bounds) != 4
                or not all(isinstance(b, int | float) and not isinstance(b, bool) for b in bounds)
                or not (bounds[0] < bounds[2] and bounds[1] < bounds[3])
            ):
                check.error("schools.coordinates.bounds", _("must be [south, west, north, east] in degrees"))
            else:
                result["bounds"] = tuple(float(b) for b in bounds)
        keys = set(coords)
        if keys == {"latitude", "longitude"}:
            result["latitude"] = check.text(coords, "latitude", "schools.coordinates")
            result["longitude"] = check.text(coords, "longitude", "schools.coordinates")
        elif keys == {"easting", "northing"}:
            result["easting"] = check.text(coords, "easting", "schools.coordinates")
            result["northing"] = check.text(coords, "northing", "schools.coordinates")
        else:
            check.error(
                "schools.coordinates", _("give either latitude and longitude, or easting and northing")
            )
    result["local_authority"] = _parse_place(check, data.get("local_authority"), "schools.local_authority")
    result["region"] = _parse_place(check, data.get("region"), "schools.region")
    return result


def _parse_source(check: _Checker, field_name: str, spec: Any, where: str) -> FieldSource | None:
    if isinstance(spec, str):
        spec = {"column": spec}
    spec = check.mapping(spec, where)
    _unknown_keys(check, spec, {"column", "values", "otherwise", "date_format", "value", "missing"}, where)
    choices = CHOICE_FIELDS.get(field_name)
    if "value" in spec:
        if "column" in spec:
            check.error(where, _("give either a 'column' or a constant 'value'"))
            return None
        constant = spec["value"]
        if choices is not None and str(constant) not in choices.values:
            check.error(
                f"{where}.value",
                _("%(value)r is not a %(field)s (%(choices)s)")
                % {"value": constant, "field": field_name, "choices": ", ".join(choices.values)},
            )
            return None
        return FieldSource(column=None, constant=constant)
    column = check.text(spec, "column", where, required=True)
    if column is None:
        return None
    missing = spec.get("missing", [])
    if not isinstance(missing, list):
        check.error(f"{where}.missing", _("must be a list of codes"))
        missing = []
    raw_values = spec.get("values")
    values = None
    if raw_values is not None:
        values = {}
        for text, value in check.mapping(raw_values, f"{where}.values").items():
            stored = "" if value is None else str(value)
            if choices is not None and stored not in choices.values:
                check.error(
                    f"{where}.values",
                    _("%(value)r is not a %(field)s (%(choices)s)")
                    % {"value": value, "field": field_name, "choices": ", ".join(choices.values)},
                )
            values[normalise_text("" if text is None else str(text))] = stored
    elif choices is not None:
        check.error(
            where,
            _("%(field)s needs a 'values' map from the file's text to %(choices)s")
            % {"field": field_name, "choices": ", ".join(choices.values)},
        )
    otherwise = spec.get("otherwise")
    if otherwise is not None:
        otherwise = str(otherwise)
        if otherwise != NEXT and choices is not None and otherwise not in choices.values:
            check.error(
                f"{where}.otherwise",
                _("%(value)r is not a %(field)s or 'next'") % {"value": otherwise, "field": field_name},
            )
    date_format = spec.get("date_format")
    if date_format is not None and field_name not in DATE_FIELDS:
        check.error(where, _("date_format is only for date fields"))
    return FieldSource(
        column=column,
        values=values,
        otherwise=otherwise,
        date_format=date_format,
        missing=frozenset(normalise_text("" if c is None else str(c)) for c in missing),
    )


def _year(check: _Checker, value: Any, where: str) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        return value
    check.error(where, _("needs a 'year' (the year the academic year starts: 2018 for 2018/19)"))
    return None


MEASURE_KEYS = {
    "column", "measure", "year", "cohort", "values", "value", "fill_in", "scale", "denominator", "codes",
}  # fmt: skip


def _parse_measures(
    check: _Checker, items: Any, known: set[str], file_codes: Codes, file_year: int | None
) -> list[MeasureColumn]:
    """The measure columns; one without a year of its own takes the file's (`year:`), or each
    row's (`year: {column: ...}`), or the one given when importing (--year)."""
    if not isinstance(items, list):
        check.error("measures", _("must be a list"))
        return []
    measures = []
    seen: set[tuple[str, int | None, str | None]] = set()
    for i, item in enumerate(items):
        where = f"measures[{i}]"
        item = check.mapping(item, where)
        _unknown_keys(check, item, MEASURE_KEYS, where)
        code = item.get("measure")
        if code not in known:
            check.error(
                where,
                _("unknown measure code %(code)r; use a catalogue code or define_measures") % {"code": code},
            )
            continue
        year = _parse_file_year(check, item.get("year"), f"{where}.year")
        if not year and file_year is not None:
            year = {"year": file_year}
        column = check.text(item, "column", where)
        constant = item.get("value")
        if (column is None) == (constant is None):
            check.error(where, _("give either a 'column' or a constant 'value'"))
            continue
        if constant is not None and (isinstance(constant, bool) or not isinstance(constant, int | float)):
            check.error(where, _("'value' must be a number"))
            continue
        values = None
        if item.get("values") is not None:
            values = {}
            for text, number in check.mapping(item["values"], f"{where}.values").items():
                if number is not None and (isinstance(number, bool) or not isinstance(number, int | float)):
                    check.error(f"{where}.values", _("%(value)r is not a number") % {"value": number})
                    continue
                values[normalise_text("" if text is None else str(text))] = number
        fill_in = item.get("fill_in", False)
        if not isinstance(fill_in, bool):
            check.error(where, _("'fill_in' must be true or false"))
        scale = item.get("scale")
        if scale is not None and (
            isinstance(scale, bool) or not isinstance(scale, int | float) or scale == 0
        ):
            check.error(
                f"{where}.scale", _("must be a number other than 0 (100 turns fractions into percentages)")
            )
            scale = None
        denominator = check.text(item, "denominator", where)
        if denominator and scale is not None:
            check.error(where, _("give 'denominator' or 'scale', not both"))
        codes = _parse_codes(check, item["codes"], f"{where}.codes", file_codes) if "codes" in item else None
        key = (code, year.get("year"), year.get("year_column"))
        if key in seen:
            check.error(
                where, _("measure %(code)s for this year is already given by another column") % {"code": code}
            )
        seen.add(key)
        measures.append(
            MeasureColumn(
                measure=code,
                year=year.get("year"),
                year_column=year.get("year_column"),
                column=column,
                cohort=check.text(item, "cohort", where),
                values=values,
                constant=None if constant is None else float(constant),
                fill_in=bool(fill_in),
                scale=None if scale is None else float(scale),
                denominator=denominator,
                codes=codes,
            )
        )
    return measures


def _parse_skip(check: _Checker, items: Any) -> list[SkipRule]:
    if not isinstance(items, list):
        check.error("skip", _("must be a list"))
        return []
    rules = []
    for i, item in enumerate(items):
        where = f"skip[{i}]"
        item = check.mapping(item, where)
        _unknown_keys(check, item, {"column", "values", "reason"}, where)
        column = check.text(item, "column", where, required=True)
        values = item.get("values")
        reason = item.get("reason")
        if not isinstance(values, list) or not values:
            check.error(where, _("needs a list of 'values'"))
            continue
        if not isinstance(reason, str) or not reason.strip():
            check.error(where, _("needs a 'reason' (shown in the summary)"))
            continue
        if column:
            rules.append(SkipRule(column, frozenset(normalise_text(str(v)) for v in values), reason.strip()))
    return rules


DEFINITION_KEYS = {
    "code", "name", "unit", "domain", "kind", "higher_is_better", "description",
    "valid_min", "valid_max", "pupil_sd", "pupil_sd_source", "predictors",
}  # fmt: skip


def _number_or_none(check: _Checker, item: dict, key: str, where: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        check.error(f"{where}.{key}", _("must be a number"))
        return None
    return float(value)


def _parse_new_measures(check: _Checker, items: Any) -> list[MeasureSpec]:
    if not isinstance(items, list):
        check.error("define_measures", _("must be a list"))
        return []
    specs = []
    codes: set[str] = set()
    for i, item in enumerate(items):
        where = f"define_measures[{i}]"
        item = check.mapping(item, where)
        _unknown_keys(check, item, DEFINITION_KEYS, where)
        code, name = item.get("code"), item.get("name")
        unit, kind = item.get("unit", "score"), item.get("kind", "outcome")
        if not isinstance(code, str) or not re.fullmatch(r"[-a-zA-Z0-9_]{1,64}", code) or code in MEASURES:
            check.error(
                where,
                _("needs a new 'code' (not a catalogue one): up to 64 letters, digits, dashes, underscores"),
            )
            continue
        if code in codes:
            check.error(where, _("the code %(code)r is defined twice") % {"code": code})
            continue
        codes.add(code)
        if not isinstance(name, str) or not name:
            check.error(where, _("needs a 'name'"))
            continue
        if unit not in MeasureDefinition.Unit.values:
            check.error(
                where,
                _("unit must be one of %(units)s") % {"units": ", ".join(MeasureDefinition.Unit.values)},
            )
            continue
        if kind not in MeasureDefinition.Kind.values:
            check.error(
                where,
                _("kind must be one of %(kinds)s") % {"kinds": ", ".join(MeasureDefinition.Kind.values)},
            )
            continue
        higher = item.get("higher_is_better")
        if higher is not None and not isinstance(higher, bool):
            check.error(f"{where}.higher_is_better", _("must be true, false or left out"))
            continue
        valid_min = _number_or_none(check, item, "valid_min", where)
        valid_max = _number_or_none(check, item, "valid_max", where)
        if valid_min is not None and valid_max is not None and valid_min >= valid_max:
            check.error(where, _("valid_min must be below valid_max"))
            continue
        pupil_sd = _number_or_none(check, item, "pupil_sd", where)
        if pupil_sd is not None and pupil_sd <= 0:
            check.error(f"{where}.pupil_sd", _("must be above 0"))
            continue
        predictors = item.get("predictors") or []
        if not isinstance(predictors, list) or not all(isinstance(p, str) for p in predictors):
            check.error(f"{where}.predictors", _("must be a list of measure codes"))
            continue
        specs.append(
            MeasureSpec(
                code,
                name,
                unit,
                str(item.get("domain", "other")),
                kind,
                higher,
                str(item.get("description", "")),
                valid_min=valid_min,
                valid_max=valid_max,
                pupil_sd=pupil_sd,
                pupil_sd_source=str(item.get("pupil_sd_source", "")),
                predictors=tuple(predictors),
            )
        )
    return specs
