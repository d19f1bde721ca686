"""The mapping language, declared once.

Every key a column mapping may have, its type, its default and what it means are the pydantic
models below. They check a mapping's structure (`schema_check`: every mistake at once, each named
by where it is, `measures[2].cohort`), they write the reference table of docs/importing.md
(`reference_markdown`; a test keeps the page current) and they give the browser mapping builder
its choices. What needs the database or several keys at once (a measure code that must exist,
a mapping that creates schools needs a name) is checked by mapping.py after the schema.

Shorthands are written the long way before the check, so each key has one form to check and to
document: `id: URN` is `id: {columns: [URN]}`, `year: 2018` is `year: {value: 2018}`, a field
given as a column name is a list of one source `[{column: NAME}]`.
"""

import re
import string
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args, get_origin

from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kindred.engine.units import sd_bound
from kindred.schools.models import MeasureDefinition, School

NEXT = "next"  # `otherwise: next` in a value map: this column does not decide, try the next one
YEAR_MIN, YEAR_MAX = 1900, 2100


def fail(message: str) -> PydanticCustomError:
    """An error with Kindred's own (translated) message; braces in it are kept as they are."""
    return PydanticCustomError("kindred", "{message}", {"message": message})


def _column(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise fail(_("must be a column name"))
    return str(value).strip()


def _text(value: Any) -> str:
    """A code or a value-map key as text: YAML may read `1`, `1.5` or `null` for it."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fail(_("must be text"))
    return str(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(_("must be a number"))
    return float(value)


Column = Annotated[str, BeforeValidator(_column), Field(description="a column name")]
Text = Annotated[str, BeforeValidator(_text)]
Number = Annotated[float, BeforeValidator(_number)]


def _list_of_text(value: Any) -> list:
    if not isinstance(value, list):
        raise fail(_("must be a list of codes"))
    return value


Codes = Annotated[list[Text], BeforeValidator(_list_of_text)]


class Spec(BaseModel):
    """A part of a mapping: unknown keys are mistakes (a typo would otherwise be ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# The year -------------------------------------------------------------------------------------


class YearSpec(Spec):
    """`year: 2018` (every value's year), or `year: {column: C}` (each row's year, written 2021,
    2021/22 or 2021-2022)."""

    value: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX, description="a year: 2018 for 2018/19")
    column: Column | None = Field(None, description="a column giving each row's year")

    @model_validator(mode="after")
    def _one(self):
        if (self.value is None) == (self.column is None):
            raise fail(_("give a year (2018) or {column: NAME}"))
        return self


def _year(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and YEAR_MIN <= value <= YEAR_MAX:
        return {"value": value}
    raise fail(_("needs a 'year' (the year the academic year starts: 2018 for 2018/19)"))


Year = Annotated[YearSpec, BeforeValidator(_year)]


# The id ---------------------------------------------------------------------------------------

TEMPLATE_FIELD = re.compile(r"^([^:\[\]]+?)(?:\[(-?\d*):(-?\d*)\])?(?::0(\d+))?$")


@dataclass(frozen=True)
class TemplatePiece:
    """Fixed text, then (unless `column` is empty) a column's text, cut to [start:end] and padded
    with zeros to `width`."""

    text: str
    column: str = ""
    start: int | None = None
    end: int | None = None
    width: int = 0

    def render(self, cell: str) -> str:
        if not self.column:
            return self.text
        return self.text + cell[self.start : self.end].rjust(self.width, "0")


def template_pieces(template: str) -> list[TemplatePiece]:
    """An id template as pieces: `FR-{UAI}`, `{LA}{ESTAB:04}` (zero-padded to 4), `{dbn[2:]}` (the
    text from its third character). Raises ValueError for a template that is not one."""
    pieces = []
    for literal, name, spec, _conversion in string.Formatter().parse(template):
        if name is None:
            pieces.append(TemplatePiece(literal))
            continue
        match = TEMPLATE_FIELD.match(f"{name}:{spec}" if spec else name)
        if not name.strip() or match is None:
            raise ValueError(name)
        column, start, end, width = match.groups()
        pieces.append(
            TemplatePiece(
                literal,
                column.strip(),
                int(start) if start else None,
                int(end) if end else None,
                int(width or 0),
            )
        )
    return pieces


def template_fields(template: str) -> list[tuple[str, int]]:
    """The columns of an id template and the width each is padded to: `{LA}{ESTAB:04}` ->
    [("LA", 0), ("ESTAB", 4)]."""
    return [(p.column, p.width) for p in template_pieces(template) if p.column]


class IdSpec(Spec):
    """The registry id: one column, several joined (`columns`), or made from a template."""

    columns: list[Column] | None = Field(
        None, description="the column, or several joined by `separator` (`[School code, Department]`)"
    )
    separator: str = Field("-", description="what joins several columns")
    template: str | None = Field(
        None,
        description="an id written from columns and fixed text: `{LA}{ESTAB}`, `FR-{UAI}`, `{code}-{type}`; "
        "`{ESTAB:04}` pads with zeros to 4 digits; `{dbn[2:]}` keeps the text from its third character",
    )

    @model_validator(mode="after")
    def _one(self):
        if self.columns and self.template is not None:
            raise fail(_("give the id's 'columns' or a 'template', not both"))
        if (not self.columns) == (self.template is None):
            raise fail(_("'id' is required: a column, or a list of columns for an id made of several"))
        if self.template is not None:
            try:
                fields = template_fields(self.template)
            except ValueError:
                raise fail(_("a template names columns in braces: {LA}{ESTAB}")) from None
            if not fields:
                raise fail(_("a template names at least one column in braces: {LA}{ESTAB}"))
        return self

    def column_names(self) -> list[str]:
        if self.template is not None:
            return [name for name, _width in template_fields(self.template)]
        return list(self.columns or ())


def _id(value: Any) -> Any:
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {"columns": value}
    if value is None:
        return {}
    return {"columns": [value]}


Id = Annotated[IdSpec, BeforeValidator(_id)]


# School fields --------------------------------------------------------------------------------

TEXT_FIELDS = {"name": 200, "school_type": 100, "country": 100, "town": 100, "postcode": 16}
CHOICE_FIELDS = {"phase": School.Phase, "status": School.Status, "urban_rural": School.UrbanRural}
DATE_FIELDS = {"opened_on", "closed_on"}
COUNT_FIELDS = {"pupils"}
SCHOOL_FIELDS = set(TEXT_FIELDS) | set(CHOICE_FIELDS) | DATE_FIELDS | COUNT_FIELDS


class SourceSpec(Spec):
    """Where a school field comes from: a column (through a value map), or a constant."""

    column: Column | None = Field(None, description="the column")
    value: Any = Field(
        None, description="a constant for every school instead of a column (`{value: primary}`)"
    )
    values: dict[Text, Any] | None = Field(
        None, description="a value map: the file's text (trimmed, any case) to the value stored"
    )
    otherwise: str | None = Field(
        None, description="the value for text the map does not know; `next`: leave it to the next column"
    )
    missing: Codes = Field([], description="texts that mean no value for this field (read as an empty cell)")

    @model_validator(mode="after")
    def _column_or_value(self):
        if self.value is not None and self.column is not None:
            raise fail(_("give either a 'column' or a constant 'value'"))
        if self.value is None and self.column is None:
            raise fail(_("'column' is required"))
        return self


def _choice_source_checks(field: str, choices) -> Any:
    def check(self):
        shown = ", ".join(choices.values)
        if self.column is not None and self.values is None:
            raise fail(
                _("%(field)s needs a 'values' map from the file's text to %(choices)s")
                % {"field": field, "choices": shown}
            )
        if self.value is not None and str(self.value) not in choices.values:
            raise fail(
                _("%(value)r is not a %(field)s (%(choices)s)")
                % {"value": self.value, "field": field, "choices": shown}
            )
        if self.otherwise is not None and self.otherwise != NEXT and self.otherwise not in choices.values:
            raise fail(
                _("%(value)r is not a %(field)s or 'next'") % {"value": self.otherwise, "field": field}
            )
        return self

    return check


def _source_model(field: str) -> type[SourceSpec]:
    """The source model of one school field: its value map maps to what the field stores."""
    extra: dict[str, Any] = {}
    validators = {}
    choices = CHOICE_FIELDS.get(field)
    if choices is not None:
        stored = Literal[tuple(choices.values)]  # type: ignore[valid-type]
        shown = ", ".join(v or '""' for v in choices.values)
        extra["values"] = (
            dict[Text, stored | None] | None,  # type: ignore[operator]
            Field(None, description=f"the file's text to a {field}: {shown}"),
        )
        validators["_choices"] = model_validator(mode="after")(_choice_source_checks(field, choices))
    else:
        extra["values"] = (dict[Text, Text | None] | None, SourceSpec.model_fields["values"])
    if field in DATE_FIELDS:
        extra["date_format"] = (
            str | None,
            Field(None, description="how dates are written (`%d-%m-%Y`); otherwise any usual form"),
        )
    return create_model(  # type: ignore[call-overload]
        f"{field.title().replace('_', '')}Source", __base__=SourceSpec, __validators__=validators, **extra
    )


def _sources(value: Any) -> Any:
    """A field given as a column name, one source, or a list of them (the first that decides wins)."""
    items = value if isinstance(value, list) else [value]
    return [
        {"column": item} if isinstance(item, str | int) and not isinstance(item, bool) else item
        for item in items
    ]


def _last_source_decides(sources: list) -> list:
    if sources and sources[-1].otherwise == NEXT:
        raise fail(_("the last column cannot say 'otherwise: next'"))
    return sources


FIELD_DESCRIPTIONS = {
    "name": "the school's name (up to 200 characters)",
    "school_type": "its type, as text (up to 100)",
    "country": "text (up to 100)",
    "town": "text (up to 100)",
    "postcode": "text (up to 16)",
    "phase": "a choice: " + ", ".join(School.Phase.values),
    "status": "a choice: " + ", ".join(School.Status.values),
    "urban_rural": "a choice: urban, rural, or empty for unknown",
    "opened_on": "a date",
    "closed_on": "a date",
    "pupils": "a whole number of pupils",
}
SchoolFieldsSpec = create_model(  # type: ignore[call-overload]
    "SchoolFieldsSpec",
    __base__=Spec,
    __doc__="School fields: each a column, a source, or a list of sources (the first that decides wins).",
    **{
        field: (
            Annotated[
                list[_source_model(field)],  # type: ignore[misc]
                BeforeValidator(_sources),
                AfterValidator(_last_source_decides),
            ]
            | None,
            Field(None, description=FIELD_DESCRIPTIONS[field]),
        )
        for field in sorted(SCHOOL_FIELDS)
    },
)


class PlaceSpec(Spec):
    """A local authority or region: a code column, a name column, or both (codes are made from
    names when there is no code column)."""

    code: Column | None = Field(None, description="the column of its code")
    name: Column | None = Field(None, description="the column of its name")
    values: dict[Text, Text | None] | None = Field(
        None,
        description="the file's text (of the code, or of the name without a code) to other text; null: none",
    )

    @model_validator(mode="after")
    def _code_or_name(self):
        if self.code is None and self.name is None:
            raise fail(_("give a 'code' column, a 'name' column, or both"))
        return self


class CoordinatesSpec(Spec):
    """Latitude and longitude, or British National Grid eastings and northings."""

    latitude: Column | None = Field(None, description="degrees")
    longitude: Column | None = Field(None, description="degrees")
    easting: Column | None = Field(None, description="metres on the British National Grid")
    northing: Column | None = Field(None, description="metres on the British National Grid")
    bounds: list[Number] | None = Field(
        None, description="[south, west, north, east] in degrees: replaces the country profile's bounds"
    )

    @model_validator(mode="after")
    def _pairs(self):
        given = {k for k in ("latitude", "longitude", "easting", "northing") if getattr(self, k) is not None}
        if given not in ({"latitude", "longitude"}, {"easting", "northing"}):
            raise fail(_("give either latitude and longitude, or easting and northing"))
        b = self.bounds
        if b is not None and not (len(b) == 4 and b[0] < b[2] and b[1] < b[3]):
            raise fail(_("bounds must be [south, west, north, east] in degrees"))
        return self


class SchoolsSpec(Spec):
    """What a row says about its school."""

    create: bool | None = Field(
        None, description="ids not in the registry become new schools (default: true when fields are given)"
    )
    update: bool = Field(
        True,
        description="schools already in the registry take the file's values; false: fill in new ones only",
    )
    fields: SchoolFieldsSpec = Field(default_factory=SchoolFieldsSpec, description="school fields (below)")  # type: ignore[valid-type]
    coordinates: CoordinatesSpec | None = Field(None, description="where the school is")
    local_authority: PlaceSpec | None = Field(None, description="the school's local authority")
    region: PlaceSpec | None = Field(None, description="the school's region")


class CodesSpec(Spec):
    """Codes without a figure, added to the defaults; a mapping's own win over the defaults."""

    suppressed: Codes = Field(
        [], description="codes of a figure withheld by the publisher: stored as suppressed"
    )
    missing: Codes = Field([], description="codes of no figure: nothing stored")


class MeasureSpecColumn(Spec):
    """A column holding one measure for one year (or a constant, for a list such as grammar schools)."""

    measure: str = Field(description="a measure code: the catalogue's, a defined one, or one in the database")
    column: Column | None = Field(None, description="the column of its values")
    value: Number | None = Field(None, description="a constant for every row instead of a column")
    year: Year | None = Field(None, description="this measure's own year (or {column: C})")
    cohort: Column | None = Field(None, description="the column of the number of pupils it was measured on")
    values: dict[Text, Number | None] | None = Field(
        None, description='text to numbers (`{"Yes": 1, "No": 0}`); null stores nothing'
    )
    fill_in: bool = Field(
        False, description="only add a value or cohort where none is stored; replace nothing"
    )
    scale: Number | None = Field(None, description="multiply by this (100 turns fractions into percentages)")
    denominator: Column | None = Field(None, description="a column: the value is cell / denominator × 100")
    codes: CodesSpec | None = Field(None, description="this column's own codes")

    @model_validator(mode="after")
    def _consistent(self):
        if (self.column is None) == (self.value is None):
            raise fail(_("give either a 'column' or a constant 'value'"))
        if self.scale == 0:
            raise fail(_("scale must be a number other than 0 (100 turns fractions into percentages)"))
        if self.denominator and self.scale is not None:
            raise fail(_("give 'denominator' or 'scale', not both"))
        return self


class SkipSpec(Spec):
    """Rows to skip, counted under the reason: by the text of a column, or by a number outside a range."""

    column: Column = Field(description="the column looked at")
    values: Codes | None = Field(None, description="texts (trimmed, any case) that skip the row")
    below: Number | None = Field(None, description="a number below this skips the row")
    above: Number | None = Field(None, description="a number above this skips the row")
    reason: str = Field(description="why, shown in the summary (`a national total`)")

    @model_validator(mode="after")
    def _rule(self):
        if not self.reason.strip():
            raise fail(_("needs a 'reason' (shown in the summary)"))
        if not self.values and self.below is None and self.above is None:
            raise fail(_("needs a list of 'values', or 'below' or 'above'"))
        return self


class KeepSpec(Spec):
    """Only rows whose column holds one of these texts are read; the others are skipped and counted."""

    column: Column = Field(description="the column looked at")
    values: Codes = Field(description="the texts (trimmed, any case) of the rows kept")

    @model_validator(mode="after")
    def _some(self):
        if not self.values:
            raise fail(_("needs a list of 'values'"))
        return self


def _keep(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class PivotCodeSpec(Spec):
    """One measure of a long file: the texts of the pivot's columns (in order) that mean it."""

    when: Annotated[list[Text], BeforeValidator(_list_of_text)] = Field(
        description="one text per pivot column, in order (trimmed, any case)"
    )
    measure: str = Field(description="the measure code those texts mean")
    value: Column | None = Field(None, description="its own value column (otherwise `long.value`)")
    cohort: Column | None = Field(None, description="its own cohort column (otherwise `long.cohort`)")


class PivotSpec(Spec):
    """Which measure a row of a long file gives: the texts of some columns, matched to codes."""

    columns: list[Column] = Field(
        description="the columns that together say which measure (`[grade, group]`)"
    )
    codes: list[PivotCodeSpec] = Field(
        [], description="texts to measure codes; none with one column: that column holds the codes"
    )

    @model_validator(mode="after")
    def _consistent(self):
        if not self.columns:
            raise fail(_("needs at least one column"))
        if not self.codes and len(self.columns) > 1:
            raise fail(_("several columns need 'codes': which texts mean which measure"))
        for i, code in enumerate(self.codes):
            if len(code.when) != len(self.columns):
                raise fail(
                    _("codes[%(i)d]: give one text for each of the %(n)d columns")
                    % {"i": i, "n": len(self.columns)}
                )
        return self


class LongSpec(Spec):
    """A long file's values: one value a row, of the measure the pivot says."""

    value: Column | None = Field(
        None, description="the column of the values (unless each code names its own)"
    )
    measure: PivotSpec = Field(description="which measure each row gives (below)")
    cohort: Column | None = Field(None, description="the column of the number of pupils it was measured on")
    fill_in: bool = Field(False, description="only add a value or cohort where none is stored")

    @model_validator(mode="after")
    def _values(self):
        if self.value is None and (
            not self.measure.codes or any(c.value is None for c in self.measure.codes)
        ):
            raise fail(_("give 'value' (the column of the values), or a 'value' for each code"))
        return self


CODE = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")


class DefinitionSpec(Spec):
    """A measure Kindred does not know yet, created with the import."""

    code: str = Field(description="a new code: up to 64 letters, digits, dashes, underscores")
    name: str = Field(description="its name")
    unit: Literal[tuple(MeasureDefinition.Unit.values)] = Field(  # type: ignore[valid-type]
        "score", description="score or percent (percentages are 0-100 unless declared)"
    )
    domain: str = Field("other", description="what it is about (reading, wellbeing, …)")
    kind: Literal[tuple(MeasureDefinition.Kind.values)] = Field(  # type: ignore[valid-type]
        "outcome", description="outcome or context"
    )
    higher_is_better: bool | None = Field(None, description="true, false, or left out")
    description: str = Field("", description="a longer description")
    valid_min: Number | None = Field(None, description="values below are refused")
    valid_max: Number | None = Field(None, description="values above are refused")
    pupil_sd: Number | None = Field(
        None, gt=0, description="the pupil-level standard deviation, if published"
    )
    pupil_sd_source: str = Field("", description="where it is published")
    predictors: list[str] = Field([], description="context measures that predict it (empty: all)")

    @model_validator(mode="after")
    def _consistent(self):
        from kindred.schools.catalogue import MEASURES

        if not CODE.match(self.code) or self.code in MEASURES:
            raise fail(
                _("needs a new 'code' (not a catalogue one): up to 64 letters, digits, dashes, underscores")
            )
        if not self.name.strip():
            raise fail(_("needs a 'name'"))
        if self.valid_min is not None and self.valid_max is not None and self.valid_min >= self.valid_max:
            raise fail(_("valid_min must be below valid_max"))
        bound = sd_bound(self.unit, self.valid_min, self.valid_max)
        if self.pupil_sd is not None and bound is not None and self.pupil_sd > bound:
            raise fail(
                _("pupil_sd can be at most %(bound)g for this unit and valid range (half the range)")
                % {"bound": bound}
            )
        return self


def _sheet(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int) or value in ("", 0):
        raise fail(_("must be a sheet's name or its number (1 for the first)"))
    return value


class MappingSpec(Spec):
    """A column mapping: what each column of a published file means."""

    description: str = Field("", description="what the file is and where it comes from (shown in the admin)")
    rows: Literal["schools", "authorities", "long"] = Field(
        "schools",
        description="`schools`: one school a row; `authorities`: one local authority a row; `long`: several "
        "rows a school (a year, a measure or a group each), adding measures to schools in the registry",
    )
    id: Id | None = Field(None, description="the registry id (below); required for schools")
    year: Year | None = Field(None, description="the year of every measure that gives none, or {column: C}")
    sheet: Annotated[str | int, BeforeValidator(_sheet)] | None = Field(
        None, description="a workbook's sheet: its name, or its number from 1"
    )
    decimal_comma: bool = Field(False, description="`12,5` is twelve and a half (and `1.234,5` is 1234.5)")
    schools: SchoolsSpec | None = Field(
        None, description="what each row says about its school; leave out to add measures only"
    )
    local_authority: PlaceSpec | None = Field(None, description="in an authorities mapping: the authority")
    region: PlaceSpec | None = Field(None, description="in an authorities mapping: its region")
    measures: list[MeasureSpecColumn] = Field(
        [], description="wide measure columns: each one measure for one year"
    )
    long: LongSpec | None = Field(
        None, description="in a long mapping: the value column and the pivot (below)"
    )
    skip: list[SkipSpec] = Field([], description="rows to skip, with the reason counted in the summary")
    keep: Annotated[list[KeepSpec], BeforeValidator(_keep)] = Field(
        [], description="only rows with these values are read (`{column: STATE, values: [FL]}`)"
    )
    codes: CodesSpec | None = Field(None, description="the file's own codes without a figure")
    define_measures: list[DefinitionSpec] = Field([], description="measures not in the catalogue")


SPECS = (
    MappingSpec, IdSpec, YearSpec, SchoolsSpec, SchoolFieldsSpec, SourceSpec, CoordinatesSpec, PlaceSpec,
    MeasureSpecColumn, LongSpec, PivotSpec, PivotCodeSpec, CodesSpec, SkipSpec, KeepSpec, DefinitionSpec,
)  # fmt: skip


# Errors ---------------------------------------------------------------------------------------


def _where(loc: tuple) -> str:
    where = ""
    for part in loc:
        if isinstance(part, int):
            where += f"[{part}]"
        else:
            where += f".{part}" if where else str(part)
    return where or _("the mapping")


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed where an unknown key was found: walk the models along its location."""
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        model = None
        if field is not None:
            for candidate in _models_in(field.annotation):
                model = candidate
                break
    return sorted(model.model_fields) if model is not None else []


def _models_in(annotation: Any):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in get_args(annotation):
        yield from _models_in(arg)


def _message(error: dict, root: type[BaseModel]) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "kindred":
        return error["ctx"]["message"]
    if kind == "missing":
        return _("'%(key)s' is required") % {"key": loc[-1]}
    if kind == "extra_forbidden":
        return _("unknown key (known: %(keys)s)") % {"keys": ", ".join(_known_keys(root, loc))}
    if kind == "bool_type":
        return _("must be true or false")
    if kind in ("int_type", "int_from_float", "float_type"):
        return _("must be a number")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _("%(value)r is out of range") % {"value": error.get("input")}
    if kind == "list_type":
        return _("must be a list")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("must be a mapping of keys to values")
    if kind == "string_type":
        return _("must be text")
    if kind == "literal_error":
        field = next((part for part in loc if part in CHOICE_FIELDS), None)
        if field is not None:
            return _("%(value)r is not a %(field)s (%(choices)s)") % {
                "value": error.get("input"),
                "field": field,
                "choices": ", ".join(CHOICE_FIELDS[field].values),
            }
        return _("%(value)r is not one of %(choices)s") % {
            "value": error.get("input"),
            "choices": error.get("ctx", {}).get("expected", ""),
        }
    return error["msg"]


def schema_check(data: Any, *, spec: type[BaseModel] = MappingSpec) -> tuple[BaseModel | None, list[str]]:
    """Check `data` (a parsed YAML mapping) against the schema: the checked mapping, or None and
    every mistake as `where: what`."""
    if not isinstance(data, dict):
        return None, [f"{_('the mapping')}: {_('must be a mapping of keys to values')}"]
    try:
        return spec.model_validate(data), []
    except ValidationError as error:
        lines = []
        for item in error.errors(include_url=False):
            line = f"{_where(item['loc'])}: {_message(item, spec)}"
            if line not in lines:
                lines.append(line)
        return None, lines


class DefinitionsSpec(Spec):
    """A definitions file (`--definitions`): a list of definitions, or a mapping-like file."""

    description: str = ""
    define_measures: list[DefinitionSpec] = []


# The reference in docs/importing.md ----------------------------------------------------------

REFERENCE_START = "<!-- mapping reference: generated from kindred/schools/importing/schema.py -->"
REFERENCE_END = "<!-- end of the mapping reference -->"
SPEC_TITLES = {
    MappingSpec: "The mapping", IdSpec: "`id`", YearSpec: "`year` (the file's, or a measure's)",
    SchoolsSpec: "`schools`", SchoolFieldsSpec: "`schools.fields`", SourceSpec: "A field's source",
    CoordinatesSpec: "`schools.coordinates`", PlaceSpec: "`local_authority`, `region`",
    MeasureSpecColumn: "`measures[]`", LongSpec: "`long`", PivotSpec: "`long.measure`",
    PivotCodeSpec: "`long.measure.codes[]`", CodesSpec: "`codes`", SkipSpec: "`skip[]`", KeepSpec: "`keep[]`",
    DefinitionSpec: "`define_measures[]` (and a definitions file)",
}  # fmt: skip


SPEC_NAMES = {
    IdSpec: "id", YearSpec: "year", SchoolsSpec: "schools", SchoolFieldsSpec: "fields", CoordinatesSpec: "coordinates",
    PlaceSpec: "place", MeasureSpecColumn: "measure", LongSpec: "long", PivotSpec: "pivot", PivotCodeSpec: "pivot code", CodesSpec: "codes", SkipSpec: "skip rule", KeepSpec: "keep rule",
    DefinitionSpec: "definition",
}  # fmt: skip


def _field_type(field) -> str:
    if any(isinstance(m, BeforeValidator) and m.func is _column for m in field.metadata):
        return "column"
    if any(
        isinstance(m, BeforeValidator) and m.func is _sources for m in field.metadata
    ) or "source" in _type_name(field.annotation):
        return "a column, a source, or a list of sources"
    return _type_name(field.annotation)


def _type_name(annotation: Any) -> str:
    if annotation is type(None):
        return ""
    if isinstance(annotation, type) and issubclass(annotation, SourceSpec):
        return "source"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return SPEC_NAMES.get(annotation, annotation.__name__)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        base = args[0]
        if base is str and any(getattr(m, "description", None) == "a column name" for m in args[1:]):
            return "column"
        return _type_name(base)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map of text to {_type_name(args[1]) or 'null'}"
    if args:  # a union
        names = [n for n in (_type_name(a) for a in args) if n]
        return " or ".join(dict.fromkeys(names))
    return {str: "text", int: "whole number", float: "number", bool: "true/false", Any: "any"}.get(
        annotation, getattr(annotation, "__name__", str(annotation))
    )


def reference_markdown() -> str:
    """The reference table of every key of the mapping language (docs/importing.md)."""
    lines = [REFERENCE_START, ""]
    for spec in SPECS:
        lines += [f"**{SPEC_TITLES[spec]}** — {' '.join((spec.__doc__ or '').split())}", ""]
        lines += ["| key | type | default | what it is |", "|---|---|---|---|"]
        for key, field in spec.model_fields.items():
            default = "required" if field.is_required() else field.get_default(call_default_factory=False)
            default = None if field.default_factory is not None else default
            shown = (
                "required"
                if default == "required"
                else ""
                if default in (None, [], {}) or callable(default)
                else f"`{str(default).lower() if isinstance(default, bool) else default}`"
            )
            description = (field.description or "").replace("|", "\\|")
            lines.append(f"| `{key}` | {_field_type(field)} | {shown} | {description} |")
        lines.append("")
    lines.append(REFERENCE_END)
    return "\n".join(lines)
