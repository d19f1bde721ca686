"""Programmes (networks grouped for evaluation) and stored outcome effects, per network and programme;
a network's pre/post surveys and the support letters of its evidence pack."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.engine.impact import PRE_TREND_ALPHA
from kindred.networks.models import Network
from kindred.schools.models import MeasureDefinition, Region


class StoredEffect(models.Model):
    """The effect of taking part on one measure (engine/impact.py), as the last recompute computed it."""

    class Outcome(models.TextChoices):
        ESTIMATED = "estimated", _("estimated")
        TOO_FEW = "too-few-schools", _("too few schools to tell")

    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    effect = models.FloatField(null=True)
    lower = models.FloatField(null=True)
    upper = models.FloatField(null=True)
    se = models.FloatField(null=True)
    #: schools with a result after joining, and the most controls any year was compared with.
    schools = models.PositiveIntegerField()
    controls = models.PositiveIntegerField()
    pre_trend_p = models.FloatField(null=True)
    pre_trend_years = models.PositiveSmallIntegerField(default=0)
    #: [{"e": years since joining, "effect", "lower", "upper", "schools"}, ...], e = -1 left out.
    event_study = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True
        ordering = ["measure__name"]

    @property
    def pre_trend_failed(self) -> bool:
        return self.pre_trend_p is not None and self.pre_trend_p < PRE_TREND_ALPHA


class NetworkEffect(StoredEffect):
    """The effect of taking part on a network's schools on one measure."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="effects")
    measure = models.ForeignKey(MeasureDefinition, on_delete=models.CASCADE, related_name="network_effects")

    class Meta(StoredEffect.Meta):
        constraints = [
            models.UniqueConstraint(fields=["network", "measure"], name="impact_one_effect_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.network} · {self.measure}"


class Programme(models.Model):
    """Networks and partnerships grouped for evaluation: a brokering round, a formation run, a funder's scheme.

    A programme belongs to a region; its system leaders create it, change it and add networks to it
    (impact/access.py). Its participation, costs, effect and value for money are read from its networks.
    """

    class Kind(models.TextChoices):
        BROKERING = "brokering", _("A brokering round")
        FORMATION = "formation", _("A formation run")
        SCHEME = "scheme", _("A funder's scheme")
        OTHER = "other", _("Another programme")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SCHEME)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="programmes", verbose_name=_("area")
    )
    funder = models.CharField(_("funded by"), max_length=200, blank=True)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    networks = models.ManyToManyField(Network, related_name="programmes", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="programme_one_name_per_region",
                violation_error_message=_("This area already has a programme of that name."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="programme_starts_before_it_ends",
                violation_error_message=_("A programme cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("impact:programme", args=[self.pk])


class ProgrammeEffect(StoredEffect):
    """The effect of taking part on the schools of a programme's networks (all of them, as one unit)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="effects")
    measure = models.ForeignKey(MeasureDefinition, on_delete=models.CASCADE, related_name="programme_effects")

    class Meta(StoredEffect.Meta):
        constraints = [
            models.UniqueConstraint(fields=["programme", "measure"], name="programme_one_effect_per_measure")
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.measure}"


class Cost(models.Model):
    """Money spent (entered by a programme's leaders): on the programme itself, on one of its networks, or on
    one of their events. Staff time is not entered: it is counted from attendance (impact/costs.py)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="costs")
    network = models.ForeignKey(
        Network,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="costs",
        verbose_name=_("network"),
    )
    event = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="costs",
        verbose_name=_("event"),
    )
    description = models.CharField(_("what it paid for"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    spent_on = models.DateField(_("spent on"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["spent_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_amount_positive"),
            models.CheckConstraint(
                condition=Q(event__isnull=True) | Q(network__isnull=False),
                name="cost_event_within_its_network",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.amount})"


class Survey(models.Model):
    """A short questionnaire asked of a network's (or a programme's) staff before its work (pre) and
    again after it (post).

    Each round is a consultation that every member of staff of the asked schools answers once
    (kindred/voice, `answered_by` "person"): of the network's member schools, or of the member schools
    of all the programme's networks (audience "networks"); the post round asks the pre round's
    questions again, so each Likert statement's change can be estimated (engine/survey.py,
    impact/selectors.py)."""

    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    pre = models.OneToOneField(
        "voice.Consultation", on_delete=models.PROTECT, related_name="survey_as_pre", verbose_name=_("before")
    )
    post = models.OneToOneField(
        "voice.Consultation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="survey_as_post",
        verbose_name=_("after"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(network__isnull=False, programme__isnull=True)
                | Q(network__isnull=True, programme__isnull=False),
                name="survey_of_a_network_or_a_programme",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SupportLetter(models.Model):
    """A letter of support for a network's application (from its local authority or a partner), kept
    for its evidence pack: uploaded with the library's checks (library/checks.py), served as a download."""

    class From(models.TextChoices):
        AUTHORITY = "authority", _("The local authority")
        PARTNER = "partner", _("A partner")
        OTHER = "other", _("Someone else")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="support_letters")
    writer = models.CharField(_("from"), max_length=200)
    writer_kind = models.CharField(_("who they are"), max_length=16, choices=From.choices)
    dated = models.DateField(_("dated"))
    file = models.FileField(upload_to="impact/letters/%Y/%m/")
    filename = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-dated", "-pk"]

    def __str__(self) -> str:
        return f"{self.writer} ({self.dated})"
