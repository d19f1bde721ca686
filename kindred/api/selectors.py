"""Reads of the API app: a person's tokens, the token a request presents, integrations and the
roles of their accounts."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kindred.accounts.models import OrganisationPerson, RegionalRole, SchoolStaff, User
from kindred.api.models import ApiToken, Integration
from kindred.api.services import TOKEN_START, token_hash
from kindred.networks.models import NetworkRole


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).select_related("region", "organisation")


def token_of(user: User, pk: int) -> ApiToken:
    """One of `user`'s own tokens; 404 for anyone else's (a token is nobody else's business)."""
    return get_object_or_404(ApiToken, user=user, pk=pk)


def token_presented(secret: str) -> ApiToken | None:
    """The live token whose secret this is, with its person, if that person is still active."""
    if not secret.startswith(TOKEN_START):
        return None
    token = (
        ApiToken.objects.live().select_related("user", "region").filter(key_hash=token_hash(secret)).first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def integrations_listed() -> QuerySet[Integration]:
    """Every integration, with its number of live tokens (`live_tokens`)."""
    now = timezone.now()
    return Integration.objects.select_related("account", "created_by").annotate(
        live_tokens=Count(
            "account__api_tokens",
            filter=Q(account__api_tokens__revoked_at__isnull=True, account__api_tokens__expires_at__gt=now),
        )
    )


@dataclass
class Roles:
    """The roles an account holds, as the permission layer reads them."""

    site_admin: bool
    regions: list[RegionalRole]
    schools: list[SchoolStaff]
    networks: list[NetworkRole]
    organisations: list[OrganisationPerson]


def roles_of(user: User) -> Roles:
    return Roles(
        site_admin=user.is_superuser,
        regions=list(RegionalRole.objects.filter(user=user).select_related("region", "local_authority")),
        schools=list(SchoolStaff.objects.filter(user=user).select_related("school")),
        networks=list(NetworkRole.objects.active().filter(user=user).select_related("network", "school")),
        organisations=list(OrganisationPerson.objects.filter(user=user).select_related("organisation")),
    )
