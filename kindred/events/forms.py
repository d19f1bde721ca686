from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import SchoolStaff
from kindred.events.models import Event
from kindred.schools.models import School

_ZONES = sorted(available_timezones())


class EventForm(forms.ModelForm):
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
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

    def __init__(self, *args, hosts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hosts is not None:
            self.fields["host_school"].queryset = hosts

    def clean(self):
        data = super().clean()
        # The wall-clock times typed are in the chosen zone, not the server's.
        from kindred.engine import recurrence

        zone = recurrence.zone(data.get("time_zone") or settings.TIME_ZONE)
        for name in ("starts_at", "ends_at"):
            if data.get(name):
                data[name] = data[name].replace(tzinfo=None).replace(tzinfo=zone)
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
