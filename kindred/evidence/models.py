"""Stored results of the evidence engine. Pages read these; only a recompute writes them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindred.schools.models import MeasureDefinition, School


class FamilyMember(models.Model):
    """One of a school's most similar schools by context, with its rank and distance."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="family_members")
    member = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    distance = models.FloatField()

    class Meta:
        ordering = ["school", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["school", "rank"], name="familymember_one_per_rank"),
            models.CheckConstraint(condition=~Q(school=models.F("member")), name="familymember_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} #{self.rank}: {self.member_id}"


class Flag(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    NEED = "need", _("Need")
    NONE = "", _("As expected")


class Performance(models.Model):
    """A school's relative performance on one measure: in one year, or pooled over the years (year empty)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="performance")
    measure = models.ForeignKey(MeasureDefinition, on_delete=models.CASCADE, related_name="+")
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
    flag = models.CharField(max_length=8, choices=Flag.choices, default=Flag.NONE, blank=True)

    class Meta:
        ordering = ["measure__code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "measure", "year"],
                condition=Q(year__isnull=False),
                name="performance_one_per_year",
            ),
            models.UniqueConstraint(
                fields=["school", "measure"], condition=Q(year__isnull=True), name="performance_one_pooled"
            ),
            models.CheckConstraint(
                condition=Q(lower__lte=models.F("upper")), name="performance_interval_ordered"
            ),
        ]
        indexes = [models.Index(fields=["measure", "year", "flag"], name="performance_flag_idx")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.measure_id} {self.year or 'pooled'}"


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
    reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "support categories"
        indexes = [models.Index(fields=["category"], name="supportcategory_category_idx")]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.category} ({self.source})"
