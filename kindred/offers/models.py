"""Offers of expertise and requests for support between schools, and the matches between them."""

from django.conf import settings
from django.db import models
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

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="offers")
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

    def __str__(self) -> str:
        return f"{self.school.name}: {self.get_format_display()} ({self.domain})"


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
