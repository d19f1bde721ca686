"""How evidence is written on every page: one way of writing years, units on every estimate."""

from django import template
from django.utils.translation import gettext as _

from kindred import countries
from kindred.core.numerals import digits
from kindred.engine.units import BOUNDED, COHORT_SPREAD, DECLARED, FROM_UNIT, PERCENT_UNITS, YEAR_TO_YEAR

register = template.Library()


@register.filter
def school_year(year: int | None) -> str:
    """2021 -> "2021/22" (or "2022" where the country profile writes a year by its end: the profile of
    the country the page speaks of, countries.spoken()), in the
    language's digits: a school year written one way everywhere; None (pooled) -> "all years"."""
    if year is None or year == "":
        return _("all years")
    return digits(countries.spoken().school_year(int(year)))


@register.filter
def difference_unit(measure) -> str:
    """The unit of a difference in `measure`: "percentage points", "grades", "pupils" or "points"."""
    unit = getattr(measure, "unit", "")
    if unit in PERCENT_UNITS:
        return _("percentage points")
    if unit == "rating":
        return _("grades")
    if unit == "count":
        return _("pupils")
    # Beside the measure's own name: "points" alone ("EBacc average point score points" said it twice).
    return _("points")


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


def _sd(value: float | None) -> str:
    return "—" if value is None else digits(f"{value:.3g}")


@register.filter
def noise_model(fit) -> str:
    """How a fit's sampling noise was found, in the reader's language (the model page)."""
    method, sd = fit.pupil_sd_method, _sd(fit.pupil_sd)
    if method == DECLARED:
        return _("declared: %(sd)s") % {"sd": sd}
    if method == FROM_UNIT:
        return _(
            "from the unit, a percentage of pupils: p (100 − p) / n, as a pupil SD of %(sd)s on average"
        ) % {"sd": sd}
    if method == YEAR_TO_YEAR:
        return _("estimated from year-to-year changes: %(sd)s") % {"sd": sd}
    if method == COHORT_SPREAD:
        return _(
            "estimated from one year's spread by cohort size: %(sd)s (the year allows %(low)s to %(high)s)"
        ) % {
            "sd": sd,
            "low": _sd(fit.pupil_sd_low),
            "high": _sd(fit.pupil_sd_high),
        }
    if method == BOUNDED:
        if fit.pupil_sd_estimate is None:
            return _(
                "bounded: the unit's largest possible SD, %(bound)s, as one year could not size the luck"
            ) % {"bound": _sd(fit.pupil_sd_bound)}
        return _("bounded: %(estimate)s is more than the unit allows, so its bound %(bound)s is used") % {
            "estimate": _sd(fit.pupil_sd_estimate),
            "bound": _sd(fit.pupil_sd_bound),
        }
    return "—"


@register.filter
def fit_reason(fit) -> str:
    """Why a fit has no estimate or no verdicts, with its figures, in the reader's language."""
    if not fit.reason:
        return ""
    text = str(dict(fit.Reason.choices).get(fit.reason, fit.reason))
    figures = fit.reason_figures or {}
    if "schools" in figures and "needed" in figures:
        text += " " + _("(%(schools)s schools; at least %(needed)s needed)") % {
            "schools": digits(str(int(figures["schools"]))),
            "needed": digits(str(int(figures["needed"]))),
        }
    elif "low" in figures and "high" in figures:
        text += " " + _("(pupil SD from %(low)s to %(high)s)") % {
            "low": _sd(figures["low"]),
            "high": _sd(figures["high"]),
        }
    elif "value" in figures and figures["value"] is not None:
        text += " " + _("(every value %(value)s)") % {"value": digits(f"{figures['value']:g}")}
    return text


@register.filter
def check_failure(failure: dict) -> str:
    """One failure of the installation's self-check (engine/checks.py), in the reader's language."""
    code = failure.get("code")
    if code == "sd_out_of_bound":
        return _(
            "the pupil SD used (%(sd)s) is not above 0 or not within what the unit allows (%(bound)s)"
        ) % {
            "sd": _sd(failure.get("sd")),
            "bound": _sd(failure.get("bound")),
        }
    if code == "spread":
        return _("results spread %(ratio)s times as much as the noise model says in cohort band %(band)s") % {
            "ratio": _sd(failure.get("ratio")),
            "band": failure.get("band", ""),
        }
    if code == "flagged":
        return _("%(flagged)s of schools flagged where the model itself expects %(expected)s") % {
            "flagged": percent(failure.get("flagged")),
            "expected": percent(failure.get("expected")),
        }
    if code == "flips":
        return _(
            "%(flips)s of the %(schools)s schools flagged in two years in a row swapped strength and need"
        ) % {
            "flips": percent(failure.get("flips")),
            "schools": digits(str(failure.get("schools", ""))),
        }
    if code == "changes":
        return _(
            "results move between years %(ratio)s times as much as the noise model's luck: it claims too much luck"
        ) % {"ratio": _sd(failure.get("ratio"))}
    return str(code)
