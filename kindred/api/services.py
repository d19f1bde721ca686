"""Writes of the API app: making and revoking tokens (docs/api.md, "Tokens")."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import Organisation, OrganisationPerson, User
from kindred.api.models import ApiToken
from kindred.audit.services import audit
from kindred.schools.models import Region

#: Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_START = "kd_"
PREFIX_LENGTH = 11


def token_hash(secret: str) -> str:
    """The stored form of a token: its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    scope: str,
    days: int,
    region: Region | None = None,
    organisation: Organisation | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is returned here once and never stored.

    Refused, with nothing written: no name, an unknown scope, a lifetime outside 1..API_TOKEN_MAX_DAYS,
    an organisation `user` is not one of the people of (site administrators may choose any).
    """
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name that says what it is for."), code="name")
    if scope not in ApiToken.Scope.values:
        raise ValidationError(_("Choose read or write."), code="scope")
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token lasts from 1 to %(n)d days.") % {"n": settings.API_TOKEN_MAX_DAYS}, code="days"
        )
    if organisation is not None and not (
        user.is_superuser or OrganisationPerson.objects.filter(user=user, organisation=organisation).exists()
    ):
        raise ValidationError(
            _("You are not one of %(organisation)s's people.") % {"organisation": organisation.name},
            code="organisation",
        )
    secret = TOKEN_START + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:PREFIX_LENGTH],
        key_hash=token_hash(secret),
        scope=scope,
        region=region,
        organisation=organisation,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit(
        user,
        "api_token.created",
        token,
        scope=scope,
        region=region.code if region else None,
        organisation=organisation.pk if organisation else None,
        expires_at=token.expires_at.isoformat(),
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> None:
    """The token stops working at once. Revoking a revoked token is refused."""
    if token.revoked_at is not None:
        raise ValidationError(_("This token was already revoked."), code="revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(by, "api_token.revoked", token)
