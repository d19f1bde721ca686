from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.core.changes import ChangeTracked, ChangeTrackedQuerySet
from kindred.core.choices import ChoiceLabels
from kindred.engine.units import PERCENT_UNITS, sd_bound
from kindred.schools.folding import school_search_key


class Region(models.Model):
    """A region of a country (England's nine regions, a Welsh consortium, a province)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100, blank=True)
    # The country profile (kindred/countries/) the region sits in: its authorities and schools too.
    country_code = models.CharField(
        _("country profile"), max_length=16, default=countries.default_code, db_index=True
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def country_profile(self) -> countries.Profile:
        return countries.of(self.country_code)


class LocalAuthority(models.Model):
    """A local authority or district: the unit most system leaders answer for."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="authorities"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class SchoolQuerySet(ChangeTrackedQuerySet):
    """bulk_create and bulk_update keep each school's search key, as save() does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for school in objs:
            school.search_key = school_search_key(school.name, school.town)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if {"name", "town"} & set(fields):
            for school in objs:
                school.search_key = school_search_key(school.name, school.town)
            fields = [*fields, "search_key"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class School(ChoiceLabels, ChangeTracked):
    class Phase(models.TextChoices):
        NURSERY = "nursery", _("Nursery")
        PRIMARY = "primary", _("Primary")
        MIDDLE = "middle", _("Middle")
        SECONDARY = "secondary", _("Secondary")
        ALL_THROUGH = "all_through", _("All-through")
        POST16 = "post16", _("Sixth form / post-16")
        SPECIAL = "special", _("Special")
        ALTERNATIVE = "alternative", _("Alternative provision")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        OPENING = "opening", _("Proposed to open")
        CLOSING = "closing", _("Open, proposed to close")

    class UrbanRural(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")
        UNKNOWN = "", _("Unknown")

    registry_id = models.CharField(
        _("registry id"), max_length=32, unique=True, help_text=_("The national id (URN in England).")
    )
    name = models.CharField(_("name"), max_length=200)
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.OTHER)
    school_type = models.CharField(_("type"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools"
    )
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools"
    )
    country = models.CharField(_("country"), max_length=100, blank=True)
    # The country profile (kindred/countries/) the school belongs to: its words, measures, bounds, time
    # zone and school year, and the country its evidence is computed within. The installation's default
    # country (COUNTRY) unless an import or the generator names another.
    country_code = models.CharField(
        _("country profile"), max_length=16, default=countries.default_code, db_index=True
    )
    town = models.CharField(_("town"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    urban_rural = models.CharField(
        _("urban/rural"), max_length=8, choices=UrbanRural.choices, default=UrbanRural.UNKNOWN, blank=True
    )
    pupils = models.PositiveIntegerField(_("number of pupils"), null=True, blank=True)
    # Name and town folded for search (schools/folding.py): Arabic letter forms and diacritics,
    # Welsh circumflexes. Written by save(), the importer and the generator.
    search_key = models.CharField(max_length=400, blank=True, default="", editable=False)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="school_name_idx"),
            models.Index(fields=["town"], name="school_town_idx"),
            models.Index(fields=["phase", "status"], name="school_phase_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="school_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="school_longitude_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.registry_id})"

    def save(self, *args, **kwargs):
        self.search_key = school_search_key(self.name, self.town)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "town"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("school_detail", args=[self.registry_id])

    @property
    def phase_label(self) -> str:
        """The phase in the country's own words (Egypt's "Preparatory" for middle), in the active language."""
        return self.country_profile.phase_label(self.phase, str(self.get_phase_display()))

    @property
    def school_type_label(self) -> str:
        return self.country_profile.school_type_label(self.school_type)

    @property
    def country_profile(self) -> countries.Profile:
        """The school's own country's profile (several countries may share an installation)."""
        return countries.of(self.country_code)


class SchoolLink(models.Model):
    """One school taking over from another: a closure with a successor, a merger, a conversion."""

    class Kind(models.TextChoices):
        SUCCESSOR = "successor", _("succession")
        MERGER = "merger", _("merger")
        CONVERSION = "conversion", _("conversion, with a new id")
        SPLIT = "split", _("split")

    predecessor = models.ForeignKey(School, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(School, on_delete=models.CASCADE, related_name="predecessor_links")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SUCCESSOR)
    on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="schoollink_unique_pair"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="schoollink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class PendingLink(models.Model):
    """A row of a links file naming a school not (yet) in the registry, kept until both schools are
    there: importing the missing school (a schools file) or the links file again resolves it into a
    SchoolLink (kindred/schools/importing/links.py, `pending_links_resolve`)."""

    school = models.CharField(max_length=32, help_text=_("The registry id of the row's school (URN)."))
    linked = models.CharField(max_length=32, help_text=_("The registry id of the linked school (LinkURN)."))
    link_type = models.CharField(max_length=100, help_text=_("The link type as the file gives it."))
    on = models.DateField(null=True, blank=True)
    file = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "linked", "link_type"], name="pendinglink_unique_row")
        ]
        indexes = [models.Index(fields=["linked"], name="pendinglink_linked")]

    def __str__(self) -> str:
        return f"{self.school} – {self.link_type} – {self.linked}"


class MeasureDefinition(models.Model):
    """What a measure is: its code, unit, domain, direction and kind."""

    class Kind(models.TextChoices):
        CONTEXT = "context", _("Context")
        OUTCOME = "outcome", _("Outcome")
        SELF_EVALUATION = "self_evaluation", _("Self-evaluation")

    class Unit(models.TextChoices):
        # A share of pupils (each in or out) brings its own noise, p (100 - p) / n (engine/units.py);
        # any other percentage (sessions missed) is a rate, bounded by 0 and 100.
        PERCENT_OF_PUPILS = "percent_pupils", _("Per cent of pupils")
        PERCENT = "percent", _("Per cent")
        SCORE = "score", _("Score")
        COUNT = "count", _("Count")
        RATING = "rating", _("Rating")

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=16, choices=Unit.choices, default=Unit.SCORE)
    domain = models.CharField(max_length=64, help_text=_("For example: reading, maths, attendance, intake."))
    higher_is_better = models.BooleanField(null=True, blank=True, help_text=_("Empty for context measures."))
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)
    valid_min = models.FloatField(
        null=True, blank=True, help_text=_("Smallest value that can be right; smaller values are refused.")
    )
    valid_max = models.FloatField(
        null=True, blank=True, help_text=_("Largest value that can be right; larger values are refused.")
    )
    pupil_sd = models.FloatField(
        null=True,
        blank=True,
        help_text=_(
            "Pupil-level standard deviation, when the publisher documents it (else it is estimated)."
        ),
    )
    pupil_sd_source = models.CharField(
        max_length=300, blank=True, help_text=_("Where the pupil SD is documented.")
    )
    predictors = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Codes of the context measures that predict this measure; empty means all with data."),
    )

    class Meta:
        ordering = ["kind", "domain", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The measure's name as the country profile gives it in the active language, else its own name."""
        return countries.spoken().measure_label(self.code, self.name)

    @property
    def is_percentage(self) -> bool:
        return self.unit in PERCENT_UNITS

    @property
    def pupil_sd_bound(self) -> float | None:
        """The largest pupil-level SD the unit and valid range allow (engine/units.py), or None."""
        return sd_bound(self.unit, self.valid_min, self.valid_max)

    def clean(self) -> None:
        bound = self.pupil_sd_bound
        if self.pupil_sd is not None and bound is not None and self.pupil_sd > bound:
            raise ValidationError(
                {
                    "pupil_sd": _(
                        "A pupil-level SD of %(sd)g is impossible for this unit and range: at most %(bound)g."
                    )
                    % {"sd": self.pupil_sd, "bound": bound}
                }
            )


