"""A network's shared development plan: priorities chosen from its strengths and needs, each with
actions owned by member schools, success measures, progress updates and a history of every change."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred.core.changes import ChangeTracked


class DevelopmentPlan(ChangeTracked):
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year starting"))
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "year", "title"], name="plan_unique_title_per_network_year"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])


class Priority(models.Model):
    class Source(models.TextChoices):
        SELF_EVALUATION = "self", _("Self-evaluation")
        MEASURES = "measures", _("Measures")
        NETWORK = "network", _("The network's own choice")

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(_("priority"), max_length=200)
    domain = models.CharField(_("domain"), max_length=64, blank=True)
    source = models.CharField(_("chosen from"), max_length=8, choices=Source.choices, default=Source.NETWORK)
    rationale = models.TextField(_("why"), blank=True, max_length=5000)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        DONE = "done", _("Done")

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner_school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="plan_actions")
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    resources = models.CharField(_("resources"), max_length=500, blank=True)
    success_measure = models.ForeignKey(
        "schools.MeasureDefinition", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    success_standard = models.ForeignKey(
        "frameworks.Standard", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    success_target = models.CharField(_("what success looks like"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)

    class Meta:
        ordering = ["priority", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(starts_on__lte=models.F("due_on")),
                name="action_starts_before_due",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=Action.Status.choices)
    note = models.TextField(_("what happened"), max_length=5000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.note[:60]}"


class PlanChange(models.Model):
    """The plan's history: one row per change, never edited or deleted."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.what
