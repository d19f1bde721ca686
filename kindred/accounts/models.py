from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.core.mail import single_line


class EmailUserManager(UserManager):
    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


#: The address domain of an integration's account (a system's, not a person's: docs/api.md,
#: "Integrations"). Reserved (RFC 2606 `.invalid`): no mail reaches it and no identity provider
#: vouches for it; the sign-in backends refuse such an account outright (accounts/backends.py).
INTEGRATION_EMAIL_DOMAIN = "integrations.kindred.invalid"


class User(AbstractUser):
    """A person. Signs in with an email address; there is no separate username."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True, validators=[single_line])
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    # Deleting an account anonymises it (see accounts.services.account_delete): what the person
    # wrote stays, shown as by a former member.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    # The language the person chose with the language switch; empty: the browser's (Accept-Language).
    language = models.CharField(_("language"), max_length=8, blank=True, default="")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = EmailUserManager()

    def __str__(self) -> str:
        if self.deleted_at:
            return str(_("Former member"))
        return self.full_name or self.email

    @property
    def is_integration(self) -> bool:
        """An integration's account: holds roles and API tokens, never signs in to the pages."""
        return self.email.endswith("@" + INTEGRATION_EMAIL_DOMAIN)

    @property
    def admin_label(self) -> str:
        """How the admin's search-as-you-type lists a person: name and address, as names repeat."""
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    @property
    def mail_language(self) -> str:
        """The language the person's e-mails are written in: theirs, else the site's (never the
        language of whoever acted: the outbox and mail programs keep the words as written)."""
        return self.language or settings.LANGUAGE_CODE


class SchoolStaff(models.Model):
    """A person's role at a school."""

    class Role(models.TextChoices):
        LEADER = "leader", _("School leader")
        TEACHER = "teacher", _("Teacher")
        EXAMS_OFFICER = "exams_officer", _("Exams officer")
        ADMINISTRATOR = "administrator", _("School administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="school_roles")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="staff")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.TEACHER)

    class Meta:
        verbose_name_plural = "school staff"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"], name="schoolstaff_one_role_per_school"
            ),
        ]

    def __str__(self) -> str:
        return _("%(person)s — %(role)s at %(school)s") % {
            "person": self.user,
            "role": self.get_role_display(),
            "school": self.school.name,
        }


class RegionalRole(models.Model):
    """A system leader for a region, one local authority, or one whole country of the installation
    (several countries in one installation: a ministry's leader for Wales): sees every school there.
    Exactly one of the three is set. Leaders over every country are the site administrators."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="regional_roles")
    region = models.ForeignKey(
        "schools.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A country profile's code (kindred/countries/), one of the installation's: every school of it.
    country_code = models.CharField(_("country"), max_length=16, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=False, local_authority__isnull=True, country_code="")
                | models.Q(region__isnull=True, local_authority__isnull=False, country_code="")
                | (models.Q(region__isnull=True, local_authority__isnull=True) & ~models.Q(country_code="")),
                name="regionalrole_one_area",
            ),
        ]

    def __str__(self) -> str:
        return _("%(person)s — system leader for %(area)s") % {
            "person": self.user,
            "area": self.region or self.local_authority or self.country_name,
        }

    def clean(self) -> None:
        if self.country_code and self.country_code not in countries.codes():
            raise ValidationError(
                {
                    "country_code": _(
                        "The country %(code)s is not one of this installation's countries (%(codes)s)."
                    )
                    % {"code": self.country_code, "codes": ", ".join(countries.codes())}
                }
            )

    @property
    def country_name(self) -> str:
        """The role's country in the reader's language ("" for a region's or an authority's role)."""
        return countries.profile(self.country_code).country_name() if self.country_code else ""


class Invitation(models.Model):
    """A school administrator's single-use, expiring invitation for someone to join the school's staff.

    Only a hash of the token is stored; the token itself travels in the e-mailed link.
    """

    email = models.EmailField(_("e-mail address"))
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=16, choices=SchoolStaff.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_invitations"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("%(email)s → %(role)s at %(school)s") % {
            "email": self.email,
            "role": self.get_role_display(),
            "school": self.school.name,
        }

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and not self.is_expired


class JoinRequest(models.Model):
    """A person asking to join a school's staff; the school's administrator decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="join_requests")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="join_requests")
    role = models.CharField(
        _("role"), max_length=16, choices=SchoolStaff.Role.choices, default=SchoolStaff.Role.TEACHER
    )
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending_per_school",
            ),
        ]

    def __str__(self) -> str:
        return _("%(person)s asks to join %(school)s as %(role)s") % {
            "person": self.user,
            "school": self.school.name,
            "role": self.get_role_display(),
        }


