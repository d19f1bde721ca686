"""Stored results of the evidence engine. Pages read these; only a recompute writes them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.schools.models import MeasureDefinition, School


class EvidenceRun(models.Model):
    """One recompute of families or of relative performance.

    A recompute writes its rows under a new run while pages keep reading the current one, then switches
    to it in one short transaction and drops the old run: pages never wait on a recompute and never see
    half of one.

    Evidence never mixes countries (docs/countries.md): a run holds one country's schools
    (`country_code`), and each country has its own current run of each kind.
    """

    class Kind(models.TextChoices):
        FAMILIES = "families", _("Families")
        PERFORMANCE = "performance", _("Relative performance")

    class Status(models.TextChoices):
        BUILDING = "building", _("Being written")
        CURRENT = "current", _("Current")
        RETIRED = "retired", _("Replaced")
        # Not published: it failed the installation's self-check or stored nothing. Its model rows stay
        # for the model page (which says why); the current run stays live.
        FAILED = "failed", _("Not published")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The country whose schools the run computed (kindred/countries/): families, relative performance and
    # categories are computed within each country separately.
    country_code = models.CharField(max_length=16, default=countries.default_code)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BUILDING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    checks = models.JSONField(
        default=dict, blank=True, help_text=_("The installation's self-check of this run (engine/checks.py).")
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "country_code"],
                condition=Q(status="current"),
                name="evidencerun_one_current_per_kind_and_country",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} run {self.pk} of {self.country_code} ({self.status})"


class CurrentRunManager(models.Manager):
    """Rows of the current run only: what every page reads. `all_runs` sees every run.

    The current runs are asked for as a list (`run_id IN (SELECT ...)`), not joined: a row's indexes
    start with its run, and a correlated subquery per school (the evidence dashboard's needs) then
    searches (run, school) in each country's current run. Joined, SQLite without statistics of the
    freshly written rows scanned the whole index once per school: 5.4 s for 950 schools.
    """

    def get_queryset(self) -> models.QuerySet:
        current = EvidenceRun.objects.filter(status=EvidenceRun.Status.CURRENT).values("pk")
        return super().get_queryset().filter(run__in=current)


class EveryRunManager(models.Manager):
    """Rows of every run: for the recompute's own writes and deletes."""


class FamilyMember(models.Model):
    """One of a school's most similar schools by context, with its rank and distance."""

    # No index of their own on run and school: the unique (run, school, rank) serves both, and each
    # index costs seconds when a recompute writes 760,000 rows and drops as many. None on member either:
    # no page asks in whose families a school is, and its entries went in and out in random order (of
    # a recompute's 8.4 s of CPU writing and dropping the rows under load, 6.3 s were that index's).
    run = models.ForeignKey(EvidenceRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="family_members", db_index=False
    )
    member = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+", db_index=False)
    rank = models.PositiveSmallIntegerField()
    distance = models.FloatField()

    objects = CurrentRunManager()
    all_runs = EveryRunManager()

    class Meta:
        ordering = ["school", "rank"]
        base_manager_name = "all_runs"
        constraints = [
            models.UniqueConstraint(fields=["run", "school", "rank"], name="familymember_one_per_rank"),
            models.CheckConstraint(condition=~Q(school=models.F("member")), name="familymember_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} #{self.rank}: {self.member_id}"


class FamilyGap(models.Model):
    """A school that got no family in a run, and why (shown on its page instead of a family)."""

    class Reason(models.TextChoices):
        NO_INTAKE = (
            "no_intake",
            _("No intake context was published for this school, so schools like it cannot be found."),
        )
        FEW_SCHOOLS = "few_schools", _("Too few other schools of its phase to compare it with.")

    run = models.ForeignKey(EvidenceRun, on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="family_gaps")
    reason = models.CharField(max_length=16, choices=Reason.choices)

    objects = CurrentRunManager()
    all_runs = EveryRunManager()

    class Meta:
        base_manager_name = "all_runs"
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="familygap_one_per_school")]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.reason}"


