"""/api/v1/resources: the library's resources the person may see (library.access), as its list shows."""

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema

from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.schemas import MAX_ID, TEXT, Paging, Problem, ResourcePage
from kindred.api.scope import in_token_organisation, in_token_region
from kindred.library.models import Resource
from kindred.library.selectors import search_resources

router = Router(tags=["library"])

#: ResourceOut's fields, each read from the Resource column of the same name (network: its id).
RESOURCE_COLUMNS = {
    "id": "id",
    "kind": "kind",
    "title": "title",
    "description": "description",
    "domain": "domain",
    "subject": "subject",
    "phase": "phase",
    "tags": "tags",
    "licence": "licence",
    "url": "url",
    "network": "network_id",
    "agreed_at": "agreed_at",
    "created_at": "created_at",
}


class ResourceFilters(Schema):
    q: str = Field(
        "",
        pattern=TEXT,
        description=gettext_noop("Words of the title, description, tags, framework domain or subject."),
    )
    network: int | None = Field(
        None, ge=1, le=MAX_ID, description=gettext_noop("Only this network's resources.")
    )
    kind: str = Field(
        "", pattern=TEXT, description=gettext_noop("A kind:") + " " + ", ".join(Resource.Kind.values)
    )


@router.get(
    "/resources",
    response={200: ResourcePage, 400: Problem},
    summary=gettext_noop("Library resources you may see"),
    description=gettext_noop(
        "Public resources and those of the networks you may see "
        "(library.access.resources_visible_q, through the library's own search). A region token "
        "sees only its region's networks' resources: a public resource belongs to no region."
    ),
)
def resources_list(request: HttpRequest, filters: Query[ResourceFilters], paging: Query[Paging]):
    user, token = caller(request)
    resources = in_token_organisation(
        in_token_region(search_resources(user=user, text=filters.q), token, fields=("network__region_id",)),
        token,
    )
    if filters.network is not None:
        resources = resources.filter(network_id=filters.network)
    if filters.kind:
        resources = resources.filter(kind=filters.kind)
    return cursor.page_of(
        resources.values(*RESOURCE_COLUMNS.values()),
        paging,
        each=lambda row: {field: row[column] for field, column in RESOURCE_COLUMNS.items()},
    )
