from django import forms
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.brokering.models import Approach, Capacity, Coordinator, Run
from kindred.schools.models import School


class RunForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to propose"), choices=Run.Kind.choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=None)
    phase = forms.ChoiceField(
        label=_("Phase"), choices=[("", _("All phases")), *School.Phase.choices], required=False
    )
    min_size = forms.IntegerField(
        label=_("Fewest schools in a network"), initial=8, min_value=2, max_value=100
    )
    max_size = forms.IntegerField(
        label=_("Most schools in a network"), initial=15, min_value=2, max_value=100
    )
    incremental = forms.BooleanField(
        label=_("Place new schools into existing networks"),
        required=False,
        help_text=_(
            "Formation only: every existing network keeps its members; schools in no network join the "
            "nearest with room or form new networks."
        ),
    )
    other_authority = forms.BooleanField(
        label=_("Partners from another authority only"),
        required=False,
        help_text=_(
            "Brokering only: propose only partners outside the need school's own authority. In a region "
            "whose schools are all in one authority, neighbouring regions are searched."
        ),
    )
    neighbours = forms.BooleanField(
        label=_("Look beyond the region's border"),
        required=False,
        help_text=_(
            "Brokering only: schools of neighbouring regions may be partners too; only this region's needs "
            "are brokered."
        ),
    )
    across_countries = forms.BooleanField(
        label=_("Partners in other countries too"),
        required=False,
        help_text=_(
            "Brokering only: with schools of neighbouring regions, those across a border in another country "
            "may be partners too. Off: every partner is in the region's own country."
        ),
    )
    fewer_partners = forms.BooleanField(
        label=_("Prefer one partner covering several needs"),
        required=False,
        help_text=_(
            "Brokering only: a school with several needs is given as few partner schools as is reasonable "
            "(each partner beyond its first costs as much as an hour's travel); the needs met stay the same "
            "or more."
        ),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].label = kwargs.get("region_label") or self.fields["region"].label
        if not countries.several():  # one country: nothing to cross, the form as it always was
            del self.fields["across_countries"]

    def clean(self):
        data = super().clean()
        if data.get("min_size") and data.get("max_size") and data["min_size"] > data["max_size"]:
            raise forms.ValidationError(_("The fewest schools must not be more than the most."))
        if data.get("incremental") and data.get("kind") != Run.Kind.FORMATION:
            self.add_error(
                "incremental", _("Only network formation can place schools into existing networks.")
            )
        if data.get("fewer_partners") and data.get("kind") != Run.Kind.BROKERING:
            self.add_error(
                "fewer_partners", _("Only partner brokering can prefer one partner covering several needs.")
            )
        if data.get("across_countries") and data.get("kind") != Run.Kind.BROKERING:
            self.add_error(
                "across_countries", _("Only partner brokering can look for partners in other countries.")
            )
        for field in ("other_authority", "neighbours"):
            if data.get(field) and data.get("kind") != Run.Kind.BROKERING:
                self.add_error(
                    field,
                    _(
                        "Only partner brokering can ask for another authority or look beyond the region's border."
                    ),
                )
        return data


class SchoolField(forms.CharField):
    """A school given by its registry id or its exact name."""

    def clean(self, value):
        text = super().clean(value).strip()
        school = (
            School.objects.filter(registry_id=text).first()
            or School.objects.filter(name__iexact=text).first()
        )
        if school is None:
            raise forms.ValidationError(
                _("No school has the registry id or name %(text)s."), params={"text": text}
            )
        return school


class MoveForm(forms.Form):
    school = SchoolField(label=_("School (registry id or name)"), max_length=200)
    to = forms.IntegerField(label=_("To network number"), min_value=1)


class ExcludeForm(forms.Form):
    school = SchoolField(label=_("School (registry id or name)"), max_length=200)


class LockForm(forms.Form):
    number = forms.IntegerField(min_value=1)
    locked = forms.BooleanField(required=False)


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("yes", _("Accept")), ("no", _("Decline"))], coerce=lambda v: v == "yes"
    )


class ApproachForm(forms.Form):
    need_school = forms.CharField(max_length=32)
    domain = forms.CharField(max_length=64)
    partner = forms.CharField(max_length=32)
    status = forms.ChoiceField(
        label=_("Status"), choices=Approach.Status.choices, initial=Approach.Status.SHORTLISTED
    )
    contact = forms.CharField(label=_("Who was approached"), max_length=200, required=False)
    note = forms.CharField(label=_("Their answer or a note"), max_length=500, required=False)


class CapacityForm(forms.Form):
    schools = forms.IntegerField(
        label=_("Schools it can support at once"),
        required=False,
        min_value=0,
        max_value=Capacity.MOST,
        help_text=_("Empty: the default from the school's size. 0: not supporting anyone for now."),
    )


class PublishForm(forms.Form):
    """The confirmation of publishing a run: who coordinates its new networks."""

    coordinator = forms.ChoiceField(
        label=_("Who coordinates each new network"),
        choices=Coordinator.choices,
        initial=Coordinator.LEAD,
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)
