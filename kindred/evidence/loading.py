"""Load the registry into the arrays the engine works on."""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from kindred.engine.cohorts import approximate_cohort
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure


@dataclass(frozen=True)
class SchoolTable:
    """Open schools as parallel arrays; row i of every array is the same school."""

    pk: np.ndarray  # int64 School.pk
    phase: np.ndarray  # str
    local_authority: np.ndarray  # int64 LocalAuthority.pk, -1 when unknown
    latitude: np.ndarray  # float, NaN when unknown
    longitude: np.ndarray
    urban: np.ndarray  # float: 1 urban, 0 rural, NaN unknown
    pupils: np.ndarray  # float, NaN when unknown
    context: dict[str, np.ndarray]  # context measure code -> latest value, NaN when missing
    # The country whose schools these are (kindred/countries/), or None: every school of the installation.
    country: str | None = None

    @property
    def size(self) -> int:
        return int(self.pk.size)

    def rows_of(self, pks: np.ndarray) -> np.ndarray:
        """Row numbers of the given School pks (which must all be in the table)."""
        order = np.argsort(self.pk)
        return order[np.searchsorted(self.pk, pks, sorter=order)]


@dataclass(frozen=True)
class Series:
    """One outcome measure in one year, for the schools of a `SchoolTable` that have it."""

    measure: str
    year: int
    school_index: np.ndarray
    value: np.ndarray  # NaN where suppressed
    cohort: np.ndarray
    cohort_estimated: np.ndarray  # bool: the file gave no cohort, so it was approximated (engine/cohorts.py)


def school_table(country: str | None = None) -> SchoolTable:
    """Open schools, in pk order: of one country (its profile code), or of every country (None)."""
    schools = School.objects.exclude(status=School.Status.CLOSED)
    if country is not None:
        schools = schools.filter(country_code=country)
    rows = list(
        schools.order_by("pk").values_list(
            "pk", "phase", "local_authority_id", "latitude", "longitude", "urban_rural", "pupils"
        )
    )
    if not rows:
        empty = np.array([], dtype=float)
        return SchoolTable(
            np.array([], dtype=np.int64),
            np.array([], dtype=str),
            np.array([], dtype=np.int64),
            empty,
            empty,
            empty,
            empty,
            {},
            country,
        )
    pk, phase, la, lat, lon, urban_rural, pupils = zip(*rows, strict=True)
    pk_array = np.array(pk, dtype=np.int64)
    table = SchoolTable(
        pk=pk_array,
        phase=np.array(phase, dtype=str),
        local_authority=np.array([-1 if a is None else a for a in la], dtype=np.int64),
        latitude=np.array(lat, dtype=float),
        longitude=np.array(lon, dtype=float),
        urban=np.array([{"urban": 1.0, "rural": 0.0}.get(u, np.nan) for u in urban_rural]),
        pupils=np.array(pupils, dtype=float),
        context={},
        country=country,
    )
    table.context.update(_latest_context(table))
    return table


def _latest_context(table: SchoolTable) -> dict[str, np.ndarray]:
    """Each context measure's most recent unsuppressed value per school."""
    values = (
        _of_country(
            SchoolMeasure.objects.filter(measure__kind=MeasureDefinition.Kind.CONTEXT, suppressed=False),
            table,
        )
        .order_by("measure__code", "year")
        .values_list("measure__code", "school_id", "value")
    )
    by_code: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for code, school_id, value in values.iterator(chunk_size=20_000):
        by_code[code].append((school_id, value))
    known = set(table.pk.tolist())
    context = {}
    for code, pairs in by_code.items():
        column = np.full(table.size, np.nan)
        pairs = [(s, v) for s, v in pairs if s in known]
        if pairs:
            schools, vals = map(np.array, zip(*pairs, strict=True))
            column[table.rows_of(schools)] = vals  # later years overwrite earlier ones
        context[code] = column
    return context


def _of_country(measures, table: SchoolTable):
    """The measures of the table's country's schools (all of them when the table has every country)."""
    return measures if table.country is None else measures.filter(school__country_code=table.country)


def outcome_series(table: SchoolTable) -> list[Series]:
    """Every outcome measure in every year, values NaN where suppressed.

    Ratings (an inspection grade) are judgements, not averages over a cohort of pupils, so the
    model of relative performance does not apply to them: they are shown, not estimated.
    """
    rows = (
        _of_country(SchoolMeasure.objects.filter(measure__kind=MeasureDefinition.Kind.OUTCOME), table)
        .exclude(measure__unit=MeasureDefinition.Unit.RATING)
        .order_by("measure__code", "year")
        .values_list("measure__code", "measure__domain", "year", "school_id", "value", "cohort")
    )
    grouped: dict[tuple[str, str, int], list[tuple]] = defaultdict(list)
    known = set(table.pk.tolist())
    for code, domain, year, school_id, value, cohort in rows.iterator(chunk_size=20_000):
        if school_id in known:
            grouped[(code, domain, year)].append((school_id, value, cohort))
    series = []
    for (code, domain, year), items in grouped.items():
        schools, values, cohorts = zip(*items, strict=True)
        index = table.rows_of(np.array(schools, dtype=np.int64))
        cohort = np.array([np.nan if c is None else c for c in cohorts], dtype=float)
        estimated = np.isnan(cohort)
        if estimated.any():
            cohort[estimated] = approximate_cohort(
                table.pupils[index[estimated]],
                table.phase[index[estimated]],
                whole_school=domain in WHOLE_SCHOOL_DOMAINS,
            )
        series.append(
            Series(
                measure=code,
                year=year,
                school_index=index,
                value=np.array([np.nan if v is None else v for v in values], dtype=float),
                cohort=cohort,
                cohort_estimated=estimated,
            )
        )
    return series


#: Domains whose measures are taken over the whole school (every pupil on roll), not one year group:
#: a missing cohort is then approximated by the roll, not by roll / year groups.
WHOLE_SCHOOL_DOMAINS = frozenset({"attendance"})

#: Context features that are not context measures: size and urban/rural, from the school's record.
STRUCTURAL_FEATURES = ("log_pupils", "urban")


def context_features(table: SchoolTable) -> list[str]:
    """Every context measure with data, then size and urban/rural: the features a model may use."""
    measures = sorted(code for code, column in table.context.items() if np.isfinite(column).any())
    return [*measures, *STRUCTURAL_FEATURES]
