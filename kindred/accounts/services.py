"""Writes for people and roles. Each action owns its transaction and its audit event."""

import hashlib
import re
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred import countries
from kindred.accounts.models import (
    Invitation,
    JoinRequest,
    Organisation,
    OrganisationPerson,
    ProviderIdentity,
    RegionalRole,
    SchoolStaff,
    SignInDevice,
    User,
)
from kindred.audit.models import AuditEvent
from kindred.audit.services import audit
from kindred.core.mail import messages_send, one_line, single_line
from kindred.schools.models import LocalAuthority, Region, School

EMAIL_VERIFICATION_SALT = "kindred.accounts.email-verification"

# Sent by account_delete, inside its transaction, before anything is changed: apps above this one
# (networks) end the person's roles there, or raise ValidationError to refuse (the last
# coordinator of a network must hand over first). Sent with send(), so a refusal propagates.
account_deleting = Signal()


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _send(*, to: str, subject: str, template: str, context: dict) -> None:
    """Send one e-mail; one refused (a school name with a line break from an old import, an address
    the server will not take) is logged and audited with the reason instead of failing the request.
    The caller chooses its language (`override`) around the subject and this call."""
    body = render_to_string(template, {"site_name": settings.SITE_NAME, **context})
    message = EmailMessage(f"[{settings.SITE_NAME}] {subject}", body, settings.DEFAULT_FROM_EMAIL, [to])
    for _key, reason in messages_send([(template, message)]):
        audit(None, "email.not_sent", None, template=template, reason=reason)


@transaction.atomic
def staff_role_add(
    *, school: School, user: User, role: SchoolStaff.Role | str, by: User | None
) -> SchoolStaff:
    """Give `user` a role at `school` (no change if they already have it)."""
    staff, created = SchoolStaff.objects.get_or_create(school=school, user=user, role=role)
    if created:
        audit(by, "staff.role_added", staff, user=user.pk, role=str(role))
    return staff


@transaction.atomic
def staff_role_remove(*, staff: SchoolStaff, by: User) -> None:
    school_admins = SchoolStaff.objects.filter(school=staff.school, role=SchoolStaff.Role.ADMINISTRATOR)
    if staff.role == SchoolStaff.Role.ADMINISTRATOR and school_admins.count() == 1 and not by.is_superuser:
        raise ValidationError(_("A school keeps at least one administrator; appoint another one first."))
    audit(by, "staff.role_removed", staff, user=staff.user_id, role=staff.role)
    staff.delete()


@transaction.atomic
def regional_role_add(
    *,
    user: User,
    region: Region | None = None,
    local_authority: LocalAuthority | None = None,
    country: str = "",
    by: User | None,
) -> RegionalRole:
    """Make `user` a system leader for a region, one local authority or one whole country of the
    installation (exactly one of them; a country by its profile code, one of countries.codes())."""
    if sum(bool(area) for area in (region, local_authority, country)) != 1:
        raise ValidationError(_("A system leader covers one region, one local authority or one country."))
    if country and country not in countries.codes():
        raise ValidationError(
            _("The country %(code)s is not one of this installation's countries (%(codes)s).")
            % {"code": country, "codes": ", ".join(countries.codes())}
        )
    role, created = RegionalRole.objects.get_or_create(
        user=user, region=region, local_authority=local_authority, country_code=country
    )
    if created:
        audit(by, "regional_role.added", role, user=user.pk)
    return role


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: Organisation.Kind | str,
    by: User | None,
    region: Region | None = None,
    country: str = "",
    description: str = "",
    website: str = "",
) -> Organisation:
    """A partner organisation (a university, a museum, a community group, an authority, a company)."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the organisation a name."))
    single_line(name)
    if kind not in Organisation.Kind.values:
        raise ValidationError(_("Unknown kind of organisation %(kind)s.") % {"kind": kind})
    organisation = Organisation.objects.create(
        name=name,
        kind=kind,
        region=region,
        country=country.strip() or (region.country if region is not None else ""),
        description=description.strip(),
        website=website.strip(),
    )
    audit(by, "organisation.created", organisation, kind=str(kind))
    return organisation


@transaction.atomic
def organisation_person_add(
    *,
    organisation: Organisation,
    user: User,
    role: OrganisationPerson.Role | str = OrganisationPerson.Role.MEMBER,
    by: User | None,
) -> OrganisationPerson:
    """Make `user` one of `organisation`'s people (no change if they already are; the role is updated)."""
    if role not in OrganisationPerson.Role.values:
        raise ValidationError(_("Unknown role %(role)s.") % {"role": role})
    if not user.is_active:
        raise ValidationError(_("%(person)s's account is not active.") % {"person": user})
    person, created = OrganisationPerson.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    if created:
        audit(by, "organisation.person_added", person, user=user.pk, role=str(role))
    elif person.role != role:
        person.role = role
        person.save(update_fields=["role"])
        audit(by, "organisation.person_role_changed", person, user=user.pk, role=str(role))
    return person


