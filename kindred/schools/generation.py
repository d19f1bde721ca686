"""Writes the registry part of a generated country (kindred.engine.generate): regions,
authorities, schools and measures.

National scale is 38,000 schools and about 1.8 million measures, so rows go in through
`bulk_insert` (COPY on PostgreSQL) with ids allocated up front, never one `Model.save()` at a
time. The country's registry ids count from 9000000 unless it was renumbered (engine/generate.py
`renumbered`), so a second country cannot be written over a first: `registry_refuse_clashes` refuses
before anything is written. Each school and region is written with its country's code
(`generated_country_code`), so several generated countries can share one database.

The whole country (with its teachers' accounts and roles) is written by
kindred.accounts.generation.country_write, a layer up, which calls these in one transaction;
the networks, posts and events of a national trial by kindred.demo.national.
"""

import os
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kindred import countries
from kindred.core.bulk import bulk_insert
from kindred.core.csv_export import csv_writer
from kindred.core.progress import Progress
from kindred.engine.generate import CONTEXT_MEASURES, OUTCOME_MEASURES, Country, truth_rows
from kindred.schools.folding import school_search_key
from kindred.schools.models import LocalAuthority, Region, School, SchoolMeasure
from kindred.schools.services import standard_measures_ensure

GENERATED_COUNTRY = "Synthetic"
CHUNK = 50_000  # rows per bulk_insert call: progress is reported between chunks
_ID_CHECK_CHUNK = 5_000  # registry ids per clash query (well under SQLite's variable limit)


def generated_country_code(country: Country) -> str:
    """The country profile a generated country's schools and regions belong to: the country whose places
    it has, when the installation holds it (COUNTRY or COUNTRIES); otherwise the default country, as
    before several countries could share an installation (its places are then names only)."""
    return country.places if country.places in countries.codes() else countries.default_code()


def registry_rows(country: Country) -> int:
    """How many rows `registry_write` writes (schools and measures), for progress."""
    n_measures = sum(int((~np.isnan(v)).sum()) for v in country.context.values())
    n_measures += sum(len(o.value) for o in country.outcomes)
    return country.n_schools + n_measures


def registry_write(writer: "ChunkWriter", country: Country) -> tuple[np.ndarray, int]:
    """Write the country's regions, authorities, schools and measures, inside the caller's transaction.

    Returns the schools' ids (in the country's order) and how many measures were written.
    """
    regions = _regions_ensure(country)
    authorities = _authorities_ensure(country, regions)
    school_ids = allocate_ids(School, country.n_schools)
    _write_schools(writer, country, school_ids, regions, authorities)
    return school_ids, _write_measures(writer, country, school_ids)


def registry_refuse_clashes(country: Country) -> None:
    """Refuse (ValidationError) a country whose registry ids are taken."""
    ids = country.registry_id.tolist()
    for start in range(0, len(ids), _ID_CHECK_CHUNK):
        clash = (
            School.objects.filter(registry_id__in=ids[start : start + _ID_CHECK_CHUNK])
            .order_by("registry_id")
            .values_list("registry_id", flat=True)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                _(
                    "School %(id)s is already in the registry: a generated country uses registry ids "
                    "%(first)s to %(last)s. Generate into a fresh database, or delete the generated "
                    "schools first. Nothing was written."
                )
                % {"id": clash, "first": ids[0], "last": ids[-1]}
            )


class ChunkWriter:
    """bulk_insert in chunks of column arrays, reporting progress between chunks."""

    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def write(self, model: type[models.Model], values: dict[str, Any], n: int, message: str) -> int:
        """Insert n rows of `model`; `values` maps field name -> sequence of n values or one constant.

        Fields not given get their model default ("" for text without one), so a field added to
        the model later does not break the generator; the id, and a field the database fills
        (`db_default`: the time of last change, core/changes.py), are left to it unless given.
        """
        columns, data = [], []
        for field in model._meta.concrete_fields:
            if field.name in values:
                value = values[field.name]
            elif field.primary_key or field.has_db_default():
                continue
            else:
                value = field.get_db_prep_save(field.get_default(), connection)
            columns.append(field.column)
            data.append(value)
        constant = [not isinstance(v, list | np.ndarray) for v in data]
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            cols = [
                [v] * (stop - start) if is_constant else plain(v[start:stop])
                for v, is_constant in zip(data, constant, strict=True)
            ]
            bulk_insert(model._meta.db_table, columns, zip(*cols, strict=True), batch_size=CHUNK)
            self.done += stop - start
            self.progress(self.done, self.total, message)
        return n


def plain(values: list | np.ndarray) -> list:
    """Python values the database driver accepts (numpy scalars become int/float/str/bool)."""
    return values.tolist() if isinstance(values, np.ndarray) else values


def allocate_ids(model: type[models.Model], n: int) -> np.ndarray:
    """n fresh primary keys for `model`, reserved so concurrent inserts cannot take them."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Nobody else may insert until we commit, so the block of ids after the sequence is ours.
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass)", [sequence])
            start = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s::regclass, %s)", [sequence, start + n - 1])
            return np.arange(start, start + n, dtype=np.int64)
        # SQLite: the transaction already holds the write lock (regions were written first).
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
    return np.arange(start, start + n, dtype=np.int64)


def _regions_ensure(country: Country) -> dict[str, int]:
    """Region id by code, creating the country's regions that do not exist yet."""
    codes = [code for code, _name in country.regions]
    existing = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
    country_code = generated_country_code(country)
    Region.objects.bulk_create(
        Region(code=code, name=name, country=GENERATED_COUNTRY, country_code=country_code)
        for code, name in country.regions
        if code not in existing
    )
    return dict(Region.objects.filter(code__in=codes).values_list("code", "id"))


