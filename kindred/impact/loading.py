"""Load what the outcome-effect estimator needs: every school's results by year, when it joined, its context.

A measure's year Y is the school year that starts in Y (2018 is 2018/19), as everywhere in Kindred.
A school takes part from the school year in which it first joined any network
(`Membership.joined_at`, placed in its school year by the country profile's `school_year_of`, which
knows the month the year starts in): joining on 2018-10-01 in England makes 2018/19 its first year
taking part, so its 2018/19 results count as after joining. A school that joined
after the last year with results counts as not yet taking part; one that never joined, as never.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db.models import Min
from django.utils import timezone

from kindred import countries
from kindred.engine.impact import NEVER, ImpactPanel
from kindred.evidence.loading import STRUCTURAL_FEATURES, SchoolTable, Series, outcome_series, school_table
from kindred.networks.models import Membership


@dataclass(frozen=True)
class MeasurePanel:
    """One outcome measure's panel over every open school, and the years its columns are."""

    measure: str
    years: tuple[int, ...]
    panel: ImpactPanel


def first_years(table: SchoolTable) -> np.ndarray:
    """The school year each school first took part in any network (0 where it never did)."""
    first = np.zeros(table.size, dtype=np.int64)
    rows = (
        Membership.objects.values("school_id")
        .annotate(first=Min("joined_at"))
        .values_list("school_id", "first")
    )
    known = set(table.pk.tolist())
    pairs = [(school, joined) for school, joined in rows if school in known]
    if pairs:
        schools = np.array([school for school, _ in pairs], dtype=np.int64)
        year_of = countries.profile().school_year_of
        years = np.array([year_of(timezone.localdate(j)) for _, j in pairs], dtype=np.int64)
        first[table.rows_of(schools)] = years
    return first


def context_columns(table: SchoolTable) -> np.ndarray:
    """Each school's latest context measures, its size (log pupils) and urban/rural, as columns."""
    columns = [column for _, column in sorted(table.context.items()) if np.isfinite(column).any()]
    structural = {"log_pupils": np.log1p(table.pupils), "urban": table.urban}
    columns += [structural[name] for name in STRUCTURAL_FEATURES if np.isfinite(structural[name]).any()]
    return np.column_stack(columns) if columns else np.zeros((table.size, 0))


def measure_panels(table: SchoolTable | None = None) -> tuple[SchoolTable, list[MeasurePanel]]:
    """Every outcome measure with results in at least two years, as panels sharing one table."""
    table = school_table() if table is None else table
    by_measure: dict[str, dict[int, Series]] = {}
    for series in outcome_series(table):
        by_measure.setdefault(series.measure, {})[series.year] = series
    first = first_years(table)
    context = context_columns(table)
    panels = []
    for code, by_year in sorted(by_measure.items()):
        years = tuple(sorted(by_year))
        if len(years) < 2:
            continue
        values = np.full((table.size, len(years)), np.nan)
        for column, year in enumerate(years):
            series = by_year[year]
            values[series.school_index, column] = series.value
        index = np.searchsorted(np.array(years), first)
        joined = np.where((first > 0) & (index < len(years)), index, NEVER).astype(np.int64)
        panels.append(MeasurePanel(code, years, ImpactPanel(values, joined, context)))
    return table, panels


def school_rows(table: SchoolTable, schools: Iterable[int]) -> np.ndarray:
    """The table's rows of the given School pks, leaving out schools not in it (closed ones)."""
    known = set(table.pk.tolist())
    return table.rows_of(np.array(sorted(s for s in set(schools) if s in known), dtype=np.int64))