@transaction.atomic
def organisation_person_remove(*, person: OrganisationPerson, by: User | None) -> None:
    audit(by, "organisation.person_removed", person, user=person.user_id, organisation=person.organisation_id)
    person.delete()


@transaction.atomic
def invitation_create(
    *, school: School, email: str, role: SchoolStaff.Role | str, by: User, base_url: str
) -> tuple[Invitation, str]:
    """Invite `email` to the school's staff; e-mails a single-use link. Returns the invitation and its token."""
    email = User.objects.normalize_email(email).strip()
    if SchoolStaff.objects.filter(school=school, user__email__iexact=email, role=role).exists():
        raise ValidationError(_("%(email)s already has this role here.") % {"email": email})
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        school=school,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    audit(by, "invitation.created", invitation, email=email, role=str(role))
    link = base_url + reverse("invitation_accept", args=[token])
    # Written in the language of the person invited if they have an account; an address Kindred does
    # not know has no language yet, so the inviter's (a colleague at the same school) is the best guess.
    known = User.objects.filter(email__iexact=email).exclude(language="").values_list("language", flat=True)
    language = known.first() or get_language() or settings.LANGUAGE_CODE

    def mail() -> None:
        with override(language):
            _send(
                to=email,
                subject=_("You are invited to join %(school)s") % {"school": school.name},
                template="accounts/email/invitation.txt",
                context={"invitation": invitation, "link": link, "days": settings.INVITATION_DAYS},
            )

    transaction.on_commit(mail)
    return invitation, token


class InvitationInvalid(ValidationError):
    """The link is unknown (code "unknown"), expired ("expired") or already used ("used")."""


