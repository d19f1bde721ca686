"""API tokens: a person's keys for the HTTP API (docs/api.md, "Tokens").

Only the SHA-256 hash of a token is stored (a token is 256 random bits, so a fast hash is enough:
nobody can guess one to test against the hash); its first characters (`prefix`) are kept in clear so
that the person can tell their tokens apart. A token acts as its person, never more: what it may
read is what the person may read through the permission layer, narrowed by its scope, its region
and its organisation (api/scope.py).

An integration (a ministry's nightly sync, a school's management information system) is a named
system with its own account, not a person's: it holds roles like a person and its tokens belong to
that account, so they keep working when the official who made them leaves (docs/api.md,
"Integrations").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.schools.models import Region


class Integration(models.Model):
    """A named system that calls the API with its own account (a service account).

    The account (`account`, an `accounts.User` whose address is in `INTEGRATION_EMAIL_DOMAIN`, with
    no usable password) holds the integration's roles, granted as a person's are, and its tokens;
    it can never sign in to the pages (accounts/backends.py). Made and deactivated by site
    administrators (api/services.py), each step audited.
    """

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("The system, such as “Ministry MIS nightly sync”."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("What it does and who looks after it.")
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None


class ApiTokenQuerySet(models.QuerySet):
    def live(self) -> "ApiTokenQuerySet":
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(
        max_length=16, help_text=_("The token's first characters, shown to tell it apart.")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices, default=Scope.READ)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Only this region's schools, networks and events (empty: everything the person may see)."
        ),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Only what this partner organisation takes part in: its networks, their events, boards, "
            "plans and library, and their member schools (empty: everything the person may see)."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # The rate limit's fixed window (api/tokens.py): when it started and the requests counted in it.
    window_started_at = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="apitoken_expires_after_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class Deletion(models.Model):
    """A tombstone: a row the API lists was deleted, and when (docs/api.md, "How a sync learns of
    removals"). Written for every deletion of the synced kinds, whoever deletes (the admin, a
    cascade from a deleted school or network, a service), by api/tombstones.py's post_delete
    receivers; read by `GET /api/v1/deleted`. It keeps ids only, never a name or a title: the row's
    own id, and the ids a sync keys its copy by (a school's registry id, a network's id, a measure's
    code and year), with the region and network it was in, to narrow tokens as the lists do.
    Plain integers, not foreign keys: what they pointed to may be gone too."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("School")
        MEASURE_VALUE = "measure_value", _("Measure value")
        NETWORK = "network", _("Network")
        MEMBERSHIP = "membership", _("Membership")
        NETWORK_ROLE = "network_role", _("Network role")
        EVENT = "event", _("Event")
        REGISTRATION = "registration", _("Registration")
        RESOURCE = "resource", _("Library resource")
        PLAN = "plan", _("Development plan")
        CONSULTATION = "consultation", _("Consultation")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    registry_id = models.CharField(max_length=32, blank=True)
    network_id = models.BigIntegerField(null=True, blank=True)
    region_id = models.BigIntegerField(null=True, blank=True)
    measure = models.CharField(max_length=64, blank=True)
    year = models.IntegerField(null=True, blank=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["deleted_at"], name="deletion_deleted_at_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.registry_id or self.object_id} deleted {self.deleted_at:%Y-%m-%d %H:%M}"
