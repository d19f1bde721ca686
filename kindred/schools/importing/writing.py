"""Applying a checked plan to the database: the one place an import writes.

Everything happens in one transaction with a handful of queries whatever the file's size:
one read of the registry, one of the existing values, bulk inserts and bulk updates. Schools
left without a region take their local authority's. The import services (service.py) write
the audit entry in the same transaction.
"""

from collections import defaultdict
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_noop

from kindred import countries
from kindred.core import changes
from kindred.core.bulk import bulk_insert
from kindred.core.progress import Progress, no_progress
from kindred.schools.folding import school_search_key
from kindred.schools.importing.links import LinksPlan, links_add, plan_link_row
from kindred.schools.importing.planning import KEEP, Plan, PlannedPlace
from kindred.schools.importing.report import ImportReport, Tally
from kindred.schools.models import (
    LocalAuthority,
    MeasureDefinition,
    PendingLink,
    Region,
    School,
    SchoolLink,
    SchoolMeasure,
)
from kindred.schools.services import measure_definitions_ensure

BATCH = 1000
CREATED, UPDATED, UNCHANGED = 3, 2, 1  # a row's status is the strongest change it caused


@transaction.atomic
def plan_write(plan: Plan, *, progress: Progress = no_progress) -> ImportReport:
    """Write what `plan` says; return its report with the counts filled in."""
    assert plan.ok, "a plan with problems must never be written"
    report = plan.report
    rows: dict[int, int] = dict.fromkeys(plan.kept_rows, UNCHANGED)
    total = report.rows
    progress(total, total, gettext_noop("writing local authorities and regions"))
    country = plan.country or countries.default_code()  # what the import creates is in its country
    region_ids, _statuses = _places_write(Region, plan.regions, report.regions, {}, country=country)
    authority_ids, statuses = _places_write(LocalAuthority, plan.authorities, report.authorities, region_ids)
    for code, status in statuses.items():
        row = plan.authorities[code].row
        rows[row] = max(rows[row], status)
    progress(total, total, gettext_noop("writing schools"))
    school_ids = _schools_write(plan, report, rows, authority_ids, region_ids)
    _regions_from_authorities()
    progress(total, total, gettext_noop("writing measures"))
    _measures_write(plan, report, rows, school_ids)
    if report.schools.created:
        pending_links_resolve(report)  # links waiting for these schools
    report.rows_created = sum(1 for s in rows.values() if s == CREATED)
    report.rows_updated = sum(1 for s in rows.values() if s == UPDATED)
    report.rows_unchanged = sum(1 for s in rows.values() if s == UNCHANGED)
    return report


@transaction.atomic
def links_plan_write(plan: LinksPlan, *, progress: Progress = no_progress) -> ImportReport:
    """Store the links `plan` holds: new pairs created, a changed kind or date updated. Links the
    file does not mention are left as they are. Every row giving a link takes the link's status.
    Rows naming a school not in the registry are kept pending (PendingLink), and earlier pending
    rows whose schools are all in the registry now become links."""
    assert plan.ok, "a plan with problems must never be written"
    report = plan.report
    total = report.rows
    progress(total, total, gettext_noop("writing links"))
    statuses = _links_write(plan.links, report)
    report.rows_created = sum(1 for s in statuses.values() if s == CREATED)
    report.rows_updated = sum(1 for s in statuses.values() if s == UPDATED)
    report.rows_unchanged = sum(1 for s in statuses.values() if s == UNCHANGED)
    _pending_store(plan.pending, file=report.file)
    pending_links_resolve(report)
    return report


def _links_write(links: dict, report: ImportReport) -> dict[int, int]:
    """Create or update SchoolLinks; returns each row's status (CREATED, UPDATED, UNCHANGED)."""
    school_ids = dict(School.objects.values_list("registry_id", "id"))
    existing = {
        (predecessor, successor): (pk, kind, on)
        for pk, predecessor, successor, kind, on in SchoolLink.objects.values_list(
            "id", "predecessor_id", "successor_id", "kind", "on"
        )
    }
    new: list[tuple] = []
    changed: list[dict[str, Any]] = []
    statuses: dict[int, int] = {}
    for link in links.values():
        predecessor, successor = school_ids[link.predecessor], school_ids[link.successor]
        current = existing.get((predecessor, successor))
        if current is None:
            new.append((predecessor, successor, str(link.kind), link.on))
            status = CREATED
        elif current[1:] != (link.kind, link.on):
            changed.append({"id": current[0], "kind": str(link.kind), "on": link.on})
            status = UPDATED
        else:
            report.links.unchanged += 1
            status = UNCHANGED
        statuses.update(dict.fromkeys(link.rows, status))
    columns = ["predecessor_id", "successor_id", "kind", "on"]
    on_field = SchoolLink._meta.get_field("on")
    bulk_insert(
        SchoolLink._meta.db_table,
        columns,
        ((*row[:3], on_field.get_db_prep_save(row[3], connection)) for row in new),
    )
    if changed:
        _update_rows(SchoolLink, changed, ["kind", "on"])
    report.links.created += len(new)
    report.links.updated += len(changed)
    return statuses


