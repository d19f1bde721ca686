"""The shapes of the write endpoints' requests and answers (api/routers_writes_*.py)."""

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from kindred.api.schemas import TEXT


class Refusal(Schema):
    """422: what was sent was refused and nothing was written. `detail` says why (django-ninja's
    own check of the body's types gives a list there); `errors`, a form's messages by field."""

    detail: str | list[dict[str, Any]]
    errors: dict[str, list[str]] = {}


class InvitationIn(Schema):
    school: str = Field(..., max_length=32, pattern=TEXT, description="The invited school's registry id.")
    role: str = Field("member", max_length=16, pattern=TEXT, description="Its role: lead, member or mentor.")
    message: str = Field("", max_length=500, pattern=TEXT)


class DecisionIn(Schema):
    decision: str = Field(..., max_length=16, pattern=TEXT, description="approve or decline")


class LeaveIn(Schema):
    reason: str = Field(
        ..., max_length=500, pattern=TEXT, description="Why the school leaves (kept in the history)."
    )


class MembershipRequestOut(Schema):
    id: int
    network: int
    kind: str
    status: str
    school: str | None
    school_name: str | None
    person: str | None
    role: str
    message: str
    created_at: datetime
    decided_at: datetime | None


class MembershipEndedOut(Schema):
    network: int
    registry_id: str
    name: str
    role: str
    joined_at: datetime
    left_at: datetime | None
    leave_reason: str


class EventIn(Schema):
    """A new event of exactly one owner: a network (its id), a school (its registry id) or a region
    (its code). Times with an offset are taken as they are; without one, as wall-clock times in
    `time_zone`, as the new-event page reads what is typed."""

    network: int | None = Field(None, ge=1, le=2**63 - 1)
    school: str | None = Field(None, max_length=32, pattern=TEXT)
    region: str | None = Field(None, max_length=16, pattern=TEXT)
    kind: str = Field(..., max_length=16, pattern=TEXT, description="training, teachmeet, meeting, …")
    title: str = Field(..., max_length=200, pattern=TEXT)
    description: str = Field("", max_length=20_000, pattern=TEXT)
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field("", max_length=64, pattern=TEXT, description="Empty: the installation's.")
    rrule: str = Field("", max_length=300, pattern=TEXT, description="An RFC 5545 rule; empty: once.")
    skip_holidays: bool = True
    host_school: str | None = Field(None, max_length=32, pattern=TEXT, description="A registry id.")
    place: str = Field("", max_length=300, pattern=TEXT)
    online_url: str = Field("", max_length=200, pattern=TEXT)
    staff_roles: list[str] = Field([], max_length=10)
    for_pupils: bool = False
    pupils_age_min: int | None = Field(None, ge=0, le=30)
    pupils_age_max: int | None = Field(None, ge=0, le=30)
    capacity: int | None = Field(None, ge=1, le=100_000)


class RegistrationIn(Schema):
    occurrence_start: datetime = Field(..., description="The start of the date registered for.")
    school: str | None = Field(
        None, max_length=32, pattern=TEXT, description="For a group of pupils: their school's registry id."
    )
    pupils: int = Field(0, ge=0, le=500)


class RegistrationCancelledOut(Schema):
    id: int
    status: str
    promoted: list[int] = Field(..., description="The registrations moved from the waiting list to a place.")


class ThreadIn(Schema):
    title: str = Field(..., max_length=200, pattern=TEXT)
    body: str = Field(..., max_length=20_000, pattern=TEXT, description="Markdown, as on the board.")
    pinned: bool = Field(False, description="Pin as an announcement (the network's coordinators only).")


class PostIn(Schema):
    body: str = Field(..., max_length=20_000, pattern=TEXT, description="Markdown, as on the board.")


class PostOut(Schema):
    id: int
    thread: int
    network: int
    author: str
    body: str
    created_at: datetime


class ThreadOut(Schema):
    id: int
    network: int
    title: str
    pinned: bool
    first_post: PostOut


class JobOut(Schema):
    id: int
    kind: str
    label: str = Field(..., description="The job's title, in the request's language.")
    status: str = Field(..., description="queued, running, succeeded or failed")
    done: int
    total: int | None
    percent: int | None
    message: str
    summary: dict[str, Any] = Field({}, description="What the import counted (rows read, written, …).")
    summary_line: str = ""
    problems: int = Field(0, description="How many problems the file had (none imported if it failed).")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportProblemOut(Schema):
    """`reason` is worded in the request's language; `reason_id` is its English message id (the
    same in every language, so a client can tell causes apart) and `reason_params` its values.
    A problem stored before reasons were message ids has its text as `reason_id` and no values."""

    row: int | None
    column: str | None
    value: str | None
    reason: str
    reason_id: str = ""
    reason_params: dict = {}


class ImportProblemGroupOut(Schema):
    column: str | None
    reason: str
    reason_id: str = ""
    reason_params: dict = {}
    count: int
    first: list[ImportProblemOut]


class JobProblemsOut(Schema):
    """An import's problems: grouped by cause (every one counted), and the first ones one by one
    (the job page's; all of them are in its errors CSV, /jobs/{id}/problems.csv on the site).
    `skipped`: the rows left out when the import skipped bad rows."""

    groups: list[ImportProblemGroupOut]
    problems: list[ImportProblemOut]
    skipped_groups: list[ImportProblemGroupOut]
    skipped: list[ImportProblemOut]


class ImportIn(Schema):
    """The import page's fields, sent as multipart/form-data beside `file`."""

    kind: str = Field(..., max_length=16, pattern=TEXT, description="schools, measures or links")
    mapping: str = Field(
        "", max_length=100, pattern=TEXT, description="For a schools file: a ready or saved mapping's name."
    )
    year: int | None = Field(None, ge=1900, le=2100)
    sheet: str = Field("", max_length=100, pattern=TEXT)
    skip_bad_rows: bool = False
    decimal_comma: bool = False
    country: str = Field(
        "",
        max_length=16,
        pattern=TEXT,
        description="For a schools file: the country (profile code) its schools are in; default the installation's.",
    )