class Flag(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    NEED = "need", _("Need")
    NONE = "", _("As expected")


class Performance(models.Model):
    """A school's relative performance on one measure: in one year, or pooled over the years (year empty)."""

    # No index of their own on run, school and measure: the unique (run, school, measure, year) serves
    # lookups by run and by a school's rows, performance_pooled_flag_idx (measure, flag of the pooled
    # rows) those by measure; each index costs seconds when a recompute writes and drops 740,000 rows.
    run = models.ForeignKey(EvidenceRun, on_delete=models.CASCADE, related_name="+", db_index=False)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="performance", db_index=False)
    measure = models.ForeignKey(MeasureDefinition, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty: pooled over all years.")
    )
    value = models.FloatField()
    expected = models.FloatField()
    effect = models.FloatField(help_text=_("Value minus expected, before shrinkage."))
    estimate = models.FloatField(help_text=_("Shrunk estimate of the school's effect."))
    lower = models.FloatField()
    upper = models.FloatField()
    z = models.FloatField(help_text=_("Estimate in posterior standard deviations, positive = better."))
    cohort = models.PositiveIntegerField(null=True, blank=True)
    cohort_estimated = models.BooleanField(
        default=False, help_text=_("The file gave no cohort: it was approximated from the number of pupils.")
    )
    flag = models.CharField(max_length=8, choices=Flag.choices, default=Flag.NONE, blank=True)

    objects = CurrentRunManager()
    all_runs = EveryRunManager()

    class Meta:
        ordering = ["measure__code", "year"]
        base_manager_name = "all_runs"
        constraints = [
            # On every row, not only yearly ones, so that it is also the index for a school's rows
            # (run, school); pooled rows (year empty) are kept unique by the next one.
            models.UniqueConstraint(
                fields=["run", "school", "measure", "year"], name="performance_one_per_year"
            ),
            models.UniqueConstraint(
                fields=["run", "school", "measure"],
                condition=Q(year__isnull=True),
                name="performance_one_pooled",
            ),
            # no interval has width zero (engine/performance.py, step 6)
            models.CheckConstraint(
                condition=Q(lower__lt=models.F("upper")), name="performance_interval_has_width"
            ),
        ]
        # Pages ask for flags of pooled rows only (strengths and needs): an index of those alone is a
        # quarter of the size, and costs less to write than one of every row in another order.
        indexes = [
            models.Index(
                fields=["measure", "flag"], condition=Q(year__isnull=True), name="performance_pooled_flag_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.measure_id} {self.year or 'pooled'}"


class MeasureFit(models.Model):
    """How the model of one measure came out in one year (or pooled, year empty), for the model page."""

    class Status(models.TextChoices):
        ESTIMATED = "estimated", _("Estimated, with verdicts")
        WITHHELD = "withheld", _("Estimated, no verdicts")
        SKIPPED = "skipped", _("Not estimated")

    class Reason(models.TextChoices):
        """Why a measure-year has no estimate (skipped) or no verdicts (withheld); engine/performance.py."""

        NONE = "", ""
        NO_RESULTS = (
            "no_results",
            _("No usable result: every value suppressed, missing or outside its range."),
        )
        NO_COHORT = (
            "no_cohort",
            _(
                "No school has a cohort or a number of pupils on roll, so how much is luck cannot be worked out."
            ),
        )
        NO_CONTEXT = "no_context", _("No school with a result has any intake context to compare it by.")
        FEW_SCHOOLS = "few_schools", _("Too few schools with a result to estimate anything.")
        FLAT = "flat", _("Every school has the same value: there is nothing to estimate.")
        NOISE_UNKNOWN = (
            "noise_unknown",
            _(
                "One year, no declared pupil SD and no bound from the unit: how much is luck cannot be worked out."
            ),
        )
        NO_YEAR = "no_year", _("No year of this measure could be estimated.")
        NOISE_UNIDENTIFIED = (
            "noise_unidentified",
            _(
                "One year cannot tell luck from real differences between schools here: the pupil-level SD could be "
                "anywhere in the range shown. Estimates are shown with intervals wide enough for all of it, and no "
                "strengths or needs. Declare the pupil SD, or load a second year."
            ),
        )
        FEW_FOR_VERDICTS = (
            "few_for_verdicts",
            _(
                "Too few schools to check the expected value on schools it was not fitted on: estimates without verdicts."
            ),
        )

    run = models.ForeignKey(EvidenceRun, on_delete=models.CASCADE, related_name="fits")
    measure = models.ForeignKey(MeasureDefinition, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ESTIMATED)
    reason = models.CharField(max_length=24, choices=Reason.choices, default=Reason.NONE, blank=True)
    reason_figures = models.JSONField(default=dict, blank=True)
    schools = models.PositiveIntegerField(default=0)
    predictors = models.JSONField(default=list, blank=True)
    expected_model = models.CharField(max_length=40, blank=True)
    r2 = models.FloatField(null=True, blank=True, help_text=_("Out-of-sample R² of the expected value."))
    tau = models.FloatField(null=True, blank=True, help_text=_("Between-school SD at the median cohort."))
    tau_model = models.CharField(max_length=16, blank=True)
    tau_slope = models.FloatField(default=0.0)
    unit = models.CharField(max_length=16, blank=True)
    pupil_sd = models.FloatField(null=True, blank=True)
    pupil_sd_method = models.CharField(max_length=16, blank=True)
    pupil_sd_estimate = models.FloatField(
        null=True, blank=True, help_text=_("What was declared or estimated, before the unit's bound.")
    )
    pupil_sd_low = models.FloatField(
        null=True,
        blank=True,
        help_text=_("One year, nothing declared: the smallest pupil SD the year allows."),
    )
    pupil_sd_high = models.FloatField(
        null=True,
        blank=True,
        help_text=_("One year, nothing declared: the largest pupil SD the year allows."),
    )
    pupil_sd_bound = models.FloatField(
        null=True, blank=True, help_text=_("The largest pupil SD the unit and valid range allow.")
    )
    model_error = models.JSONField(
        default=dict, blank=True, help_text=_("The expected value's excess error by cohort band and phase.")
    )
    strengths = models.PositiveIntegerField(default=0)
    needs = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    no_context = models.PositiveIntegerField(default=0)
    cohort_estimated = models.PositiveIntegerField(default=0)
    spread_ratio = models.FloatField(
        null=True,
        blank=True,
        help_text=_("Self-check: variance of standardised residuals; about 1 when the noise model fits."),
    )

    objects = CurrentRunManager()
    all_runs = EveryRunManager()

    class Meta:
        ordering = ["measure__code", "year"]
        base_manager_name = "all_runs"

    def __str__(self) -> str:
        return f"{self.measure_id} {self.year or 'pooled'}"

    @property
    def flagged_share(self) -> float:
        return (self.strengths + self.needs) / self.schools if self.schools else 0.0

    @property
    def flagged_percent(self) -> float:
        return 100.0 * self.flagged_share

    @property
    def spread_ok(self) -> bool | None:
        """The self-check passes when standardised residuals spread as the model says (0.8 to 1.25)."""
        return None if self.spread_ratio is None else 0.8 <= self.spread_ratio <= 1.25

    @property
    def verdicts(self) -> bool:
        return self.status == self.Status.ESTIMATED


class SupportCategory(models.Model):
    """Where a school is in its improvement journey, green to red: imported, or derived by a rule."""

    class Category(models.TextChoices):
        GREEN = "green", _("Green")
        YELLOW = "yellow", _("Yellow")
        AMBER = "amber", _("Amber")
        RED = "red", _("Red")

    class Source(models.TextChoices):
        IMPORTED = "imported", _("Published by the authority")
        DERIVED = "derived", _("Derived by Kindred's rule")

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="support_category")
    category = models.CharField(max_length=8, choices=Category.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    # An imported category's reason, as the authority wrote it; a derived one keeps its counts
    # (needs, serious, strengths, measures) and `reason_text` words them in the reader's language.
    reason = models.CharField(max_length=300, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "support categories"
        indexes = [models.Index(fields=["category"], name="supportcategory_category_idx")]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.category} ({self.source})"

    @property
    def reason_text(self) -> str:
        """Why: the authority's words for an imported category; for a derived one, its counts in the
        active language."""
        try:
            return _(
                "%(needs)d reliable needs (%(serious)d well below), %(strengths)d strengths over %(measures)d measures"
            ) % {key: int(self.counts[key]) for key in ("needs", "serious", "strengths", "measures")}
        except (KeyError, TypeError, ValueError):
            return self.reason


class SelfCheck(models.Model):
    """One run of the planted-truth self-check (`kindred selfcheck`): the engine, configured as a live
    recompute, against an awkward generated country whose true effects are known (engine/selfcheck.py)."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    seconds = models.FloatField()
    schools = models.PositiveIntegerField()
    seed = models.PositiveIntegerField()
    years = models.JSONField(default=list)
    passed = models.BooleanField(help_text=_("Every target met: coverage, shrinkage, flags."))
    results = models.JSONField(default=dict, help_text=_("Coverage, RMSE, flags and pupil SDs found."))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"self-check {self.finished_at:%Y-%m-%d %H:%M} ({'passed' if self.passed else 'failed'})"