def _pending_store(pending: dict, *, file: str) -> None:
    """Keep (or refresh) the rows of a links file that name a school not in the registry."""
    PendingLink.objects.bulk_create(
        [
            PendingLink(school=school, linked=linked, link_type=link_type, on=on, file=file[:200])
            for (school, linked, link_type), on in pending.items()
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["school", "linked", "link_type"],
        update_fields=["on", "file"],
    )


def pending_links_resolve(report: ImportReport) -> None:
    """Turn the pending rows whose schools are now both in the registry into links (as the links
    import would have), and forget them; a pending row that contradicts a stored link is dropped.
    Called by every import that can add schools, and by the links import."""
    pending = list(PendingLink.objects.order_by("id"))
    if not pending:
        return
    school_types = dict(School.objects.values_list("registry_id", "school_type"))
    ready = [p for p in pending if p.school in school_types and p.linked in school_types]
    if not ready:
        return
    scratch = LinksPlan(report=ImportReport())
    existing = set(SchoolLink.objects.values_list("predecessor__registry_id", "successor__registry_id"))
    for pending in ready:
        on = pending.on.isoformat() if pending.on else ""
        link = plan_link_row(scratch, 0, pending.school, pending.linked, pending.link_type, on, school_types)
        if link is not None:
            links_add(scratch, link, existing)
    before = report.links.created + report.links.updated
    _links_write(scratch.links, report)
    report.links_resolved += report.links.created + report.links.updated - before
    PendingLink.objects.filter(id__in=[p.id for p in ready]).delete()


def _regions_from_authorities() -> None:
    """Schools whose file gave no region take their local authority's (one UPDATE statement)."""
    authority_region = LocalAuthority.objects.filter(pk=OuterRef("local_authority_id")).values("region_id")[
        :1
    ]
    School.objects.filter(region__isnull=True, local_authority__region__isnull=False).update(
        region=Subquery(authority_region)
    )


def _places_write(
    model, planned: dict[str, PlannedPlace], tally: Tally, region_ids: dict[str, int], *, country: str = ""
) -> tuple[dict[str, int], dict[str, int]]:
    """Create or rename regions / local authorities; returns every known code's id, and the
    status (CREATED, UPDATED) of each planned code that changed.

    A place named only by its code (a file with an authority code but no name) is created with its
    code as its name, and renamed when a file that has names is imported.
    """
    with_region = model is LocalAuthority
    fields = ["id", "code", "name"] + (["region_id"] if with_region else [])
    existing = {row["code"]: row for row in model.objects.values(*fields)}
    new, changed = [], []
    statuses: dict[str, int] = {}
    for code, place in planned.items():
        values: dict[str, Any] = {}
        if place.name:
            values["name"] = place.name
        if with_region and place.region is not None:
            values["region_id"] = region_ids.get(place.region)
        current = existing.get(code)
        if current is None:
            # A new region is in the import's country; an authority is in its region's.
            created = {"country_code": country} if country else {}
            new.append(model(code=code, **{"name": code, **created, **values}))
            statuses[code] = CREATED
        elif any(current[k] != v for k, v in values.items()):
            changed.append(
                model(id=current["id"], **{**{k: current[k] for k in fields if k != "id"}, **values})
            )
            statuses[code] = UPDATED
        else:
            tally.unchanged += 1
    model.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        model.objects.bulk_update(changed, [f for f in fields if f not in ("id", "code")], batch_size=BATCH)
    tally.created += len(new)
    tally.updated += len(changed)
    return dict(model.objects.values_list("code", "id")), statuses


def _schools_write(
    plan: Plan,
    report: ImportReport,
    rows: dict[int, int],
    authority_ids: dict[str, int],
    region_ids: dict[str, int],
) -> dict[str, int]:
    """Create and update the planned schools; returns every registry id's primary key."""
    if not plan.schools:
        return dict(School.objects.values_list("registry_id", "id")) if plan.measures else {}
    given = sorted({name for s in plan.schools for name in s.values})
    links = [("local_authority_id", "authority", authority_ids), ("region_id", "region", region_ids)]
    linked = [
        (column, attr, ids) for column, attr, ids in links if any(getattr(s, attr) for s in plan.schools)
    ]
    fields = given + [column for column, _attr, _ids in linked]
    searched = ["name", "town", "search_key"]  # the search key follows the name and the town
    existing = {
        row["registry_id"]: row
        for row in School.objects.values("id", "registry_id", *dict.fromkeys(fields + searched))
    }
    country = plan.country or countries.default_code()
    new, changed, changed_fields = [], [], set()
    for school in plan.schools:
        values = dict(school.values)
        for column, attr, ids in linked:
            code = getattr(school, attr)
            values[column] = ids[code] if code else None
        current = existing.get(school.registry_id)
        merged = {**(current or {}), **values}
        values["search_key"] = school_search_key(merged.get("name", ""), merged.get("town", ""))
        if current is None:
            new.append(School(registry_id=school.registry_id, country_code=country, **values))
            rows[school.row] = CREATED
            continue
        if not plan.update:
            report.schools_not_updated += 1
            continue
        differs = {k for k, v in values.items() if current[k] != v}
        if differs:
            changed.append({**current, **values})
            changed_fields |= differs
            rows[school.row] = max(rows[school.row], UPDATED)
        else:
            report.schools.unchanged += 1
    _insert_models(School, new)
    if changed:
        _update_rows(School, changed, sorted(changed_fields))
    report.schools.created += len(new)
    report.schools.updated += len(changed)
    return dict(School.objects.values_list("registry_id", "id"))


def _measures_write(
    plan: Plan, report: ImportReport, rows: dict[int, int], school_ids: dict[str, int]
) -> None:
    definitions = measure_definitions_ensure(plan.measure_specs)  # a mapping's own, even with no values
    if not plan.measures:
        return
    codes = {m.code for m in plan.measures} - set(definitions)
    definitions.update({d.code: d for d in MeasureDefinition.objects.filter(code__in=codes)})
    measure_ids = {code: d.id for code, d in definitions.items()}
    years = {m.year for m in plan.measures}
    existing: dict[tuple[int, int, int], tuple] = {}
    by_measure = defaultdict(set)
    for m in plan.measures:
        by_measure[measure_ids[m.code]].add(m.year)
    stored = SchoolMeasure.objects.filter(
        measure_id__in=list(by_measure), year__in=sorted(years)
    ).values_list(
        "id", "school_id", "measure_id", "year", "value", "cohort", "suppressed", "band_lower", "band_upper"
    )
    for pk, school_id, measure_id, year, value, cohort, suppressed, lower, upper in stored.iterator(
        chunk_size=20_000
    ):
        existing[(school_id, measure_id, year)] = (pk, value, cohort, suppressed, lower, upper)
    new: list[tuple] = []
    changed: list[dict[str, Any]] = []
    for m in plan.measures:
        school_id, measure_id = school_ids[m.registry_id], measure_ids[m.code]
        if m.suppressed:
            report.values_suppressed += 1
        lower, upper = m.band if m.band is not None else (None, None)
        current = existing.get((school_id, measure_id, m.year))
        if current is None:
            cohort = None if m.cohort == KEEP else m.cohort
            new.append(
                (
                    school_id,
                    measure_id,
                    m.year,
                    m.value,
                    cohort,
                    m.suppressed,
                    m.band is not None,
                    lower,
                    upper,
                )
            )
            rows[m.row] = CREATED
            continue
        pk, value, cohort, suppressed, *stored_band = current
        have = (value, cohort, suppressed, *stored_band)
        wanted = (m.value, cohort if m.cohort == KEEP else m.cohort, m.suppressed, lower, upper)
        if m.fill_in:  # keep the stored figure; add a cohort only where none is stored
            wanted = (
                value,
                cohort if cohort is not None or m.cohort == KEEP else m.cohort,
                suppressed,
                *stored_band,
            )
        if have != wanted:
            changed.append(
                {
                    "id": pk,
                    "value": wanted[0],
                    "cohort": wanted[1],
                    "suppressed": wanted[2],
                    "banded": wanted[3] is not None or wanted[4] is not None,
                    "band_lower": wanted[3],
                    "band_upper": wanted[4],
                }
            )
            rows[m.row] = max(rows[m.row], UPDATED)
        else:
            report.measures.unchanged += 1
    bulk_insert(
        SchoolMeasure._meta.db_table,
        [
            "school_id",
            "measure_id",
            "year",
            "value",
            "cohort",
            "suppressed",
            "banded",
            "band_lower",
            "band_upper",
        ],
        new,
    )
    if changed:
        _update_rows(
            SchoolMeasure, changed, ["value", "cohort", "suppressed", "banded", "band_lower", "band_upper"]
        )
    report.measures.created += len(new)
    report.measures.updated += len(changed)


def _insert_models(model, objects: list) -> None:
    """Insert unsaved model instances with plain tuples (bulk_create builds SQL per object: slow at 20k)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # pre_save, as Django's own insert: it fills `updated_at` (auto_now, core/changes.py).
    rows = ([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in objects)
    bulk_insert(model._meta.db_table, [f.column for f in fields], rows)


def _update_rows(model, rows: list[dict[str, Any]], field_names: list[str]) -> None:
    """UPDATE ... WHERE id = %s for each row (a dict of attribute names), as one executemany:
    bulk_update builds a CASE expression per object, which is slow at national scale. A model that
    keeps its time of last change (core/changes.py) has it set to now as well."""
    if any(f.name == changes.FIELD for f in model._meta.concrete_fields) and changes.FIELD not in field_names:
        now = timezone.now()
        rows = [{**row, changes.FIELD: now} for row in rows]
        field_names = [*field_names, changes.FIELD]
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    params = [[*(f.get_db_prep_save(row[f.attname], connection) for f in fields), row["id"]] for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(params), 20_000):
            cursor.executemany(sql, params[start : start + 20_000])
