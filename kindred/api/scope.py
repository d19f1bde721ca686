"""What a token may reach: the person's permissions (the permission layer), narrowed by the token.

Nothing here decides who may see what; that is `accounts.access`, `networks.access` and
`events.access`, as for the pages. A token with a region narrows every list and object to that
region (an object outside it is 404, as if it did not exist). A token with an organisation (a
partner beyond schools, issue 23 item 4) narrows them the same way to what the organisation takes
part in: the networks where one of its people is a partner, expert or facilitator now, their
events, boards, plans, library and consultations, and their member schools; evidence on schools
(relative performance, families, support categories) it never reaches, as the organisation's
people never see it.
"""

from collections.abc import Callable, Collection

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.http import Http404

from kindred.accounts.access import category_scope_for_user
from kindred.accounts.models import User
from kindred.api.models import ApiToken
from kindred.networks.models import Membership, NetworkRole
from kindred.schools.models import School


def in_token_region(rows: QuerySet, token: ApiToken, *, fields: tuple[str, ...] = ("region_id",)) -> QuerySet:
    if token.region_id is None:
        return rows
    condition = Q(pk__in=[])
    for field in fields:
        condition |= Q(**{field: token.region_id})
    return rows.filter(condition)


def organisation_network_ids(token: ApiToken) -> QuerySet | None:
    """The ids of the networks an organisation token reaches (a subquery), None for other tokens."""
    if token.organisation_id is None:
        return None
    return NetworkRole.objects.active().filter(organisation_id=token.organisation_id).values("network_id")


def in_token_organisation(rows: QuerySet, token: ApiToken, *, field: str = "network_id") -> QuerySet:
    """`rows` (reaching a network through `field`) within the organisation's networks, for an
    organisation token; all of them for any other."""
    networks = organisation_network_ids(token)
    return rows if networks is None else rows.filter(**{f"{field}__in": networks})


def schools_in_token_organisation(schools: QuerySet, token: ApiToken) -> QuerySet:
    """`schools` narrowed, for an organisation token, to the member schools of its networks now."""
    networks = organisation_network_ids(token)
    if networks is None:
        return schools
    return schools.filter(
        pk__in=Membership.objects.active().filter(network_id__in=networks).values("school_id")
    )


def within_token_organisation(token: ApiToken, network_id: int | None, *, what: str = "object") -> None:
    """404 when an organisation token asks for something outside its networks (as if not there)."""
    networks = organisation_network_ids(token)
    if networks is not None and (network_id is None or not networks.filter(network_id=network_id).exists()):
        raise Http404(f"No such {what}.")


def evidence_within_token(token: ApiToken) -> None:
    """Evidence on schools is never reached with an organisation token (404)."""
    if token.organisation_id is not None:
        raise Http404("No evidence here.")


def _category_scope(user: User, token: ApiToken | None) -> Q | None:
    if token is not None and token.organisation_id is not None:
        return Q(pk__in=[])
    return category_scope_for_user(user)


def with_visible_category(
    schools: QuerySet, user: User, *, prefix: str = "", token: ApiToken | None = None
) -> QuerySet:
    """`schools` (or rows pointing at a school through `prefix`) annotated with `visible_category`:
    the support category where `user` may see it (accounts.access.category_scope_for_user), else None
    (always None with an organisation token)."""
    field = F(f"{prefix}support_category__category")
    scope = _category_scope(user, token)
    if scope is None:
        return schools.annotate(visible_category=field)
    if prefix:
        scope = Q(**{f"{prefix.removesuffix('__')}__in": School.objects.filter(scope).values("pk")})
    return schools.annotate(visible_category=Case(When(scope, then=field), default=Value(None)))


def visible_categories(
    user: User, token: ApiToken | None = None
) -> Callable[[Collection[int]], dict[int, str]]:
    """A function from school ids to the support categories `user` may see among those schools, by
    school id, one query a call.

    The same rule as `with_visible_category` (accounts.access.category_scope_for_user), read once
    and asked of the given schools only: a list asks it of its page's rows, an export of each chunk
    it writes, never of the whole registry before the page is cut (docs/api.md, "Speed").
    """
    scope = _category_scope(user, token)

    def categories(school_ids: Collection[int]) -> dict[int, str]:
        if not school_ids:
            return {}
        schools = School.objects.filter(pk__in=school_ids, support_category__isnull=False)
        if scope is not None:
            schools = schools.filter(scope)
        return dict(schools.values_list("pk", "support_category__category"))

    return categories
