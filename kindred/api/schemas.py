"""The shapes the API answers with (pydantic, through django-ninja): its OpenAPI schema is drawn from them."""

import re
from datetime import UTC, date, datetime
from typing import Literal

from django.utils.translation import gettext_noop
from ninja import Field, Schema
from pydantic import create_model, field_validator

#: Text parameters refuse the NUL character (422): PostgreSQL cannot hold it, so a filter with one
#: would be a server error there (found by tests/api/test_schema.py).
TEXT = r"^[^\x00]*$"

#: The largest id either database stores (a signed 64-bit integer): a larger one in a filter or a
#: cursor is refused (422/400) rather than reaching SQLite, which raises OverflowError on it (found
#: by tests/api/test_schema.py with network=18446744073709551615).
MAX_ID = 2**63 - 1


class Problem(Schema):
    detail: str


def aware_datetime(value: object) -> object:
    """An ISO 8601 date and time with its zone (`2026-12-06T22:00:00Z`, `…+01:00`), or a clear 422."""
    if value is None or isinstance(value, datetime):
        return value
    # A "+01:00" not escaped in a URL arrives as " 01:00": taken as meant.
    text = re.sub(r" (\d\d(:?\d\d)?)$", r"+\1", str(value))
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        found = None
    if found is None or found.tzinfo is None or found.utcoffset() is None:
        raise ValueError(
            "changed_since must be an ISO 8601 date and time with its zone, e.g. 2026-12-06T22:00:00Z "
            "or 2026-12-06T22:00:00+01:00."
        )
    # In UTC: PostgreSQL refuses an offset past 15:59 (Python takes up to 23:59: found by
    # tests/api/test_schema.py, a 500); 0001-01-01T00:00:00+01:00 is before any time in UTC.
    try:
        return found.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("changed_since is out of range.") from error


class ChangedSince(Schema):
    """The filter of an incremental sync: only what changed at or after this time (docs/api.md)."""

    changed_since: datetime | None = Field(
        None,
        description=gettext_noop(
            "Only rows changed at or after this time: an ISO 8601 date and time with its zone "
            "(2026-12-06T22:00:00Z). For an incremental sync; see docs/api.md, 'A nightly sync'."
        ),
    )

    _aware = field_validator("changed_since", mode="before")(aware_datetime)


class Paging(ChangedSince):
    """The parameters of every cursor-paged list: a page of `limit` rows after `cursor`, changed since when."""

    cursor: str | None = Field(None, description=gettext_noop("The next_cursor of the page before."))
    limit: int = Field(100, ge=1, le=1000)


class SchoolOut(Schema):
    registry_id: str
    name: str
    phase: str
    status: str
    school_type: str
    town: str
    postcode: str
    region: str | None
    local_authority: str | None
    latitude: float | None
    longitude: float | None
    pupils: int | None
    urban_rural: str
    support_category: str | None = None


class SchoolPage(Schema):
    items: list[SchoolOut]
    next_cursor: str | None


class MeasureValueOut(Schema):
    measure: str
    kind: str
    domain: str
    unit: str
    year: int
    value: float | None
    cohort: int | None
    suppressed: bool
    banded: bool
    band_lower: float | None
    band_upper: float | None


class PerformanceOut(Schema):
    measure: str
    domain: str
    higher_is_better: bool | None
    year: int | None
    value: float
    expected: float
    effect: float
    estimate: float
    lower: float
    upper: float
    z: float
    cohort: int | None
    flag: str


class FamilyMemberOut(Schema):
    rank: int
    distance: float
    registry_id: str
    name: str
    support_category: str | None = None


class NetworkOut(Schema):
    id: int
    name: str
    kind: str
    purpose: str
    region: str | None
    phase: str
    subject: str
    visibility: str
    status: str
    created_at: datetime


class NetworkPage(Schema):
    items: list[NetworkOut]
    next_cursor: str | None


class MembershipOut(Schema):
    registry_id: str
    name: str
    role: str
    joined_at: datetime
    left_at: datetime | None


class EventOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    recurrence: str
    network: int | None
    school: str | None
    region: str | None
    host_school: str | None
    place: str
    online_url: str
    for_pupils: bool
    capacity: int | None
    created_at: datetime


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class PointGeometry(Schema):
    type: Literal["Point"]
    coordinates: list[float]  # longitude, latitude (RFC 7946)


#: A school on a map: SchoolOut but its coordinates, which are the feature's geometry (one list of
#: fields, so the map's properties cannot drift from the list's).
SchoolProperties = create_model(
    "SchoolProperties",
    __base__=Schema,
    __doc__="A school on a map: SchoolOut but its coordinates, which are the feature's geometry.",
    **{
        name: (field.annotation, field)
        for name, field in SchoolOut.model_fields.items()
        if name not in ("latitude", "longitude")
    },
)


class SchoolFeature(Schema):
    type: Literal["Feature"]
    geometry: PointGeometry
    properties: SchoolProperties


class SchoolFeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[SchoolFeature]
    next_cursor: str | None


class MemberProperties(Schema):
    registry_id: str
    name: str
    role: str
    network: int


class MemberFeature(Schema):
    type: Literal["Feature"]
    geometry: PointGeometry
    properties: MemberProperties


class MemberFeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[MemberFeature]


class RegistrationOut(Schema):
    id: int
    occurrence_start: datetime
    status: str
    places: int
    pupils: int
    school: str | None
    school_name: str | None
    person: str | None
    attended: int | None
    created_at: datetime


class RegistrationPage(Schema):
    items: list[RegistrationOut]
    next_cursor: str | None


class ResourceOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    domain: str
    subject: str
    phase: str
    tags: str
    licence: str
    url: str
    network: int | None
    agreed_at: datetime | None
    created_at: datetime


class ResourcePage(Schema):
    items: list[ResourceOut]
    next_cursor: str | None


class NetworkRoleOut(Schema):
    id: int
    role: str
    person: str
    school: str | None
    school_name: str | None
    started_at: datetime
    ended_at: datetime | None = Field(
        None, description=gettext_noop("Set only in an incremental sync (changed_since).")
    )


class NetworkRolePage(Schema):
    items: list[NetworkRoleOut]
    next_cursor: str | None


class PlanOut(Schema):
    id: int
    network: int
    title: str
    year: int
    summary: str
    created_at: datetime


class PlanPage(Schema):
    items: list[PlanOut]
    next_cursor: str | None


class PlanActionOut(Schema):
    id: int
    description: str
    owner_school: str
    owner_school_name: str
    starts_on: date | None
    due_on: date | None
    resources: str
    success_measure: str | None
    success_standard: str | None
    success_target: str
    status: str


class PlanPriorityOut(Schema):
    id: int
    title: str
    domain: str
    source: str
    rationale: str
    actions: list[PlanActionOut]


class PlanDetailOut(PlanOut):
    priorities: list[PlanPriorityOut]


class ConsultationOut(Schema):
    id: int
    title: str
    description: str
    audience: str
    region: str | None
    network: int | None
    status: str
    answered_by: str
    named: bool
    council: int | None
    closes_on: date | None
    min_respondents: int
    created_at: datetime


class ConsultationPage(Schema):
    items: list[ConsultationOut]
    next_cursor: str | None


class SummaryOut(Schema):
    """A group's answers to one question, counted: per option (a choice), per level "1"… (a scale),
    none (free text: only how many answered); the mean of a scale."""

    answered: int
    counts: dict[str, int]
    mean: float | None


class GroupSummaryOut(SummaryOut):
    group: str


class QuestionResultOut(Schema):
    id: int
    text: str
    kind: str
    options: list[str]
    scale_top: int
    overall: SummaryOut | None
    by_region: list[GroupSummaryOut]
    by_network: list[GroupSummaryOut]
    by_country: list[GroupSummaryOut]
    by_school: list[GroupSummaryOut]
    themes: dict[str, int]


class ConsultationResultsOut(Schema):
    id: int
    title: str
    status: str
    asked: int
    answered: int
    min_respondents: int
    questions: list[QuestionResultOut]
