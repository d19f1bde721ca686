"""/api/v1/schools…: the registry, measure values, families and relative performance."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from kindred.accounts.access import evidence_for_user
from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.schemas import (
    TEXT,
    ChangedSince,
    FamilyMemberOut,
    MeasureValueOut,
    Paging,
    PerformanceOut,
    Problem,
    SchoolFeatureCollection,
    SchoolOut,
    SchoolPage,
)
from kindred.api.scope import (
    evidence_within_token,
    in_token_region,
    schools_in_token_organisation,
    visible_categories,
    with_visible_category,
)
from kindred.core.csv_export import Echo, csv_writer
from kindred.core.geojson import MEDIA_TYPE as GEOJSON
from kindred.core.geojson import feature_collection, point
from kindred.evidence.selectors import school_family, school_outcomes
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure
from kindred.schools.selectors import school_measures, school_search

router = Router(tags=["schools"])

CSV_RESPONSE = {
    "responses": {
        "200": {"description": "CSV, streamed", "content": {"text/csv": {"schema": {"type": "string"}}}}
    }
}


class SchoolFilters(Schema):
    q: str = Field(
        "",
        pattern=TEXT,
        description=gettext_noop("Words of the name, town, postcode or authority, or a registry id."),
    )
    region: str = Field("", pattern=TEXT, description=gettext_noop("A region's code."))
    authority: str = Field("", pattern=TEXT, description=gettext_noop("A local authority's code."))
    phase: str = Field(
        "", pattern=TEXT, description=gettext_noop("A phase:") + " " + ", ".join(School.Phase.values)
    )
    country: str = Field(
        "",
        max_length=16,
        pattern=TEXT,
        description=gettext_noop("A country's profile code (an installation may hold several countries)."),
    )


def _schools(request: HttpRequest, filters: SchoolFilters) -> QuerySet[School]:
    """The schools matching `filters` within the token's region, without their categories: those
    are asked for the rows written only (`scope.visible_categories`)."""
    _user, token = caller(request)
    schools = schools_in_token_organisation(
        in_token_region(school_search(query=filters.q, country=filters.country), token), token
    )
    if filters.region:
        schools = schools.filter(region__code=filters.region)
    if filters.authority:
        schools = schools.filter(local_authority__code=filters.authority)
    if filters.phase:
        schools = schools.filter(phase=filters.phase)
    return schools


#: Each field of SchoolOut but the category, and the School column it is read from: lists and
#: exports read these values (no model object per row), one query for the rows however many.
SCHOOL_COLUMNS = {field: field for field in SchoolOut.model_fields if field != "support_category"} | {
    "region": "region__code",
    "local_authority": "local_authority__code",
}
SCHOOL_FIELDS = list(SchoolOut.model_fields)


def school_row(values: Mapping[str, Any], category: str | None) -> dict:
    """A SchoolOut from a row of `.values("id", *SCHOOL_COLUMNS.values())` and its visible category."""
    return {field: values[column] for field, column in SCHOOL_COLUMNS.items()} | {
        "support_category": category
    }


def _school(request: HttpRequest, registry_id: str) -> School:
    user, token = caller(request)
    schools = with_visible_category(
        schools_in_token_organisation(
            in_token_region(School.objects.select_related("region", "local_authority"), token), token
        ),
        user,
        token=token,
    )
    return get_object_or_404(schools, registry_id=registry_id)


@router.get(
    "/schools", response={200: SchoolPage, 400: Problem}, summary=gettext_noop("Schools, a page at a time")
)
def schools_list(request: HttpRequest, filters: Query[SchoolFilters], paging: Query[Paging]):
    user, token = caller(request)
    rows = _schools(request, filters).values("id", *SCHOOL_COLUMNS.values())
    return cursor.page_of(rows, paging, keys=("name", "id"), items=_with_categories(user, token))


def _with_categories(user, token) -> Callable[[list], list[dict]]:
    """SchoolOut rows of a page of `.values()`, with the categories `user` may see: one query a page."""

    def items(rows: list) -> list[dict]:
        categories = visible_categories(user, token)([row["id"] for row in rows])
        return [school_row(row, categories.get(row["id"])) for row in rows]

    return items


@router.get(
    "/schools.geojson",
    response={200: SchoolFeatureCollection, 400: Problem},
    summary=gettext_noop("Schools on a map: a GeoJSON FeatureCollection, a page at a time"),
    description=gettext_noop(
        "The schools of `/schools` (the same filters, order and category rule) that have "
        "coordinates, each a Point feature whose properties are the school's fields; `next_cursor` "
        "rides beside the features (a foreign member, RFC 7946 §6.1)."
    ),
)
def schools_geojson(
    request: HttpRequest,
    response: HttpResponse,
    filters: Query[SchoolFilters],
    paging: Query[Paging],
):
    response["Content-Type"] = GEOJSON
    user, token = caller(request)
    rows = (
        _schools(request, filters)
        .filter(latitude__isnull=False, longitude__isnull=False)
        .values("id", *SCHOOL_COLUMNS.values())
    )
    found = cursor.page_of(rows, paging, keys=("name", "id"), items=_with_categories(user, token))
    features = []
    for properties in found["items"]:
        lat, lon = properties.pop("latitude"), properties.pop("longitude")
        features.append(point(lon, lat, properties))
    return feature_collection(features, next_cursor=found["next_cursor"])


def csv_stream(header: list[str], rows: Iterator[list]) -> StreamingHttpResponse:
    """A CSV answer written as `rows` are read, sent a few hundred lines at a time (a line at a
    time, Django's per-chunk work cost more than the line itself)."""
    writer = csv_writer(Echo())

    def lines() -> Iterator[str]:
        batch = [writer.writerow(header)]
        for row in rows:
            batch.append(writer.writerow(row))
            if len(batch) >= 500:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    return StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")


#: Rows an export reads at a time: one range of the cursor (a server-side one on PostgreSQL), and
#: one query for the categories of those rows. Memory stays that of one chunk however many rows.
EXPORT_CHUNK = 2000


def chunks(rows: Iterable[Any]) -> Iterator[list]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        yield chunk


@router.get(
    "/schools.csv",
    summary=gettext_noop("Every school matching the filters, as CSV (streamed)"),
    openapi_extra=CSV_RESPONSE,
)
def schools_csv(request: HttpRequest, filters: Query[SchoolFilters], since: Query[ChangedSince]):
    user, token = caller(request)
    schools = (
        cursor.changed_since(_schools(request, filters), since.changed_since)
        .order_by("name", "id")
        .values("id", *SCHOOL_COLUMNS.values())
    )

    def rows() -> Iterator[list]:
        categories_of = visible_categories(user, token)
        for chunk in chunks(schools.iterator(chunk_size=EXPORT_CHUNK)):
            categories = categories_of([values["id"] for values in chunk])
            for values in chunk:
                row = school_row(values, categories.get(values["id"]))
                yield [row[field] for field in SCHOOL_FIELDS]

    return csv_stream(SCHOOL_FIELDS, rows())


@router.get(
    "/schools/{registry_id}", response={200: SchoolOut, 404: Problem}, summary=gettext_noop("One school")
)
def school_detail(request: HttpRequest, registry_id: str):
    user, token = caller(request)
    schools = with_visible_category(
        schools_in_token_organisation(in_token_region(School.objects.all(), token), token), user, token=token
    )
    found = (
        schools.filter(registry_id=registry_id).values(*SCHOOL_COLUMNS.values(), "visible_category").first()
    )
    if found is None:
        raise Http404("No such school.")
    return school_row(found, found["visible_category"])


#: The SchoolMeasure columns of MeasureValueOut after the measure's own (code, kind, domain, unit).
MEASURE_VALUE_COLUMNS = ["year", "value", "cohort", "suppressed", "banded", "band_lower", "band_upper"]


def measure_row(value: SchoolMeasure) -> dict:
    return {
        "measure": value.measure.code,
        "kind": value.measure.kind,
        "domain": value.measure.domain,
        "unit": value.measure.unit,
        **{column: getattr(value, column) for column in MEASURE_VALUE_COLUMNS},
    }


@router.get(
    "/schools/{registry_id}/measures",
    response={200: list[MeasureValueOut], 404: Problem},
    summary=gettext_noop("A school's measure values"),
)
def school_measure_values(request: HttpRequest, registry_id: str, since: Query[ChangedSince]):
    values = school_measures(school=_school(request, registry_id))
    return [measure_row(value) for value in cursor.changed_since(values, since.changed_since)]


MEASURES_CSV_FIELDS = ["registry_id", *MeasureValueOut.model_fields]


@router.get(
    "/measures.csv",
    summary=gettext_noop("The measure values of every school matching the filters, as CSV (streamed)"),
    openapi_extra=CSV_RESPONSE,
    description=gettext_noop(
        "One query for the measures' definitions, one streamed query for the values (tuples, in the "
        "order of the unique index school, measure, year): no object and no query per value. With "
        "`changed_since`, the values changed since then (of every school matching the filters)."
    ),
)
def measures_csv(request: HttpRequest, filters: Query[SchoolFilters], since: Query[ChangedSince]):
    schools = _schools(request, filters).values("pk")
    values = (
        cursor.changed_since(SchoolMeasure.objects.filter(school__in=schools), since.changed_since)
        .order_by("school_id", "measure_id", "year")
        .values_list("school__registry_id", "measure_id", *MEASURE_VALUE_COLUMNS)
    )

    def rows() -> Iterator[list]:
        measures = {
            pk: (code, kind, domain, unit)
            for pk, code, kind, domain, unit in MeasureDefinition.objects.values_list(
                "pk", "code", "kind", "domain", "unit"
            )
        }
        for registry_id, measure_id, *rest in values.iterator(chunk_size=EXPORT_CHUNK):
            yield [registry_id, *measures[measure_id], *rest]

    return csv_stream(MEASURES_CSV_FIELDS, rows())


@router.get(
    "/schools/{registry_id}/performance",
    response={200: list[PerformanceOut], 404: Problem},
    summary=gettext_noop("A school's relative performance"),
    description=gettext_noop(
        "Each outcome measure's pooled estimate (year null) and its yearly ones: value, expected, "
        "the shrunk estimate with its interval (lower, upper), z, and the strength/need flag."
    ),
)
def school_performance(request: HttpRequest, registry_id: str):
    # Partners never see evidence on schools (accounts/access.py), nor an organisation's token.
    evidence_for_user(request.user)
    evidence_within_token(caller(request)[1])
    rows = []
    for outcome in school_outcomes(_school(request, registry_id)):
        for result in ([outcome.pooled] if outcome.pooled else []) + outcome.years:
            rows.append(
                {
                    "measure": outcome.measure.code,
                    "domain": outcome.measure.domain,
                    "higher_is_better": outcome.measure.higher_is_better,
                    "year": result.year,
                    "value": result.value,
                    "expected": result.expected,
                    "effect": result.effect,
                    "estimate": result.estimate,
                    "lower": result.lower,
                    "upper": result.upper,
                    "z": result.z,
                    "cohort": result.cohort,
                    "flag": result.flag,
                }
            )
    return rows


@router.get(
    "/schools/{registry_id}/family",
    response={200: list[FamilyMemberOut], 404: Problem},
    summary=gettext_noop("A school's family of similar schools"),
)
def school_family_members(request: HttpRequest, registry_id: str):
    user, token = caller(request)
    # Partners never see evidence on schools (accounts/access.py), nor an organisation's token.
    evidence_for_user(user)
    evidence_within_token(token)
    school = _school(request, registry_id)
    members = school_family(school)
    visible = dict(
        with_visible_category(
            School.objects.filter(pk__in=[m.member_id for m in members]), user, token=token
        ).values_list("pk", "visible_category")
    )
    return [
        {
            "rank": member.rank,
            "distance": member.distance,
            "registry_id": member.member.registry_id,
            "name": member.member.name,
            "support_category": visible.get(member.member_id),
        }
        for member in members
    ]
