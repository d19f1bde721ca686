"""/api/v1/schools…: the registry, measure values, families and relative performance."""

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.schemas import (
    TEXT,
    FamilyMemberOut,
    MeasureValueOut,
    PerformanceOut,
    Problem,
    SchoolOut,
    SchoolPage,
)
from kindred.api.scope import in_token_region, with_visible_category
from kindred.core.csv_export import Echo, csv_writer
from kindred.evidence.selectors import school_family, school_outcomes
from kindred.schools.models import School, SchoolMeasure
from kindred.schools.selectors import school_measures, school_search

router = Router(tags=["schools"])

CSV_RESPONSE = {
    "responses": {
        "200": {"description": "CSV, streamed", "content": {"text/csv": {"schema": {"type": "string"}}}}
    }
}
SCHOOL_FIELDS = list(SchoolOut.model_fields)


class SchoolFilters(Schema):
    q: str = Field(
        "", pattern=TEXT, description="Words of the name, town, postcode or authority, or a registry id."
    )
    region: str = Field("", pattern=TEXT, description="A region's code.")
    authority: str = Field("", pattern=TEXT, description="A local authority's code.")
    phase: str = Field("", pattern=TEXT, description="A phase: " + ", ".join(School.Phase.values))


def _schools(request: HttpRequest, filters: SchoolFilters) -> QuerySet[School]:
    user, token = caller(request)
    schools = in_token_region(school_search(query=filters.q), token)
    if filters.region:
        schools = schools.filter(region__code=filters.region)
    if filters.authority:
        schools = schools.filter(local_authority__code=filters.authority)
    if filters.phase:
        schools = schools.filter(phase=filters.phase)
    return with_visible_category(schools, user)


def school_row(school: School) -> dict:
    return {
        "registry_id": school.registry_id,
        "name": school.name,
        "phase": school.phase,
        "status": school.status,
        "school_type": school.school_type,
        "town": school.town,
        "postcode": school.postcode,
        "region": school.region.code if school.region else None,
        "local_authority": school.local_authority.code if school.local_authority else None,
        "latitude": school.latitude,
        "longitude": school.longitude,
        "pupils": school.pupils,
        "urban_rural": school.urban_rural,
        "support_category": school.visible_category,  # type: ignore[attr-defined]
    }


def _school(request: HttpRequest, registry_id: str) -> School:
    user, token = caller(request)
    schools = with_visible_category(
        in_token_region(School.objects.select_related("region", "local_authority"), token), user
    )
    return get_object_or_404(schools, registry_id=registry_id)


@router.get("/schools", response={200: SchoolPage, 400: Problem}, summary="Schools, a page at a time")
def schools_list(
    request: HttpRequest,
    filters: Query[SchoolFilters],
    cursor_: str | None = Query(None, alias="cursor", description="The next_cursor of the page before."),
    limit: int = Query(100, ge=1, le=1000),
):
    found = cursor.page(_schools(request, filters), keys=("name", "id"), cursor=cursor_, limit=limit)
    return {"items": [school_row(school) for school in found.items], "next_cursor": found.next_cursor}


def csv_stream(header: list[str], rows: Iterator[list]) -> StreamingHttpResponse:
    writer = csv_writer(Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    return response


@router.get(
    "/schools.csv", summary="Every school matching the filters, as CSV (streamed)", openapi_extra=CSV_RESPONSE
)
def schools_csv(request: HttpRequest, filters: Query[SchoolFilters]):
    schools = _schools(request, filters).order_by("name", "id")
    rows = (
        [school_row(school)[field] for field in SCHOOL_FIELDS] for school in schools.iterator(chunk_size=2000)
    )
    return csv_stream(SCHOOL_FIELDS, rows)


@router.get("/schools/{registry_id}", response={200: SchoolOut, 404: Problem}, summary="One school")
def school_detail(request: HttpRequest, registry_id: str):
    return school_row(_school(request, registry_id))


def measure_row(value: SchoolMeasure) -> dict:
    return {
        "measure": value.measure.code,
        "kind": value.measure.kind,
        "domain": value.measure.domain,
        "unit": value.measure.unit,
        "year": value.year,
        "value": value.value,
        "cohort": value.cohort,
        "suppressed": value.suppressed,
        "banded": value.banded,
        "band_lower": value.band_lower,
        "band_upper": value.band_upper,
    }


@router.get(
    "/schools/{registry_id}/measures",
    response={200: list[MeasureValueOut], 404: Problem},
    summary="A school's measure values",
)
def school_measure_values(request: HttpRequest, registry_id: str):
    return [measure_row(value) for value in school_measures(school=_school(request, registry_id))]


MEASURES_CSV_FIELDS = ["registry_id", *MeasureValueOut.model_fields]


@router.get(
    "/measures.csv",
    summary="The measure values of every school matching the filters, as CSV (streamed)",
    openapi_extra=CSV_RESPONSE,
)
def measures_csv(request: HttpRequest, filters: Query[SchoolFilters]):
    schools = _schools(request, filters).values("pk")
    values = (
        SchoolMeasure.objects.filter(school__in=schools)
        .select_related("measure", "school")
        .only(
            "school__registry_id",
            "measure__code",
            "measure__kind",
            "measure__domain",
            "measure__unit",
            "year",
            "value",
            "cohort",
            "suppressed",
            "banded",
            "band_lower",
            "band_upper",
        )
        .order_by("school_id", "measure_id", "year")
    )
    rows = (
        [value.school.registry_id, *measure_row(value).values()] for value in values.iterator(chunk_size=5000)
    )
    return csv_stream(MEASURES_CSV_FIELDS, rows)


@router.get(
    "/schools/{registry_id}/performance",
    response={200: list[PerformanceOut], 404: Problem},
    summary="A school's relative performance",
)
def school_performance(request: HttpRequest, registry_id: str):
    """Each outcome measure's pooled estimate (year null) and its yearly ones: value, expected,
    the shrunk estimate with its interval (lower, upper), z, and the strength/need flag."""
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
    summary="A school's family of similar schools",
)
def school_family_members(request: HttpRequest, registry_id: str):
    user, _token = caller(request)
    school = _school(request, registry_id)
    members = school_family(school)
    visible = dict(
        with_visible_category(School.objects.filter(pk__in=[m.member_id for m in members]), user).values_list(
            "pk", "visible_category"
        )
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
