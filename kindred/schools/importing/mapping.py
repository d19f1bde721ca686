"""Column mappings: a YAML file saying what each column of a CSV file means.

The language is declared in schema.py (and documented from it in docs/importing.md).
`mapping_load` reads a ready mapping by name (kindred/schools/mappings/NAME.yaml), a mapping saved
in the builder, or any YAML file by path; `mapping_parse` checks it completely before any file is
read (the schema, then what needs the database or several keys at once), so a typo in a mapping is
reported at once and imports nothing, and builds the `Mapping` the planner reads.
"""

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from kindred.schools.catalogue import MEASURES, MeasureSpec
from kindred.schools.importing import schema
from kindred.schools.importing.cleaning import MISSING_CODES, SUPPRESSED_CODES, Codes, normalise_text
from kindred.schools.importing.schema import (  # noqa: F401 (the planner reads them from here)
    CHOICE_FIELDS,
    COUNT_FIELDS,
    DATE_FIELDS,
    NEXT,
    SCHOOL_FIELDS,
    TEXT_FIELDS,
    DefinitionSpec,
    MappingSpec,
    TemplatePiece,
    schema_check,
    template_pieces,
)
from kindred.schools.models import MeasureDefinition, SavedMapping

MAPPINGS_DIR = Path(__file__).resolve().parent.parent / "mappings"


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
    """Skip a row whose column holds one of `values`, or a number below `below` or above `above`."""

    column: str
    values: frozenset[str]  # normalised
    reason: str
    below: float | None = None
    above: float | None = None


@dataclass(frozen=True)
class KeepRule:
    """Read only rows whose column holds one of `values`."""

    column: str
    values: frozenset[str]  # normalised
    shown: tuple[str, ...] = ()  # as the mapping writes them (for the reason counted)


