"""Writes of the API app: making and revoking tokens, making and deactivating integrations
(docs/api.md, "Tokens" and "Integrations")."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.access import is_site_admin
from kindred.accounts.models import INTEGRATION_EMAIL_DOMAIN, Organisation, OrganisationPerson, User
from kindred.api.access import may_manage_integrations
from kindred.api.models import ApiToken, Integration
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
    by: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user` and its secret, which is returned here once and never stored.

    `user` is the token's own account: a person making their own token (`by` left out), or an
    integration's account, whose token a site administrator makes (`by`, who is audited).
    Refused, with nothing written: no name, an unknown scope, a lifetime outside 1..API_TOKEN_MAX_DAYS,
    an organisation `user` is not one of the people of (site administrators may choose any), an
    integration's token made by someone who may not manage integrations or for a deactivated one.
    """
    by = by or user
    if user.is_integration and not (may_manage_integrations(by) and user.is_active):
        raise PermissionDenied("Only site administrators make an active integration's tokens.")
    if not user.is_integration and by != user:
        raise PermissionDenied("A person's tokens are made by that person.")
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
        is_site_admin(by) or OrganisationPerson.objects.filter(user=user, organisation=organisation).exists()
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
        by,
        "api_token.created",
        token,
        integration=user.integration.pk if user.is_integration else None,
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


@transaction.atomic
def integration_create(*, name: str, description: str = "", by: User) -> Integration:
    """A new integration and its account: named for it, no usable password, an address no mail
    reaches (accounts.models.INTEGRATION_EMAIL_DOMAIN), no roles yet (grant them as a person's).

    Only site administrators make one (`api/access.may_manage_integrations`); a name already taken
    is refused."""
    if not may_manage_integrations(by):
        raise PermissionDenied("Only site administrators make integrations.")
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the integration a name: the system it is."), code="name")
    if Integration.objects.filter(name__iexact=name).exists():
        raise ValidationError(_("An integration with this name exists already."), code="name")
    account = User.objects.create_user(
        email=f"integration-{secrets.token_hex(8)}@{INTEGRATION_EMAIL_DOMAIN}",
        password=None,
        full_name=name[:200],
        email_verified_at=None,
    )
    integration = Integration.objects.create(
        name=name[:100], description=description.strip(), account=account, created_by=by
    )
    audit(by, "integration.created", integration, account=account.pk)
    return integration


@transaction.atomic
def integration_deactivate(*, integration: Integration, by: User) -> int:
    """The integration stops: its account is closed and every live token of it revoked (their
    number is returned). Its roles and its audit trail stay, to be read."""
    if not may_manage_integrations(by):
        raise PermissionDenied("Only site administrators deactivate integrations.")
    if integration.deactivated_at is not None:
        raise ValidationError(_("This integration was already deactivated."), code="deactivated")
    now = timezone.now()
    integration.deactivated_at = now
    integration.save(update_fields=["deactivated_at"])
    User.objects.filter(pk=integration.account_id).update(is_active=False)
    revoked = ApiToken.objects.filter(user_id=integration.account_id, revoked_at__isnull=True).update(
        revoked_at=now
    )
    audit(by, "integration.deactivated", integration, tokens_revoked=revoked)
    return revoked
