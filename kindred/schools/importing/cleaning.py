"""Turning the text of one cell into a clean value.

Published files write the same thing many ways: `8.30%`, `100000.0`, ` 2.6 `, `1,234`, and a
zoo of codes for "there is a figure but it is withheld" (suppressed) and "there is no figure"
(not applicable, missing). Each function here takes the cell's text and returns a value, a
`Blank`, or raises `CellError` with a reason a person can act on.
"""

import enum
import math
import re
from datetime import date, datetime

from django.utils.translation import gettext as _


class Blank(enum.Enum):
    """A cell without a usable figure, and why."""

    SUPPRESSED = "suppressed"  # a figure exists but the publisher withheld it (small numbers, low coverage)
    MISSING = "missing"  # no figure: not applicable, not entered, not published, empty


class CellError(ValueError):
    """A cell whose text cannot be read as what its column needs."""


# Codes compared case-insensitively after stripping spaces. See docs/importing.md for the sources.
SUPPRESSED_CODES = frozenset({"supp", "lowcov", "sp", "c", "[c]", "-999"})
MISSING_CODES = frozenset({"", "na", "n/a", "ne", "np", "z", "[z]", "x", "[x]", ".."})

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_WHOLE_WITH_ZEROS = re.compile(r"^(\d+)\.0+$")
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%Y%m%d")


class Codes:
    """The suppression and missing codes in force for one file (the defaults plus a mapping's own)."""

    def __init__(
        self, suppressed: frozenset[str] = SUPPRESSED_CODES, missing: frozenset[str] = MISSING_CODES
    ):
        self.suppressed = frozenset(c.strip().casefold() for c in suppressed)
        self.missing = frozenset(c.strip().casefold() for c in missing)

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
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise CellError(_("%(text)r is not a number or a known code") % {"text": text.strip()}) from None
    if not math.isfinite(number):
        raise CellError(_("%(text)r is not a finite number") % {"text": text.strip()})
    return number


def clean_count(text: str, codes: Codes = DEFAULT_CODES) -> int | Blank:
    """A whole number of pupils (`285`, `285.0`); a Blank for a code."""
    number = clean_number(text, codes)
    if isinstance(number, Blank):
        return number
    if number < 0 or number != int(number):
        raise CellError(_("%(text)r is not a whole number of pupils") % {"text": text.strip()})
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
    raise CellError(_("%(text)r is not a date") % {"text": cleaned})


def normalise_text(text: str) -> str:
    """Text as compared against a value map: trimmed, inner spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()