def _authorities_ensure(country: Country, regions: dict[str, int]) -> dict[str, int]:
    """Authority id by code. Authorities left by an earlier (deleted) country take this one's names."""
    wanted = {code: (name, regions[region]) for code, name, region in country.authorities}
    existing = {a.code: a for a in LocalAuthority.objects.filter(code__in=wanted)}
    for code, authority in existing.items():
        authority.name, authority.region_id = wanted[code]
    LocalAuthority.objects.bulk_update(existing.values(), ["name", "region"])
    LocalAuthority.objects.bulk_create(
        LocalAuthority(code=code, name=name, region_id=region_id)
        for code, (name, region_id) in wanted.items()
        if code not in existing
    )
    return dict(LocalAuthority.objects.filter(code__in=wanted).values_list("code", "id"))


def _lookup(mapping: dict[str, int], keys: np.ndarray) -> np.ndarray:
    """Vectorised dict lookup: the id for each key."""
    unique, inverse = np.unique(keys, return_inverse=True)
    return np.array([mapping[k] for k in unique.tolist()], dtype=np.int64)[inverse]


def _write_schools(
    writer: ChunkWriter,
    country: Country,
    school_ids: np.ndarray,
    regions: dict[str, int],
    authorities: dict[str, int],
) -> None:
    urban_rural = np.where(country.urban, School.UrbanRural.URBAN.value, School.UrbanRural.RURAL.value)
    writer.write(
        School,
        {
            "id": school_ids,
            "registry_id": country.registry_id,
            "name": country.name,
            "phase": country.phase,
            "school_type": "",
            "status": School.Status.OPEN.value,
            "local_authority": _lookup(authorities, country.local_authority),
            "region": _lookup(regions, country.region),
            "country": GENERATED_COUNTRY,
            "country_code": generated_country_code(country),
            "town": country.town,
            "postcode": "",
            "latitude": country.latitude,
            "longitude": country.longitude,
            "urban_rural": urban_rural,
            "pupils": country.pupils,
            "search_key": [
                school_search_key(name, town) for name, town in zip(country.name, country.town, strict=True)
            ],
        },
        country.n_schools,
        gettext_noop("schools"),
    )


def _write_measures(writer: ChunkWriter, country: Country, school_ids: np.ndarray) -> int:
    """Context once, for the latest year; each outcome for each year (suppressed where tiny)."""
    context_codes = [*CONTEXT_MEASURES, *(c for c in country.context if c not in CONTEXT_MEASURES)]
    definitions = standard_measures_ensure(
        [
            *context_codes,
            *OUTCOME_MEASURES,
            *sorted({s.measure for s in country.outcomes} - set(OUTCOME_MEASURES)),
        ]
    )
    latest = max(country.years)
    school, measure, year, value, cohort = [], [], [], [], []
    for code in context_codes:
        index = np.flatnonzero(~np.isnan(country.context[code]))
        school.append(school_ids[index])
        measure.append(np.full(len(index), definitions[code].pk))
        year.append(np.full(len(index), latest))
        value.append(country.context[code][index])
        cohort.append(country.pupils[index])
    for series in country.outcomes:
        school.append(school_ids[series.school_index])
        measure.append(np.full(len(series.school_index), definitions[series.measure].pk))
        year.append(np.full(len(series.school_index), series.year))
        value.append(series.value)
        # a measure published without cohorts (an awkward country) is stored without them
        cohort.append(series.cohort if series.cohort_published else np.full(len(series.value), np.nan))
    columns = {
        "school": np.concatenate(school),
        "measure": np.concatenate(measure),
        "year": np.concatenate(year),
        "value": np.concatenate(value),
        "cohort": np.concatenate(cohort),
    }
    # In the order of the (school, measure, year) unique index, which then grows at its end.
    order = np.lexsort((columns["year"], columns["measure"], columns["school"]))
    columns = {name: column[order] for name, column in columns.items()}
    suppressed = np.isnan(columns["value"])
    # NaN is no number to store: a suppressed value is NULL with suppressed=True.
    stored = columns["value"].astype(object)
    stored[suppressed] = None
    # Cohorts are whole pupils: written as integers (PostgreSQL's COPY refuses "117.0" for an integer).
    raw = columns["cohort"].astype(float)
    cohorts = np.full(len(raw), None, dtype=object)
    known = ~np.isnan(raw)
    cohorts[known] = [int(c) for c in np.rint(raw[known])]
    columns.update(value=stored, suppressed=suppressed, cohort=cohorts)
    return writer.write(SchoolMeasure, columns, len(stored), gettext_noop("measures"))


def write_truth_csv(country: Country, path: str | os.PathLike) -> int:
    """Write the true effects as CSV (school_id,measure,true_effect); returns the rows written."""
    rows = truth_rows(country)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv_writer(handle)
        writer.writerow(["school_id", "measure", "true_effect"])
        writer.writerows((school, measure, f"{effect:.4f}") for school, measure, effect in rows)
    return len(rows)