class SignInDevice(models.Model):
    """A browser that has signed in to an account before (it holds a random key in a cookie).

    Sign-ins from such a browser skip the account's progressive delay and the IP address limit,
    so an attacker hammering someone's address cannot keep that person out (OWASP's "device
    cookies"). A device that itself fails LOGIN_FAILURE_LIMIT times in a row is no longer trusted.
    Only a hash of the key is stored.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sign_in_devices")
    key_hash = models.CharField(max_length=64)
    failures = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key_hash", "user"], name="signindevice_one_per_browser_and_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — browser since {self.created_at:%Y-%m-%d}"


class PendingWelcome(models.Model):
    """A person made by a bulk import who is still to get their welcome e-mail.

    `kindred import people` writes one row per account it creates (unless sign-in is through the
    identity provider); `kindred welcome` moves them into the e-mail outbox at the rate
    WELCOME_EMAILS_PER_HOUR allows, deleting each row in the same transaction, so a stopped run
    resumes where it stopped and nobody is welcomed twice.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"welcome due: {self.user_id}"


class ProviderIdentity(models.Model):
    """A person's account at the organisation's identity provider (OpenID Connect), linked to their
    Kindred account at their first sign-in through it (matched by verified e-mail address, or new).

    Later sign-ins find the account by the provider's stable subject identifier, so a person whose
    address changes at the provider keeps their account. See docs/accounts.md, "Signing in with
    the organisation's account".
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="provider_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "provider identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="provideridentity_one_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.subject} at {self.issuer}"


class Organisation(models.Model):
    """A partner beyond schools (issue 23, item 4): a university, a museum, a community group, a local
    authority, a company. Its people are invited into networks with a role (partner, expert,
    facilitator); they never see evidence on schools unless a school shares it (accounts/access.py)."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University or college")
        MUSEUM = "museum", _("Museum, library or gallery")
        COMMUNITY = "community", _("Community group or charity")
        AUTHORITY = "authority", _("Local authority")
        COMPANY = "company", _("Company")
        #: An exam board (an awarding body) whose school communities advise it through advisory
        #: councils (issue 23, item 6; kindred/voice).
        EXAM_BOARD = "exam_board", _("Exam board or awarding body")
        OTHER = "other", _("Other organisation")

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    description = models.TextField(_("what it offers"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # Where it is, as a school is placed: the country's name as the registry writes it, and its region.
    country = models.CharField(_("country"), max_length=100, blank=True)
    region = models.ForeignKey(
        "schools.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        verbose_name=_("region"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="organisation_name_idx")]

    def __str__(self) -> str:
        return self.name


class OrganisationPerson(models.Model):
    """A person's role at an organisation (as `SchoolStaff` is at a school)."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", _("Organisation administrator")
        MEMBER = "member", _("Member of the organisation")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_roles")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name_plural = "organisation people"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="organisationperson_once_per_org"),
        ]

    def __str__(self) -> str:
        return _("%(person)s — %(role)s at %(organisation)s") % {
            "person": self.user,
            "role": self.get_role_display(),
            "organisation": self.organisation.name,
        }
