"""Offers of expertise and requests for support between schools, and the matches between them.

A partner organisation (a university, a museum: issue 23, item 4) offers expertise too: its offers
are listed beside the schools' and on its page, and taken up by inviting one of its people into a
network; the ranked suggestions and matches stay between schools (they rest on the schools'
evidence and end in a partnership of two schools or a school's event)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.schools.models import School


class Offer(models.Model):
    class Format(models.TextChoices):
        VISIT = "visit", _("Visit")
        TRAINING = "training", _("Training")
        MENTORING = "mentoring", _("Mentoring")
        RESOURCES = "resources", _("Resources")
        NEW_SCHOOL = "new_school", _("Mentoring a new school")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    # Whose offer: a school's or a partner organisation's (exactly one, constraint below).
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="offers")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="offers",
        verbose_name=_("organisation"),
    )
    domain = models.CharField(_("domain"), max_length=64)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    capacity = models.PositiveSmallIntegerField(_("how many schools at once"), default=1)
    description = models.TextField(_("what is offered"), blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["domain", "status"], name="offer_domain_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, organisation__isnull=True)
                | Q(school__isnull=True, organisation__isnull=False),
                name="offer_of_a_school_or_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offered_by}: {self.get_format_display()} ({self.domain})"

    @property
    def offered_by(self) -> str:
        """The offering school's or organisation's name."""
        return self.school.name if self.school_id else self.organisation.name


class SupportRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MATCHED = "matched", _("Matched")
        CLOSED = "closed", _("Closed")

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="support_requests")
    domain = models.CharField(_("domain"), max_length=64)
    needs = models.TextField(_("what is needed"))
    by_date = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.school.name} asks for support in {self.domain}"

    def get_absolute_url(self) -> str:
        return reverse("offers:request_detail", args=[self.pk])


class Match(models.Model):
    """A proposed pairing of a request with an offer; both schools agree before it becomes a
    partnership (a two-school network) or an event."""

    class Outcome(models.TextChoices):
        PARTNERSHIP = "partnership", _("A partnership")
        EVENT = "event", _("An event")

    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="matches")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches")
    outcome = models.CharField(
        _("becomes"), max_length=16, choices=Outcome.choices, default=Outcome.PARTNERSHIP
    )
    cost = models.FloatField()
    reasons = models.JSONField(default=dict)
    requester_agreed_at = models.DateTimeField(null=True, blank=True)
    offerer_agreed_at = models.DateTimeField(null=True, blank=True)
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cost"]
        constraints = [models.UniqueConstraint(fields=["request", "offer"], name="match_once_per_pair")]

    def __str__(self) -> str:
        return f"{self.request} ← {self.offer}"

    @property
    def agreed(self) -> bool:
        return bool(self.requester_agreed_at and self.offerer_agreed_at)
