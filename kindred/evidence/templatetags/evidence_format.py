"""How evidence is written on every page: one way of writing years, units on every estimate."""

from django import template
from django.utils.translation import gettext as _

from kindred import countries
from kindred.core.numerals import digits

register = template.Library()


@register.filter
def school_year(year: int | None) -> str:
    """2021 -> "2021/22" (or "2022" where the country profile writes a year by its end), in the
    language's digits: a school year written one way everywhere; None (pooled) -> "all years"."""
    if year is None or year == "":
        return _("all years")
    return digits(countries.profile().school_year(int(year)))


@register.filter
def difference_unit(measure) -> str:
    """The unit of a difference in `measure`: "percentage points", "Progress 8 points"…"""
    unit = getattr(measure, "unit", "")
    if unit == "percent":
        return _("percentage points")
    if unit == "rating":
        return _("grades")
    if unit == "count":
        return _("pupils")
    return _("%(measure)s points") % {"measure": measure.label}


@register.filter
def signed(value: float | None, places: int = 2) -> str:
    """+0.25 / −0.25 with a real minus sign; empty for None."""
    if value is None:
        return ""
    text = f"{abs(value):.{int(places)}f}"
    return ("+" if value > 0 else "−" if value < 0 else "") + text


@register.filter
def percent(share: float | None, places: int = 1) -> str:
    """0.9481 -> "94.8%" in the language's digits; "—" for None."""
    if share is None or share == "":
        return "—"
    return digits(f"{100 * float(share):.{int(places)}f}%")