@dataclass(frozen=True)
class Mapping:
    name: str
    description: str = ""
    rows: str = "schools"  # "schools": one school a row; "authorities": one local authority a row
    id_columns: tuple[str, ...] = ()  # one column, or several joined by id_separator (a composite id)
    id_separator: str = "-"
    id_template: tuple[TemplatePiece, ...] = ()  # an id written from a template (schema.template_pieces)
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
    keep: tuple[KeepRule, ...] = ()
    long_value: str | None = None  # a long file: the column of the values ...
    long_cohort: str | None = None
    long_fill_in: bool = False
    pivot_columns: tuple[str, ...] = ()  # ... and the columns that say which measure a row gives
    # their normalised texts -> (code, value column, cohort column), one or more; None: the column holds codes
    pivot: dict[tuple[str, ...], tuple[tuple[str, str, str | None], ...]] | None = None
    codes: Codes = field(default_factory=Codes)
    new_measures: tuple[MeasureSpec, ...] = ()

    def with_decimal_comma(self) -> "Mapping":
        """This mapping reading `12,5` as twelve and a half (an import's --decimal-comma)."""
        measures = tuple(
            replace(m, codes=None if m.codes is None else m.codes.with_decimal_comma()) for m in self.measures
        )
        return replace(self, codes=self.codes.with_decimal_comma(), measures=measures)

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
        used |= {self.long_value, self.long_cohort, *self.pivot_columns}
        for read in (self.pivot or {}).values():
            used |= {column for _code, value, cohort in read for column in (value, cohort)}
        used |= {rule.column for rule in self.skip} | {rule.column for rule in self.keep}
        return {c for c in used if c}

    def needs_year(self) -> bool:
        """Whether some measure has no year of its own and the mapping gives none."""
        without = any(m.year is None and m.year_column is None for m in self.measures) or self.long_value
        return bool(without) and not (self.year or self.year_column)

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
    if isinstance(data, list):
        data = {"define_measures": data}
    checked, errors = schema_check(data, spec=schema.DefinitionsSpec)
    specs: tuple[MeasureSpec, ...] = ()
    if checked is not None:
        specs = tuple(_definition(d) for d in checked.define_measures)  # type: ignore[attr-defined]
        errors = _defined_twice(specs)
    if errors:
        raise MappingError(
            _("The definitions %(name)r have problems:") % {"name": path.stem} + "\n- " + "\n- ".join(errors)
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


def _known_measure_codes() -> set[str]:
    return set(MEASURES) | set(MeasureDefinition.objects.values_list("code", flat=True))


def _normalised(texts) -> frozenset[str]:
    return frozenset(normalise_text(t) for t in texts)


def _definition(d: DefinitionSpec) -> MeasureSpec:
    return MeasureSpec(
        d.code,
        d.name,
        d.unit,
        d.domain,
        d.kind,
        d.higher_is_better,
        d.description,
        valid_min=d.valid_min,
        valid_max=d.valid_max,
        pupil_sd=d.pupil_sd,
        pupil_sd_source=d.pupil_sd_source,
        predictors=tuple(d.predictors),
    )


def _defined_twice(specs) -> list[str]:
    seen: set[str] = set()
    errors = []
    for i, spec in enumerate(specs):
        if spec.code in seen:
            errors.append(
                f"define_measures[{i}]: " + _("the code %(code)r is defined twice") % {"code": spec.code}
            )
        seen.add(spec.code)
    return errors


def _codes(spec, base: Codes) -> Codes:
    return base if spec is None else base.with_own(suppressed=spec.suppressed, missing=spec.missing)


def _place(spec) -> CodeName | None:
    if spec is None:
        return None
    values = None
    if spec.values is not None:
        values = {normalise_text(text): value for text, value in spec.values.items()}
    return CodeName(code=spec.code, name=spec.name, values=values)


def _source(spec) -> FieldSource:
    if spec.column is None:
        return FieldSource(column=None, constant=spec.value)
    values = None
    if spec.values is not None:
        values = {
            normalise_text(text): "" if value is None else str(value) for text, value in spec.values.items()
        }
    return FieldSource(
        column=spec.column,
        values=values,
        otherwise=spec.otherwise,
        date_format=getattr(spec, "date_format", None),
        missing=_normalised(spec.missing),
    )


def _year(spec) -> dict[str, Any]:
    if spec is None:
        return {}
    return {"year": spec.value} if spec.value is not None else {"year_column": spec.column}


def _id(spec: schema.IdSpec) -> dict[str, Any]:
    if spec.template is None:
        return {"id_columns": tuple(spec.columns or ()), "id_separator": spec.separator}
    return {"id_columns": tuple(spec.column_names()), "id_template": tuple(template_pieces(spec.template))}


def mapping_parse(data: Any, *, name: str = "mapping", definitions: tuple[MeasureSpec, ...] = ()) -> Mapping:
    """Check a mapping's parsed YAML and build it; raise MappingError listing every problem."""
    checked, errors = schema_check(data)
    if checked is None:
        errors += _unknown_measures(data, definitions)  # reported beside the schema's
        raise MappingError(
            _("The mapping %(name)r has problems:") % {"name": name} + "\n- " + "\n- ".join(errors)
        )
    mapping, errors = _build(checked, name=name, definitions=definitions)  # type: ignore[arg-type]
    if errors:
        raise MappingError(
            _("The mapping %(name)r has problems:") % {"name": name} + "\n- " + "\n- ".join(errors)
        )
    return mapping


def _build_long(spec: MappingSpec, kwargs: dict, error, new_measures) -> Mapping:
    """A long mapping: several rows a school, values for schools already in the registry."""
    if spec.id is None:
        error("id", _("'id' is required: a column, or a list of columns for an id made of several"))
    else:
        kwargs.update(_id(spec.id))
    for key in ("schools", "local_authority", "region"):
        if key in spec.model_fields_set:
            error(key, _("not used in a long mapping: it adds measures to schools in the registry"))
    if (spec.long is not None) == bool(spec.measures):
        error("long", _("a long mapping needs 'long' (a value column and a pivot) or 'measures', not both"))
    kwargs.update(create=False, fields={})
    if spec.long is not None:
        known = _known_measure_codes() | {m.code for m in new_measures}
        pivot = None
        if spec.long.measure.codes:
            pivot = {}
            for i, item in enumerate(spec.long.measure.codes):
                if item.measure not in known:
                    error(
                        f"long.measure.codes[{i}]",
                        _("unknown measure code %(code)r; use a catalogue code or define_measures")
                        % {"code": item.measure},
                    )
                key = tuple(normalise_text(t) for t in item.when)
                read = (item.measure, item.value or spec.long.value, item.cohort or spec.long.cohort)
                pivot[key] = (*pivot.get(key, ()), read)
        kwargs.update(
            long_value=spec.long.value,
            long_cohort=spec.long.cohort,
            long_fill_in=spec.long.fill_in,
            pivot_columns=tuple(spec.long.measure.columns),
            pivot=pivot,
        )
        return Mapping(**kwargs)
    kwargs["rows"] = "long"
    mapping, measure_errors = _build(
        spec.model_copy(update={"rows": "schools"}), name=kwargs["name"], definitions=()
    )
    for line in measure_errors:
        if line.startswith("measures"):
            error(*line.split(": ", 1))
    return replace(mapping, rows="long", create=False, fields={}, new_measures=new_measures)


def _unknown_measures(data: Any, definitions: tuple[MeasureSpec, ...]) -> list[str]:
    """Measure codes of a mapping the schema refused that are not known either, so that every
    problem is reported at once."""
    items = data.get("measures") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    defined = data.get("define_measures")
    known = _known_measure_codes() | {d.code for d in definitions}
    known |= {d.get("code") for d in defined if isinstance(d, dict)} if isinstance(defined, list) else set()
    return [
        f"measures[{i}]: "
        + _("unknown measure code %(code)r; use a catalogue code or define_measures")
        % {"code": item["measure"]}
        for i, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("measure"), str) and item["measure"] not in known
    ]


