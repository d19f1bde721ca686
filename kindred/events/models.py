"""Events of a network, a school or a region; single changed or cancelled occurrences; registrations
(with the waiting list) and private calendar-feed tokens.

Times are stored in UTC with the event's own time zone beside them: a recurring event repeats on
the wall clock of that zone (kindred.engine.recurrence). An occurrence is identified by its
original start (RFC 5545's RECURRENCE-ID): changes and registrations point at it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from kindred.core.changes import ChangeTracked, ChangeTrackedQuerySet
from kindred.core.mail import single_line
from kindred.schools.models import LocalAuthority, Region, School

# How Event.holiday_skips holds an original start (UTC), as RFC 5545 writes one.
SKIP_FORMAT = "%Y%m%dT%H%M%SZ"


class Event(ChangeTracked):
    class Kind(models.TextChoices):
        TRAINING = "training", _("Training")
        TEACHMEET = "teachmeet", _("TeachMeet")
        MEETING = "meeting", _("Network meeting")
        SPORT = "sport", _("Pupil event: sport")
        DEBATE = "debate", _("Pupil event: debate")
        CULTURAL = "cultural", _("Pupil event: cultural")
        ACADEMIC = "academic", _("Pupil event: academic")
        VOLUNTEERING = "volunteering", _("Pupil event: volunteering")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    # Whose event it is: exactly one of network, school, region (constraint below).
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.CASCADE, related_name="events")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    host_school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_events"
    )
    # A partner organisation hosting the event (issue 23, item 4): a network's partner, expert or
    # facilitator's organisation (events/services.py checks), beside or instead of a host school.
    host_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
        verbose_name=_("host organisation"),
    )
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    rrule = models.CharField(
        _("repeats"),
        max_length=300,
        blank=True,
        help_text=_(
            "An RFC 5545 rule, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6 (every second Tuesday, "
            "six times) or FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=1TU;COUNT=6 (the first Tuesday of each term). "
            "Leave empty for a single event."
        ),
    )
    skip_holidays = models.BooleanField(
        _("leave out school holidays"),
        default=True,
        help_text=_("Dates of the series that fall in the school holidays are left out."),
    )
    # The series' original starts ("%Y%m%dT%H%M%SZ", UTC) that fall in school holidays (TermPeriod),
    # left out of calendars and written as EXDATEs in feeds; refreshed by the services when the
    # event or the term dates change.
    holiday_skips = models.JSONField(default=list, blank=True, editable=False)
    # The end of the last occurrence (None: repeats for ever), so windows are found by index.
    series_ends_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Audience: staff roles, and pupils by age range and number only (never names).
    staff_roles = models.JSONField(_("staff roles"), default=list, blank=True)
    for_pupils = models.BooleanField(_("for pupils"), default=False)
    pupils_age_min = models.PositiveSmallIntegerField(_("pupils' youngest age"), null=True, blank=True)
    pupils_age_max = models.PositiveSmallIntegerField(_("pupils' oldest age"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    # The event's VEVENT text for calendar feeds, stored by the services (kindred.events.feeds).
    ical = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(network__isnull=False, school__isnull=True, region__isnull=True)
                    | Q(network__isnull=True, school__isnull=False, region__isnull=True)
                    | Q(network__isnull=True, school__isnull=True, region__isnull=False)
                ),
                name="event_has_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(pupils_age_min__isnull=True)
                | Q(pupils_age_max__isnull=True)
                | Q(pupils_age_max__gte=models.F("pupils_age_min")),
                name="event_pupil_ages_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "starts_at"], name="event_network_start_idx"),
            models.Index(fields=["school", "starts_at"], name="event_school_start_idx"),
            models.Index(fields=["region", "starts_at"], name="event_region_start_idx"),
            models.Index(fields=["host_school", "starts_at"], name="event_host_start_idx"),
            models.Index(fields=["starts_at", "series_ends_at"], name="event_span_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def owner(self):
        return self.network or self.school or self.region

    @property
    def for_staff(self) -> bool:
        return bool(self.staff_roles)


class OccurrenceChange(models.Model):
    """One occurrence of a recurring event moved or cancelled (RFC 5545: RECURRENCE-ID / EXDATE)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="changes")
    original_start = models.DateTimeField(_("original start"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    starts_at = models.DateTimeField(_("new start"), null=True, blank=True)
    ends_at = models.DateTimeField(_("new end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="occurrencechange_once_per_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(cancelled=True) | Q(starts_at__isnull=False, ends_at__isnull=False),
                name="occurrencechange_cancels_or_moves",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} @ {self.original_start:%Y-%m-%d %H:%M}"


class RegistrationQuerySet(ChangeTrackedQuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)


class Registration(ChangeTracked):
    """A place at one occurrence: a member of staff for themselves, or a school's group of pupils
    (a number, never names), registered by the school's contact."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    occurrence_start = models.DateTimeField(_("occurrence"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    school = models.ForeignKey(
        School,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("For a group of pupils: the school bringing them."),
    )
    pupils = models.PositiveSmallIntegerField(_("pupils"), default=0)
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    status = models.CharField(max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The reminder was refused by itself (kindred.core.mail): kept with the reason and not tried
    # again, so it never holds up the other reminders. Cleared in the admin to try again.
    reminder_failure = models.CharField(max_length=500, blank=True, default="")
    attended = models.PositiveSmallIntegerField(
        _("attended"),
        null=True,
        blank=True,
        help_text=_("How many of the places were used; empty until recorded."),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "occurrence_start", "user"],
                condition=Q(school__isnull=True) & ~Q(status="cancelled"),
                name="registration_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "occurrence_start", "school"],
                condition=Q(school__isnull=False) & ~Q(status="cancelled"),
                name="registration_one_active_group_per_school",
            ),
            models.CheckConstraint(condition=Q(places__gte=1), name="registration_takes_a_place"),
        ]
        indexes = [
            models.Index(fields=["event", "occurrence_start", "status"], name="registration_occurrence_idx"),
            models.Index(fields=["user", "status"], name="registration_user_idx"),
        ]

    def __str__(self) -> str:
        who = self.school.name if self.school_id else str(self.user)
        return f"{who} — {self.event}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret in a person's private calendar-feed address; revoking it kills the address."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_tokens")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="feedtoken_one_live_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"feed of {self.user}"


# The names of terms and holidays in the shipped term dates (kindred/countries/terms/*.csv), marked
# for the catalogues: a period with one of these names is shown in the reader's language
# (`TermPeriod.display_name`); a name typed in the admin or loaded from another file, as typed.
SHIPPED_TERM_NAMES = frozenset(
    (
        # England and Wales (terms/eng.csv, terms/wls.csv)
        gettext_noop("Autumn term 1"),
        gettext_noop("Autumn half-term"),
        gettext_noop("Autumn term 2"),
        gettext_noop("Christmas holidays"),
        gettext_noop("Spring term 1"),
        gettext_noop("Spring half-term"),
        gettext_noop("Spring term 2"),
        gettext_noop("Easter holidays"),
        gettext_noop("Summer term 1"),
        gettext_noop("Early May bank holiday"),
        gettext_noop("Summer half-term"),
        gettext_noop("Summer term 2"),
        gettext_noop("Summer holidays"),
        # Egypt (terms/eg.csv)
        gettext_noop("First term"),
        gettext_noop("Armed Forces Day"),
        gettext_noop("Coptic Christmas"),
        gettext_noop("Mid-year holiday"),
        gettext_noop("Second term"),
        gettext_noop("Eid al-Fitr"),
        gettext_noop("Sham el-Nessim"),
        gettext_noop("Sinai Liberation Day"),
        gettext_noop("Labour Day"),
    )
)


class TermPeriod(models.Model):
    """A term (teaching) or a holiday of a country's school year — or of one authority's, which then
    replaces the country's. Loaded from a file (`kindred terms_load`) or written in the admin."""

    class Kind(models.TextChoices):
        TERM = "term", _("Term")
        HOLIDAY = "holiday", _("Holiday")

    country = models.CharField(_("country"), max_length=16, help_text=_("The country profile's code."))
    local_authority = models.ForeignKey(
        LocalAuthority,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="term_periods",
        help_text=_("Empty for the whole country."),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    class Meta:
        ordering = ["country", "local_authority", "starts_on", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="termperiod_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["country", "local_authority", "starts_on"], name="termperiod_idx")]

    def __str__(self) -> str:
        return f"{self.display_name} {self.starts_on}–{self.ends_on}"

    @property
    def display_name(self) -> str:
        """The period's name in the reader's language where it is a shipped name, else as typed."""
        if not self.name:
            return str(self.get_kind_display())
        return gettext(self.name) if self.name in SHIPPED_TERM_NAMES else self.name