class SchoolMeasure(ChangeTracked):
    """One measure for one school in one year (the year an academic year starts: 2018 is 2018/19)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="measures")
    measure = models.ForeignKey(MeasureDefinition, on_delete=models.PROTECT, related_name="values")
    year = models.PositiveSmallIntegerField()
    value = models.FloatField(null=True, blank=True)
    cohort = models.PositiveIntegerField(null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    # A figure published as a range ("97-100%", "<5"): `value` is the band's point value (its middle;
    # docs/importing.md), `banded` says so, and the bounds are kept (None: an open end).
    banded = models.BooleanField(default=False, db_default=False)
    band_lower = models.FloatField(null=True, blank=True)
    band_upper = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["measure__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "measure", "year"], name="schoolmeasure_one_per_year"),
            models.CheckConstraint(
                condition=Q(suppressed=True, value__isnull=True) | Q(suppressed=False, value__isnull=False),
                name="schoolmeasure_value_unless_suppressed",
            ),
        ]
        indexes = [models.Index(fields=["measure", "year"], name="schoolmeasure_measure_year_idx")]

    def __str__(self) -> str:
        return f"{self.school.registry_id} {self.measure.code} {self.year}"


class SavedMapping(models.Model):
    """A column mapping made in the browser (the mapping builder): the YAML text of a mapping file,
    downloadable, and usable by its name from `kindred import schools FILE --mapping NAME`."""

    name = models.SlugField(max_length=64, unique=True)
    description = models.CharField(max_length=300, blank=True)
    text = models.TextField(help_text=_("The mapping, in YAML (docs/importing.md)."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