def invitation_check(invitation: Invitation | None) -> Invitation:
    if invitation is None:
        raise InvitationInvalid(
            _("This invitation link is not valid. Check that you copied all of it."), "unknown"
        )
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_("This invitation has already been used."), "used")
    if invitation.is_expired:
        raise InvitationInvalid(
            _("This invitation has expired. Ask the school's administrator for a new one."), "expired"
        )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> SchoolStaff:
    """`user` takes up the invitation: they get the role, and the link stops working."""
    invitation = invitation_check(Invitation.objects.select_for_update().filter(pk=invitation.pk).first())
    if user.email.lower() != invitation.email.lower():
        raise InvitationInvalid(
            _("This invitation is for %(email)s; sign in with that address to accept it.")
            % {"email": invitation.email},
            "other_user",
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if user.email_verified_at is None:
        # The invitation reached this address, which proves it is theirs.
        user.email_verified_at = invitation.accepted_at
        user.save(update_fields=["email_verified_at"])
    audit(user, "invitation.accepted", invitation)
    return staff_role_add(school=invitation.school, user=user, role=invitation.role, by=user)


@transaction.atomic
def account_create_from_invitation(*, invitation: Invitation, full_name: str, password: str) -> User:
    """A new person accepts an invitation: creates their account and gives them the role."""
    invitation_check(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("An account with this e-mail address exists; sign in to accept."))
    single_line(full_name)  # a name reaches the subject of other people's e-mails
    user = User.objects.create_user(email=invitation.email, password=password, full_name=full_name)
    audit(user, "user.created", user, via="invitation")
    invitation_accept(invitation=invitation, user=user)
    return user


@transaction.atomic
def join_request_create(
    *, user: User, school: School, role: SchoolStaff.Role | str, message: str
) -> JoinRequest:
    if SchoolStaff.objects.filter(user=user, school=school, role=role).exists():
        raise ValidationError(_("You already have this role at %(school)s.") % {"school": school.name})
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(user=user, school=school, role=role, message=message)
    except IntegrityError:
        raise ValidationError(
            _("You have already asked to join %(school)s; its administrator will decide.")
            % {"school": school.name}
        ) from None
    audit(user, "join_request.created", join_request, role=str(role))
    return join_request


@transaction.atomic
def join_request_decide(*, join_request: JoinRequest, approve: bool, by: User) -> JoinRequest:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    join_request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    join_request.decided_by = by
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    audit(by, "join_request.approved" if approve else "join_request.declined", join_request)
    if approve:
        staff_role_add(school=join_request.school, user=join_request.user, role=join_request.role, by=by)
    return join_request


PASSWORD_RESET_WINDOW = timedelta(hours=1)


@transaction.atomic
def password_reset_request(*, email: str, ip: str, send: Callable[[], None]) -> bool:
    """Someone asks for a password-reset e-mail for `email` from `ip`; `send` sends it (if the account exists).

    At most PASSWORD_RESET_LIMIT_PER_ADDRESS requests per address and PASSWORD_RESET_LIMIT_PER_IP
    per IP address are sent within an hour; past that nothing is sent. The page says the same
    either way, so it tells nobody whether the address has an account or was throttled.
    Returns whether the request was passed on.
    """
    email = email.strip().lower()
    recent = AuditEvent.objects.filter(
        action="user.password_reset_requested", at__gte=timezone.now() - PASSWORD_RESET_WINDOW
    )
    allowed = (
        recent.filter(details__email=email).count() < settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        and recent.filter(details__ip=ip).count() < settings.PASSWORD_RESET_LIMIT_PER_IP
    )
    if not allowed:
        audit(None, "user.password_reset_throttled", None, email=email, ip=ip)
        return False
    audit(None, "user.password_reset_requested", None, email=email, ip=ip)
    send()
    return True


def email_verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_VERIFICATION_SALT)


def email_verification_send(*, user: User, base_url: str) -> None:
    link = base_url + reverse("email_verify", args=[email_verification_token(user)])
    with override(user.language or get_language() or settings.LANGUAGE_CODE):
        _send(
            to=user.email,
            subject=_("Confirm your e-mail address"),
            template="accounts/email/verify_email.txt",
            context={"user": user, "link": link, "days": settings.EMAIL_VERIFICATION_DAYS},
        )


