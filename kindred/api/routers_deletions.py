"""Tombstones for incremental syncs: `GET /deleted` lists the rows of the synced kinds deleted since
a time (api/tombstones.py writes them; docs/api.md, "How a sync learns of removals")."""

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.models import Deletion
from kindred.api.schemas import TEXT, Paging, Problem
from kindred.api.scope import in_token_organisation, in_token_region

router = Router(tags=["deletions"])


class DeletionFilters(Schema):
    kind: str = Field(
        "", pattern=TEXT, description=gettext_noop("A kind:") + " " + ", ".join(Deletion.Kind.values)
    )


class DeletionOut(Schema):
    kind: str
    id: int = Field(description="The deleted row's id (for a school: the registry's row, see registry_id).")
    registry_id: str | None = Field(
        description="The school's registry id: of a school, a measure value, a membership."
    )
    network: int | None = Field(description="The network's id: of a network and of what was in one.")
    measure: str | None = Field(description="A measure value's measure code.")
    year: int | None = Field(description="A measure value's year.")
    deleted_at: datetime


class DeletionPage(Schema):
    items: list[DeletionOut]
    next_cursor: str | None


def deletion_row(row: Deletion) -> dict:
    return {
        "kind": row.kind,
        "id": row.object_id,
        "registry_id": row.registry_id or None,
        "network": row.network_id,
        "measure": row.measure or None,
        "year": row.year,
        "deleted_at": row.deleted_at,
    }


@router.get(
    "/deleted",
    response={200: DeletionPage, 400: Problem},
    summary=gettext_noop("Rows deleted outright, for incremental syncs"),
    description=gettext_noop(
        "A tombstone for every school, measure value, network, membership, network role, event, "
        "registration, library resource, development plan and consultation deleted (in the admin, or "
        "with the school or network it belonged to): its kind, its id, the ids a copy is kept by and "
        "when. With `changed_since`, those deleted at or after it; by id. Ids only, never a name; a "
        "region or organisation token sees those of its region or its organisation's networks."
    ),
)
def deletions_list(request: HttpRequest, filters: Query[DeletionFilters], paging: Query[Paging]):
    _user, token = caller(request)
    rows = in_token_organisation(in_token_region(Deletion.objects.all(), token), token)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if paging.changed_since is not None:
        rows = rows.filter(deleted_at__gte=paging.changed_since)
    found = cursor.page(rows, keys=("id",), cursor=paging.cursor, limit=paging.limit)
    return {"items": [deletion_row(row) for row in found.items], "next_cursor": found.next_cursor}
