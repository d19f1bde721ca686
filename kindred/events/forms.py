from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.accounts.models import Organisation, SchoolStaff
from kindred.engine import recurrence
from kindred.events.models import Event
from kindred.schools.models import School

_ZONES = sorted(available_timezones())


def zone_choices(country: str | None = None) -> list:
    """The country's zones first (its main one first; the default country's unless `country` names
    another), then every other zone."""
    own = list(countries.profile(country).time_zones)
    return [
        (_("Time zones of the country"), [(z, z) for z in own]),
        (_("Other time zones"), [(z, z) for z in _ZONES if z not in own]),
    ]


_WEEKDAY_CHOICES = [(str(day), WEEKDAYS[day]) for day in range(7)]
# The builder's fields (not the event's): turned into `rrule` by RepeatBuilderMixin.clean.
BUILDER_FIELDS = (
    "repeat",
    "interval",
    "weekdays",
    "monthly_on",
    "month_position",
    "month_weekday",
    "ends",
    "until",
    "count",
)


class RepeatBuilderMixin(forms.Form):
    """Repeats built from choices — every n days, weeks (on chosen days) or months (on the same date,
    or the n-th weekday), until a date or a number of times — written as an RFC 5545 rule by dateutil
    (`recurrence.rule_build`); a rule of one's own stays possible (advanced). A plain form: every
    field is shown, and those that do not belong to the chosen kind of repeat are ignored."""

    repeat = forms.ChoiceField(
        label=_("How it repeats"),
        choices=[
            ("", _("Does not repeat")),
            ("DAILY", _("Every day, or every few days")),
            ("WEEKLY", _("Every week, or every few weeks")),
            ("MONTHLY", _("Every month, or every few months")),
            ("advanced", _("By a rule I write (RFC 5545, advanced)")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    interval = forms.IntegerField(
        label=_("Every how many days, weeks or months"), min_value=1, max_value=366, initial=1, required=False
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On (weekly)"),
        choices=_WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for the first date's weekday."),
    )
    monthly_on = forms.ChoiceField(
        label=_("On (monthly)"),
        choices=[
            ("date", _("The same date as the first (e.g. the 12th)")),
            ("weekday", _("A weekday of the month (e.g. the second Tuesday)")),
        ],
        initial="date",
        required=False,
        widget=forms.RadioSelect,
    )
    month_position = forms.TypedChoiceField(
        label=_("Which one"),
        choices=[
            ("1", _("first")),
            ("2", _("second")),
            ("3", _("third")),
            ("4", _("fourth")),
            ("-1", _("last")),
        ],
        coerce=int,
        required=False,
    )
    month_weekday = forms.TypedChoiceField(
        label=_("Weekday of the month"), choices=_WEEKDAY_CHOICES, coerce=int, required=False
    )
    ends = forms.ChoiceField(
        label=_("The repeats end"),
        choices=[
            ("never", _("Never")),
            ("until", _("On a date")),
            ("count", _("After a number of dates")),
        ],
        initial="count",
        required=False,
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label=_("Last date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    count = forms.IntegerField(label=_("Number of dates"), min_value=1, max_value=1000, required=False)

    def _built_rule(self, data: dict, first_local) -> str:
        repeat = data.get("repeat") or ""
        if repeat == "advanced":
            if not (data.get("rrule") or "").strip():
                self.add_error("rrule", _("Write the rule, or choose another kind of repeat."))
            return (data.get("rrule") or "").strip()
        if not repeat:
            return ""
        ends = data.get("ends") or "never"
        if ends == "until" and not data.get("until"):
            self.add_error("until", _("Give the last date."))
            return ""
        if ends == "count" and not data.get("count"):
            self.add_error("count", _("Give the number of dates."))
            return ""
        by_weekday = repeat == "MONTHLY" and data.get("monthly_on") == "weekday"
        if by_weekday and (
            data.get("month_position") in (None, "") or data.get("month_weekday") in (None, "")
        ):
            self.add_error("month_position", _("Choose which weekday of the month."))
            return ""
        try:
            return recurrence.rule_build(
                freq=repeat,
                first_local=first_local,
                interval=data.get("interval") or 1,
                weekdays=tuple(int(d) for d in data.get("weekdays") or ()),
                month_position=data.get("month_position") if by_weekday else None,
                month_weekday=data.get("month_weekday") if by_weekday else None,
                until=data.get("until") if ends == "until" else None,
                count=data.get("count") if ends == "count" else None,
            )
        except recurrence.RecurrenceError as error:
            self.add_error("repeat", str(error))
            return ""


def _local_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_local_input())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_local_input())
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    staff_roles = forms.MultipleChoiceField(
        label=_("For staff"),
        choices=SchoolStaff.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    host_school = forms.ModelChoiceField(
        label=_("Host school"),
        queryset=School.objects.none(),
        required=False,
        help_text=_("Leave empty for the school whose turn it is on the rota."),
    )

    host_organisation = forms.ModelChoiceField(
        label=_("Host organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("A partner organisation of the network hosting the event (a university, a museum…)."),
    )

    class Meta:
        model = Event
        fields = [
            "title", "kind", "description", "host_school", "host_organisation", "place", "online_url", "starts_at", "ends_at",
            "time_zone", "rrule", "staff_roles", "for_pupils", "pupils_age_min", "pupils_age_max", "capacity",
        ]  # fmt: skip

    def __init__(
        self, *args, hosts=None, rota: bool = True, organisations=None, country: str | None = None, **kwargs
    ):
        """`country`: the country of the school, region or network the event is for, where one is
        known (selectors.owner_country): its main time zone is the default, its zones offered first."""
        super().__init__(*args, **kwargs)
        # Only a network with partner organisations offers them as hosts.
        if organisations is not None and organisations.exists():
            self.fields["host_organisation"].queryset = organisations
        else:
            del self.fields["host_organisation"]
        self.fields["time_zone"].initial = countries.profile(country).time_zone
        if country:
            self.fields["time_zone"].choices = zone_choices(country)
        if hosts is not None:
            self.fields["host_school"].queryset = hosts
        if not rota:
            self.fields["host_school"].help_text = ""
        if self.instance.pk:
            # Shown on the wall clock of the event's own zone, as they are typed.

            zone = recurrence.zone(self.instance.time_zone)
            for name in ("starts_at", "ends_at"):
                self.initial[name] = getattr(self.instance, name).astimezone(zone).replace(tzinfo=None)

    def clean(self):
        data = super().clean()
        # The wall-clock times typed are in the chosen zone, not the server's.

        zone = recurrence.zone(data.get("time_zone") or settings.TIME_ZONE)
        for name in ("starts_at", "ends_at"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("An event must end after it starts."))
        return data


class NewEventForm(RepeatBuilderMixin, EventForm):
    """A new event: the event's fields and its repeats, built from choices (or a rule of one's own)."""

    rrule = forms.CharField(
        label=_("Rule (RFC 5545)"),
        max_length=300,
        required=False,
        help_text=_(
            "Only with “By a rule I write”: e.g. FREQ=MONTHLY;BYMONTH=1,4,9;BYDAY=1TU;COUNT=6 (the first "
            "Tuesday of each term)."
        ),
    )

    field_order = [
        "title", "kind", "description", "host_school", "host_organisation", "place", "online_url",
        "starts_at", "ends_at", "time_zone", *BUILDER_FIELDS, "rrule", "skip_holidays", "staff_roles", "for_pupils",
        "pupils_age_min", "pupils_age_max", "capacity",
    ]  # fmt: skip

    class Meta(EventForm.Meta):
        fields = [*EventForm.Meta.fields, "skip_holidays"]

    def clean(self):
        data = super().clean()
        if data.get("starts_at") is None:
            return data
        zone_name = data.get("time_zone") or settings.TIME_ZONE
        rule = self._built_rule(data, data["starts_at"].astimezone(recurrence.zone(zone_name)))
        data["rrule"] = rule
        if rule and not self.errors:
            try:
                recurrence.rule_check(rule, first_start=data["starts_at"], tz_name=zone_name)
            except recurrence.RecurrenceError as error:
                message = (
                    _(
                        "The first date is not one of the repeat's dates: start on one of the chosen days, "
                        "or choose the first date's weekday."
                    )
                    if error.code == "first_date"
                    else str(error)
                )
                self.add_error("rrule" if data.get("repeat") == "advanced" else "repeat", message)
        return data

    def sections(self) -> dict:
        """The form's fields in three groups, for the template: the event, its repeats, its audience."""
        repeat = set(BUILDER_FIELDS) | {"rrule", "skip_holidays"}
        names = list(self.fields)
        split = names.index("repeat")
        return {
            "event": [self[n] for n in names[:split] if n not in repeat],
            "repeat": [self[n] for n in names if n in repeat],
            "audience": [self[n] for n in names[split:] if n not in repeat],
        }

    def event_fields(self) -> dict:
        """The cleaned data the services take (the builder's own fields left out)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in BUILDER_FIELDS}


class EventEditForm(EventForm):
    """An event's details after it is made: not its repeats (dates are changed one by one) and not
    its places (`CapacityForm`, which promotes from the waiting list)."""

    class Meta(EventForm.Meta):
        fields = [
            "title", "kind", "description", "host_school", "host_organisation", "place", "online_url",
            "starts_at", "ends_at", "time_zone", "staff_roles", "for_pupils", "pupils_age_min", "pupils_age_max",
        ]  # fmt: skip


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100_000, required=False)
    unlimited = forms.BooleanField(label=_("No limit"), required=False)

    def clean(self):
        data = super().clean()
        if not self.errors and (data.get("capacity") is None) == (not data.get("unlimited")):
            raise forms.ValidationError(_("Give a number of places, or tick “No limit” (not both)."))
        return data


class RegistrationForm(forms.Form):
    occurrence = forms.CharField(widget=forms.HiddenInput)
    school = forms.ModelChoiceField(queryset=School.objects.none(), required=False, label=_("School"))
    pupils = forms.IntegerField(min_value=1, max_value=500, required=False, label=_("Number of pupils"))

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is not None:
            self.fields["school"].queryset = schools


class OccurrenceChangeForm(forms.Form):
    occurrence = forms.CharField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        label=_("What to do with this date"),
        choices=[("cancel", _("Cancel this occurrence")), ("move", _("Move it"))],
    )
    starts_at = forms.DateTimeField(
        label=_("New start"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("New end"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class AttendanceForm(forms.Form):
    attended = forms.IntegerField(min_value=0, max_value=500, label=_("Attended"))


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", _("Every kind")), *Event.Kind.choices], required=False, label=_("Kind")
    )
    audience = forms.ChoiceField(
        choices=[("", _("Everyone")), ("staff", _("Staff")), ("pupils", _("Pupils"))],
        required=False,
        label=_("Audience"),
    )
    view = forms.ChoiceField(
        choices=[("month", _("Month")), ("list", _("List"))], required=False, label=_("View")
    )
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False, label=_("Month"))
