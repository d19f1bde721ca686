"""Filters every page may use: `{% load kindred %}`.

- `{{ year|school_year }}`: the school year starting in `year` as the country writes it ("2023/24"
  in England and Wales, "2024" in Egypt).
- `{{ value|number }}`, `{{ value|number:2 }}`: a number with the language's separators and, where
  EASTERN_ARABIC_DIGITS asks, its digits; `None` gives "".
- `{{ measure.domain|domain }}`: a measure domain ("maths") as the country profile names it in the
  page's language ("Mathemateg", "الرياضيات"); an unknown domain (one typed in an offer) as it is.
- `{{ key|worded }}`: a word Kindred stored in English, as a message id (a job summary's "rows
  read"), in the page's language; any other text as it is (kindred.core.progress.worded).
- `{{ outcome|summary_name:key }}`, `{{ outcome|summary_value:key }}`: a job summary's name and value
  in the page's language (the message ids and values the job keeps beside its summary).
- `{{ value|said }}`: a `Said` (a message id with values) in the page's language.
"""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from kindred import countries
from kindred.core.numerals import digits
from kindred.core.progress import said as _said
from kindred.core.progress import worded as _worded

register = template.Library()


@register.filter
def school_year(start_year) -> str:
    if start_year in (None, ""):
        return ""
    return digits(countries.spoken().school_year(int(start_year)))


@register.filter
def domain(code) -> str:
    return countries.spoken().domain_label(str(code)) if code not in (None, "") else ""


@register.filter
def worded(text) -> str:
    return _worded(str(text)) if text not in (None, "") else ""


@register.filter
def summary_name(outcome, key) -> str:
    """A name of a job's summary in the reader's language: a message id (`{{ key|worded }}`), or one
    with values the job keeps in `outcome.summary_params` ("rows skipped: %(reason)s")."""
    kept = (outcome.get("summary_params") or {}).get(key) if isinstance(outcome, dict) else None
    if isinstance(kept, dict) and kept.get("text"):
        return _worded(kept["text"], kept.get("params") or None)
    return worded(key)


@register.filter
def summary_value(outcome, key):
    """A value of a job's summary in the reader's language when it is words the job keeps in
    `outcome.summary_values` (how the file was read, a note); any other value as the summary has it."""
    kept = (outcome.get("summary_values") or {}).get(key) if isinstance(outcome, dict) else None
    if isinstance(kept, dict) and kept.get("text"):
        return _worded(kept["text"], kept.get("params") or None)
    return (outcome.get("summary") or {}).get(key) if isinstance(outcome, dict) else ""


@register.filter
def said(value):
    """`{{ value|said }}`: a `Said` (a message id and its values) in the page's language; anything else as
    it is."""
    return _said(value)


@register.filter
def reason_worded(item) -> str:
    """A kept item's `reason` (a message id) worded with its `reason_params`, in the reader's language:
    an import's problem or cause, `{{ problem|reason_worded }}`. One kept as written is shown so."""
    if not isinstance(item, dict) or not item.get("reason"):
        return ""
    return _worded(str(item["reason"]), item.get("reason_params") or None)


@register.filter
def number(value, places=None) -> str:
    if value is None or value == "":
        return ""
    if places is None:
        text = intcomma(value) if isinstance(value, int) else floatformat(value, "-2g")
    else:
        text = floatformat(value, f"{places}g")
    return digits(str(text))
