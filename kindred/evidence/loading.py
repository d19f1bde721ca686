"""Load the registry into the arrays the engine works on."""

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from django.db import connection
from django.db.models import QuerySet

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


def _numbers(queryset: QuerySet) -> np.ndarray:
    """The rows of a `values_list` of numeric fields as one (rows, fields) float array, NULL as NaN.

    Fetched by the driver in chunks and turned into an array a chunk at a time: the ORM's row-by-row
    iteration of the 740,000 results of a national installation took seconds, and a Python tuple per
    row as much memory again. The ids (below 2^53) stay exact as floats.
    """
    sql, params = queryset.query.sql_with_params()
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20_000):
            chunks.append(np.array(rows, dtype=float).reshape(len(rows), -1))
    width = len(queryset.query.values_select)
    return np.concatenate(chunks) if chunks else np.zeros((0, width))


def _runs(*keys: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of rows whose keys are equal, in order (rows sorted by the keys)."""
    if keys[0].size == 0:
        return []
    change = np.zeros(keys[0].size - 1, dtype=bool)
    for key in keys:
        change |= key[1:] != key[:-1]
    bounds = [0, *(np.flatnonzero(change) + 1).tolist(), keys[0].size]
    return list(pairwise(bounds))


def _latest_context(table: SchoolTable) -> dict[str, np.ndarray]:
    """Each context measure's most recent unsuppressed value per school."""
    rows = _numbers(
        _of_country(
            SchoolMeasure.objects.filter(measure__kind=MeasureDefinition.Kind.CONTEXT, suppressed=False),
            table,
        )
        .order_by("measure__code", "year")
        .values_list("measure_id", "school_id", "value")
    )
    codes = dict(MeasureDefinition.objects.values_list("pk", "code"))
    measure, school = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
    known = np.isin(school, table.pk)
    context = {}
    for start, end in _runs(measure):
        column = np.full(table.size, np.nan)
        mine = known[start:end]
        if mine.any():
            # later years overwrite earlier ones
            column[table.rows_of(school[start:end][mine])] = rows[start:end, 2][mine]
        context[codes[int(measure[start])]] = column
    return context


def _of_country(measures, table: SchoolTable):
    """The measures of the table's country's schools (all of them when the table has every country)."""
    return measures if table.country is None else measures.filter(school__country_code=table.country)


def outcome_series(table: SchoolTable) -> list[Series]:
    """Every outcome measure in every year, values NaN where suppressed.

    Ratings (an inspection grade) are judgements, not averages over a cohort of pupils, so the
    model of relative performance does not apply to them: they are shown, not estimated.
    """
    rows = _numbers(
        _of_country(SchoolMeasure.objects.filter(measure__kind=MeasureDefinition.Kind.OUTCOME), table)
        .exclude(measure__unit=MeasureDefinition.Unit.RATING)
        .order_by("measure__code", "year")
        .values_list("measure_id", "year", "school_id", "value", "cohort")
    )
    rows = rows[np.isin(rows[:, 2].astype(np.int64), table.pk)]
    names = {
        pk: (code, domain)
        for pk, code, domain in MeasureDefinition.objects.values_list("pk", "code", "domain")
    }
    measure, year = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
    series = []
    for start, end in _runs(measure, year):
        code, domain = names[int(measure[start])]
        index = table.rows_of(rows[start:end, 2].astype(np.int64))
        cohort = rows[start:end, 4].copy()
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
                year=int(year[start]),
                school_index=index,
                value=rows[start:end, 3].copy(),
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