@transaction.atomic
def email_verify(*, user: User, token: str) -> None:
    """Mark the address verified if `token` was issued for this user and address and is still fresh."""
    try:
        data = signing.loads(
            token, salt=EMAIL_VERIFICATION_SALT, max_age=timedelta(days=settings.EMAIL_VERIFICATION_DAYS)
        )
    except signing.SignatureExpired:
        raise ValidationError(_("This confirmation link has expired; ask for a new one.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None
    if data.get("user") != user.pk or data.get("email") != user.email:
        raise ValidationError(_("This confirmation link is for another account or address."))
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        audit(user, "user.email_verified", user)


@transaction.atomic
def two_factor_enable(*, user: User, key: str, token: str) -> TOTPDevice:
    """Store a TOTP device with the secret `key` the person's app was given, once the app's first
    code is right. Nothing is stored before: the set-up page keeps the secret in the session."""
    device = TOTPDevice(user=user, name="authenticator app", key=key, confirmed=True)
    checker = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    checker.time = time.time()
    if not (token.isdigit() and checker.verify(int(token), device.tolerance)):
        raise ValidationError(
            _("That code is not right. Check the time on your phone and try the newest code.")
        )
    device.last_t = checker.t()
    device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit(user, "user.two_factor_enabled", user)
    return device


@transaction.atomic
def two_factor_disable(*, user: User, by: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    audit(by, "user.two_factor_disabled", user)


def schools_left_without_administrator(user: User) -> list[School]:
    """The schools where `user` is the only administrator: deleting them would orphan these."""
    administered = SchoolStaff.objects.filter(user=user, role=SchoolStaff.Role.ADMINISTRATOR)
    return list(
        School.objects.filter(pk__in=administered.values("school"))
        .annotate(administrators=Count("staff", filter=Q(staff__role=SchoolStaff.Role.ADMINISTRATOR)))
        .filter(administrators=1)
        .order_by("name")
    )


def _replace_text(value: Any, replacements: list[tuple[re.Pattern, str]]) -> Any:
    if isinstance(value, str):
        for pattern, replacement in replacements:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_replace_text(item, replacements) for item in value]
    if isinstance(value, dict):
        return {key: _replace_text(item, replacements) for key, item in value.items() if key != "ip"}
    return value


def _audit_pseudonymise(*, user: User, email: str, full_name: str, pseudonym_email: str) -> int:
    """Replace the person's name and address in the audit events about them, and drop their IP addresses.

    The events stay (the log must still say what happened), pointing at the anonymised user row.
    Events *about* the person: they acted, they were the object, a role of theirs changed, or
    their address was named (invitations, failed sign-ins, reset requests).
    """
    about = (
        Q(actor=user)
        | Q(object_type=User._meta.label_lower, object_id=str(user.pk))
        | Q(details__user=user.pk)
        | Q(details__email__iexact=email)
        | Q(object_label__icontains=email)
    )
    replacements = [(re.compile(re.escape(email), re.IGNORECASE), pseudonym_email)]
    if full_name:
        replacements.append((re.compile(re.escape(full_name)), str(_("Former member"))))
    changed = []
    for event in AuditEvent.objects.filter(about).only("object_label", "details"):
        event.object_label = _replace_text(event.object_label, replacements)[:300]
        event.details = _replace_text(event.details, replacements)
        changed.append(event)
    AuditEvent.objects.bulk_update(changed, ["object_label", "details"], batch_size=500)
    return len(changed)


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a person's account by anonymising it.

    Refused while the person is the only administrator of a school: they hand over first.
    Their roles, requests, devices and sessions go; the user row stays, without name or
    address, so what they wrote (and the audit log) still points somewhere: it is shown as
    written by a former member. Their name and address are replaced in the audit events about
    them, invitations they accepted keep no address, and their sign-in records (django-axes) go.
    See docs/privacy.md.
    """
    orphaned = schools_left_without_administrator(user)
    if orphaned:
        raise ValidationError(
            _(
                "You are the only administrator of %(schools)s. Make someone else an administrator "
                "there (invite them from the school's staff page) before you delete your account."
            )
            % {"schools": ", ".join(school.name for school in orphaned)},
            code="last_administrator",
        )
    # Other apps refuse here too (a network's last coordinator hands over first).
    account_deleting.send(sender=User, user=user)
    email, full_name = user.email, user.full_name
    pseudonym_email = f"former-member-{user.pk}@deleted.invalid"
    audit(user, "user.deleted", user)
    SchoolStaff.objects.filter(user=user).delete()
    RegionalRole.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    SignInDevice.objects.filter(user=user).delete()
    ProviderIdentity.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).delete()
    Invitation.objects.filter(Q(email__iexact=email) | Q(accepted_by=user)).update(email=pseudonym_email)
    AccessAttempt.objects.filter(username__iexact=email).delete()
    AccessLog.objects.filter(username__iexact=email).delete()
    AccessFailureLog.objects.filter(username__iexact=email).delete()
    user.email = pseudonym_email
    user.full_name = ""
    user.first_name = user.last_name = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.email_verified_at = None
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _audit_pseudonymise(user=user, email=email, full_name=full_name, pseudonym_email=pseudonym_email)


@transaction.atomic
def language_set(*, user: User, language: str) -> User:
    """Remember the language `user` chose; "" forgets it (the browser's language is used again)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Kindred does not speak %(language)s yet.") % {"language": language})
    if user.language != language:
        before = user.language
        user.language = language
        user.save(update_fields=["language"])
        audit(user, "account.language_set", user, before=before, after=language)
    return user


def _claimed_true(value: Any) -> bool:
    # Some providers send booleans as strings ("true").
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _check_may_sign_in(user: User) -> None:
    if user.deleted_at is not None or not user.is_active or user.is_integration:
        raise ValidationError(
            _("This Kindred account is closed. Ask your site's administrator if you need it again."),
            code="account_closed",
        )


@transaction.atomic
def account_for_identity(*, issuer: str, claims: dict[str, Any]) -> User:
    """The account of someone the identity provider signed in (its ID token's checked claims).

    Found by the provider's subject identifier when they signed in this way before; else by their
    e-mail address, which the provider must say it verified (`OIDC_REQUIRE_EMAIL_VERIFIED`); else a
    new account is made (`OIDC_CREATE_ACCOUNTS`), with no role: roles are granted inside Kindred.
    Refused, changing nothing: no subject or address, an unverified address, a closed account, an
    account already linked to another person at the same provider.
    """
    subject = str(claims.get("sub") or "")
    if not subject or len(subject) > 255:
        raise ValidationError(
            _("Your organisation's sign-in service did not say who you are."), code="no_subject"
        )
    link = ProviderIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is not None:
        _check_may_sign_in(link.user)
        ProviderIdentity.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
        return link.user
    email = User.objects.normalize_email(str(claims.get("email") or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            _(
                "Your organisation's sign-in service gave no usable e-mail address for you, so Kindred "
                "cannot tell which account is yours. Ask your organisation to share your address."
            ),
            code="no_email",
        ) from None
    if settings.OIDC_REQUIRE_EMAIL_VERIFIED and not _claimed_true(claims.get("email_verified")):
        raise ValidationError(
            _(
                "Your organisation's sign-in service has not verified your address %(email)s, so "
                "Kindred cannot match it to an account. Ask your organisation to verify it."
            )
            % {"email": email},
            code="email_unverified",
        )
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        if not settings.OIDC_CREATE_ACCOUNTS:
            raise ValidationError(
                _(
                    "There is no Kindred account for %(email)s. Ask your school's administrator to "
                    "invite you, then sign in again."
                )
                % {"email": email},
                code="no_account",
            )
        # the provider's name reaches e-mail subjects (a mention): one line, like every name
        full_name = one_line(str(claims.get("name") or ""))[:200]
        user = User.objects.create_user(
            email=email, password=None, full_name=full_name, email_verified_at=timezone.now()
        )
        audit(user, "user.created", user, via="identity_provider")
    else:
        _check_may_sign_in(user)
        if ProviderIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise ValidationError(
                _(
                    "The Kindred account for %(email)s belongs to another account of your organisation. "
                    "Ask your site's administrator."
                )
                % {"email": email},
                code="linked_elsewhere",
            )
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit(user, "user.email_verified", user, via="identity_provider")
    ProviderIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    audit(user, "user.identity_linked", user, issuer=issuer)
    return user


def identity_sign_in_refused(*, email: str, reason: str, ip: str) -> None:
    """Record a sign-in through the identity provider that was refused (see account_for_identity)."""
    audit(None, "user.sign_in_failed", None, email=email, ip=ip, via="identity_provider", reason=reason)
