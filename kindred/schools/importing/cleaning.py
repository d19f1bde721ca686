"""Turning the text of one cell into a clean value.

Published files write the same thing many ways: `8.30%`, `100000.0`, ` 2.6 `, `1,234`, and a
zoo of codes for "there is a figure but it is withheld" (suppressed) and "there is no figure"
(not applicable, missing). Each function here takes the cell's text and returns a value, a
`Blank`, or raises `CellError` with a reason a person can act on.
"""

import enum
import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_noop

from kindred.core.progress import Said


class Blank(enum.Enum):
    """A cell without a usable figure, and why."""

    SUPPRESSED = "suppressed"  # a figure exists but the publisher withheld it (small numbers, low coverage)
    MISSING = "missing"  # no figure: not applicable, not entered, not published, empty


class CellError(ValueError):
    """A cell whose text cannot be read as what its column needs.

    `reason` names no value (problems are grouped by it); `value` is the cell's text."""

    def __init__(self, reason: str, value: str | None = None, *, column: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.value = value
        self.column = column  # when the cell at fault is another column's (a denominator)


@dataclass(frozen=True)
class Band:
    """A figure published as a range (`97-100%`, `50 - <55%`, `<5`, `>95`): its bounds, and the
    point value stored for it (the middle of the band; an open band is closed by the measure's
    valid range, or stored at its one bound when the measure declares none)."""

    lower: float | None
    upper: float | None

    def point(self, valid_min: float | None, valid_max: float | None) -> float:
        lower = self.lower if self.lower is not None else valid_min
        upper = self.upper if self.upper is not None else valid_max
        if lower is None:
            return float(upper)  # type: ignore[arg-type]
        if upper is None:
            return float(lower)
        return (lower + upper) / 2


# Codes compared case-insensitively after stripping spaces. See docs/importing.md for the sources.
SUPPRESSED_CODES = frozenset({"supp", "lowcov", "sp", "c", "[c]", "-999"})
MISSING_CODES = frozenset({"", "na", "n/a", "ne", "np", "z", "[z]", "x", "[x]", ".."})

# `12,5`, `-0,25`, `1.234,5`: a number written with a decimal comma (not `1,234`, a thousands separator)
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),(\d{1,2}|\d{4,})$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_WHOLE_WITH_ZEROS = re.compile(r"^(\d+)\.0+$")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y%m%d")


class Codes:
    """The suppression and missing codes in force for one file or column (the defaults plus a
    mapping's own). A code the mapping gives as missing is no longer suppressed, and the other
    way round: a file where `-999` means "no figure" says `missing: ["-999"]`."""

    def __init__(
        self,
        suppressed: frozenset[str] = SUPPRESSED_CODES,
        missing: frozenset[str] = MISSING_CODES,
        *,
        decimal_comma: bool = False,
    ):
        self.suppressed = frozenset(c.strip().casefold() for c in suppressed)
        self.missing = frozenset(c.strip().casefold() for c in missing)
        self.decimal_comma = decimal_comma  # "12,5" is 12.5 (and "1.234,5" is 1234.5)

    def with_own(self, *, suppressed=(), missing=()) -> "Codes":
        """These codes with a mapping's own added; its own win over the defaults."""
        own_suppressed = {str(c).strip().casefold() for c in suppressed}
        own_missing = {str(c).strip().casefold() for c in missing}
        return Codes(
            (self.suppressed - own_missing) | own_suppressed,
            (self.missing - own_suppressed) | own_missing,
            decimal_comma=self.decimal_comma,
        )

    def with_decimal_comma(self) -> "Codes":
        return Codes(self.suppressed, self.missing, decimal_comma=True)

    def blank(self, text: str) -> Blank | None:
        key = text.strip().casefold()
        if key in self.suppressed:
            return Blank.SUPPRESSED
        if key in self.missing:
            return Blank.MISSING
        return None


DEFAULT_CODES = Codes()


def clean_number(text: str, codes: Codes = DEFAULT_CODES) -> float | Blank:
    """A number from `2.6`, `-0.5`, `8.30%` (8.3), `1,234`; a Blank for a code."""
    blank = codes.blank(text)
    if blank is not None:
        return blank
    cleaned = text.strip()
    if not codes.decimal_comma:
        try:  # the common case first: a plain number
            number = float(cleaned)
        except ValueError:
            pass
        else:
            if not math.isfinite(number):
                raise CellError(gettext_noop("not a finite number"), cleaned)
            return number
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if codes.decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        if not codes.decimal_comma and _DECIMAL_COMMA.match(cleaned):
            raise CellError(
                gettext_noop(
                    "not a number: a decimal comma? Say 'decimal_comma: true' in the mapping "
                    "(kindred import measures: --decimal-comma)"
                ),
                text.strip(),
            ) from None
        raise CellError(gettext_noop("not a number or a known code"), text.strip()) from None
    if not math.isfinite(number):
        raise CellError(gettext_noop("not a finite number"), text.strip())
    return number


_NUMBER = r"[+-]?\d+(?:\.\d+)?"
_BAND = re.compile(
    rf"^(?P<lower>{_NUMBER})\s*%?\s*(?:-|–|—|to)\s*(?P<upper_op><=?)?\s*(?P<upper>{_NUMBER})\s*%?$",
    re.IGNORECASE,
)
_OPEN_BAND = re.compile(rf"^(?P<op><=?|>=?)\s*(?P<bound>{_NUMBER})\s*%?$|^(?P<floor>{_NUMBER})\s*%?\s*\+$")


def clean_band(text: str) -> Band | None:
    """A range such as `97-100%`, `50 - <55%`, `<5`, `>=95`, `5+`; None if the text is not one."""
    cleaned = text.strip()
    match = _BAND.match(cleaned)
    if match:
        lower, upper = float(match["lower"]), float(match["upper"])
        if lower > upper:
            raise CellError(gettext_noop("a range whose lower end is above its upper end"), cleaned)
        return Band(lower, upper)
    match = _OPEN_BAND.match(cleaned)
    if match:
        if match["floor"] is not None:
            return Band(float(match["floor"]), None)
        bound = float(match["bound"])
        return Band(None, bound) if match["op"].startswith("<") else Band(bound, None)
    return None


def clean_count(text: str, codes: Codes = DEFAULT_CODES) -> int | Blank:
    """A whole number of pupils (`285`, `285.0`); a Blank for a code."""
    number = clean_number(text, codes)
    if isinstance(number, Blank):
        return number
    if number < 0 or number != int(number):
        raise CellError(gettext_noop("not a whole number of pupils"), text.strip())
    return int(number)


def clean_id(text: str) -> str:
    """A registry id: spaces stripped, `100000.0` written as `100000`; empty if the cell is."""
    cleaned = text.strip()
    whole = _WHOLE_WITH_ZEROS.match(cleaned)
    return whole.group(1) if whole else cleaned


def clean_date(text: str, date_format: str | None = None) -> date | None:
    """A date in the given format or one of the usual ones (`31-08-2019`, `2019-08-31`, `20190831`)."""
    cleaned = text.strip()
    if not cleaned:
        return None
    for candidate in (date_format,) if date_format else DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, candidate).date()
        except ValueError:
            continue
    if not date_format:
        raise CellError(gettext_noop("not a date"), cleaned)
    shown = date_format.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY").replace("%y", "YY")
    raise CellError(Said(gettext_noop("not a date in the form %(format)s"), format=shown), cleaned)


def normalise_text(text: str) -> str:
    """Text as compared against a value map: trimmed, inner spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()
