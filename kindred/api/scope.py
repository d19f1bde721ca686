"""What a token may reach: the person's permissions (the permission layer), narrowed by the token.

Nothing here decides who may see what; that is `accounts.access`, `networks.access` and
`events.access`, as for the pages. A token with a region narrows every list and object to that
region (an object outside it is 404, as if it did not exist).
"""

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