def _build(
    spec: MappingSpec, *, name: str, definitions: tuple[MeasureSpec, ...]
) -> tuple[Mapping, list[str]]:
    """The Mapping a checked spec describes, and what is wrong across its keys (or with the database)."""
    errors: list[str] = []

    def error(where: str, message: str) -> None:
        errors.append(f"{where}: {message}")

    own = tuple(_definition(d) for d in spec.define_measures)
    errors += _defined_twice(own)
    own_codes = {m.code for m in own}
    new_measures = own + tuple(d for d in definitions if d.code not in own_codes)
    codes = _codes(spec.codes, Codes(SUPPRESSED_CODES, MISSING_CODES, decimal_comma=spec.decimal_comma))
    kwargs: dict[str, Any] = {
        "name": name,
        "description": spec.description,
        "rows": spec.rows,
        "sheet": spec.sheet,
        "codes": codes,
        "new_measures": new_measures,
        "skip": tuple(
            SkipRule(rule.column, _normalised(rule.values or ()), rule.reason.strip(), rule.below, rule.above)
            for rule in spec.skip
        ),
        "keep": tuple(
            KeepRule(rule.column, _normalised(rule.values), tuple(rule.values)) for rule in spec.keep
        ),
        **_year(spec.year),
    }
    if spec.rows == "long":
        return _build_long(spec, kwargs, error, new_measures), errors
    if spec.rows == "authorities":
        kwargs["local_authority"] = _place(spec.local_authority)
        kwargs["region"] = _place(spec.region)
        if spec.local_authority is None or spec.local_authority.name is None:
            error(
                "local_authority",
                _(
                    "an authorities mapping needs a 'name' column (and a 'code' column, or codes are made from the names)"
                ),
            )
        for key in ("id", "schools", "measures"):
            if key in spec.model_fields_set:
                error(key, _("not used in an authorities mapping"))
        return Mapping(**kwargs), errors
    for key in ("local_authority", "region"):
        if key in spec.model_fields_set:
            error(key, _("in a schools mapping, '%(key)s' goes under 'schools:'") % {"key": key})
    if spec.id is None:
        error("id", _("'id' is required: a column, or a list of columns for an id made of several"))
    else:
        kwargs.update(_id(spec.id))
    schools = spec.schools or schema.SchoolsSpec()
    fields = {
        field: tuple(_source(s) for s in sources)
        for field, sources in schools.fields  # type: ignore[attr-defined]
        if sources
    }
    create = schools.create if schools.create is not None else bool(fields)
    if create and "name" not in fields:
        error("schools.fields.name", _("a mapping that creates schools needs a name column"))
    coordinates = schools.coordinates
    if coordinates is not None:
        kwargs.update(
            latitude=coordinates.latitude,
            longitude=coordinates.longitude,
            easting=coordinates.easting,
            northing=coordinates.northing,
            bounds=tuple(coordinates.bounds) if coordinates.bounds else None,
        )
    kwargs.update(
        create=create,
        update=schools.update,
        fields=fields,
        local_authority=_place(schools.local_authority),
        region=_place(schools.region),
    )
    known = _known_measure_codes() | {m.code for m in new_measures}
    measures = []
    seen: set[tuple] = set()
    for i, item in enumerate(spec.measures):
        where = f"measures[{i}]"
        if item.measure not in known:
            error(
                where,
                _("unknown measure code %(code)r; use a catalogue code or define_measures")
                % {"code": item.measure},
            )
            continue
        year = _year(item.year) or ({"year": kwargs["year"]} if kwargs.get("year") is not None else {})
        key = (item.measure, year.get("year"), year.get("year_column"))
        if key in seen:
            error(
                where,
                _("measure %(code)s for this year is already given by another column")
                % {"code": item.measure},
            )
        seen.add(key)
        measures.append(
            MeasureColumn(
                measure=item.measure,
                year=year.get("year"),
                year_column=year.get("year_column"),
                column=item.column,
                cohort=item.cohort,
                values=None
                if item.values is None
                else {normalise_text(text): number for text, number in item.values.items()},
                constant=item.value,
                fill_in=item.fill_in,
                scale=item.scale,
                denominator=item.denominator,
                codes=None if item.codes is None else _codes(item.codes, codes),
            )
        )
    kwargs["measures"] = tuple(measures)
    return Mapping(**kwargs), errors
