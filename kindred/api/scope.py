"""What a token may reach: the person's permissions (the permission layer), narrowed by the token.

Nothing here decides who may see what; that is `accounts.access`, `networks.access` and
`events.access`, as for the pages. A token with a region narrows every list and object to that
region (an object outside it is 404, as if it did not exist).
"""

from collections.abc import Callable, Collection

from django.db.models import Case, F, Q, QuerySet, Value, When

from kindred.accounts.access import category_scope_for_user
from kindred.accounts.models import User
from kindred.api.models import ApiToken
from kindred.schools.models import School


def in_token_region(rows: QuerySet, token: ApiToken, *, fields: tuple[str, ...] = ("region_id",)) -> QuerySet:
    if token.region_id is None:
        return rows
    condition = Q(pk__in=[])
    for field in fields:
        condition |= Q(**{field: token.region_id})
    return rows.filter(condition)


def with_visible_category(schools: QuerySet, user: User, *, prefix: str = "") -> QuerySet:
    """`schools` (or rows pointing at a school through `prefix`) annotated with `visible_category`:
    the support category where `user` may see it (accounts.access.category_scope_for_user), else None."""
    field = F(f"{prefix}support_category__category")
    scope = category_scope_for_user(user)
    if scope is None:
        return schools.annotate(visible_category=field)
    if prefix:
        scope = Q(**{f"{prefix.removesuffix('__')}__in": School.objects.filter(scope).values("pk")})
    return schools.annotate(visible_category=Case(When(scope, then=field), default=Value(None)))


def visible_categories(user: User) -> Callable[[Collection[int]], dict[int, str]]:
    """A function from school ids to the support categories `user` may see among those schools, by
    school id, one query a call.

    The same rule as `with_visible_category` (accounts.access.category_scope_for_user), read once
    and asked of the given schools only: a list asks it of its page's rows, an export of each chunk
    it writes, never of the whole registry before the page is cut (docs/api.md, "Speed").
    """
    scope = category_scope_for_user(user)

    def categories(school_ids: Collection[int]) -> dict[int, str]:
        if not school_ids:
            return {}
        schools = School.objects.filter(pk__in=school_ids, support_category__isnull=False)
        if scope is not None:
            schools = schools.filter(scope)
        return dict(schools.values_list("pk", "support_category__category"))

    return categories
