from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import SchoolStaff
from kindred.events.models import Event
from kindred.schools.models import School

_ZONES = sorted(available_timezones())


def _local_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_local_input())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_local_input())
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z) for z in _ZONES], initial=settings.TIME_ZONE
    )
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

    class Meta:
        model = Event
        fields = [
            "title", "kind", "description", "host_school", "place", "online_url", "starts_at", "ends_at",
            "time_zone", "rrule", "staff_roles", "for_pupils", "pupils_age_min", "pupils_age_max", "capacity",
        ]  # fmt: skip

    def __init__(self, *args, hosts=None, rota: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if hosts is not None:
            self.fields["host_school"].queryset = hosts
        if not rota:
            self.fields["host_school"].help_text = ""
        if self.instance.pk:
            # Shown on the wall clock of the event's own zone, as they are typed.
            from kindred.engine import recurrence

            zone = recurrence.zone(self.instance.time_zone)
            for name in ("starts_at", "ends_at"):
                self.initial[name] = getattr(self.instance, name).astimezone(zone).replace(tzinfo=None)

    def clean(self):
        data = super().clean()
        # The wall-clock times typed are in the chosen zone, not the server's.
        from kindred.engine import recurrence

        zone = recurrence.zone(data.get("time_zone") or settings.TIME_ZONE)
        for name in ("starts_at", "ends_at"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("An event must end after it starts."))
        return data


class EventEditForm(EventForm):
    """An event's details after it is made: not its repeats (dates are changed one by one) and not
    its places (`CapacityForm`, which promotes from the waiting list)."""

    class Meta(EventForm.Meta):
        fields = [
            "title", "kind", "description", "host_school", "place", "online_url", "starts_at", "ends_at",
            "time_zone", "staff_roles", "for_pupils", "pupils_age_min", "pupils_age_max",
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
    action = forms.ChoiceField(choices=[("cancel", _("Cancel this occurrence")), ("move", _("Move it"))])
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
