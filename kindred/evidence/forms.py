from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.evidence.models import SupportCategory
from kindred.schools.models import LocalAuthority, Region, School


class DashboardForm(forms.Form):
    region = forms.ModelChoiceField(Region.objects.all(), required=False, label=_("Region"))
    local_authority = forms.ModelChoiceField(
        LocalAuthority.objects.all(), required=False, label=_("Authority")
    )
    phase = forms.ChoiceField(
        choices=[("", _("All phases")), *School.Phase.choices], required=False, label=_("Phase")
    )
    category = forms.ChoiceField(
        choices=[("", _("All categories")), *SupportCategory.Category.choices, ("none", _("No category"))],
        required=False,
        label=_("Category"),
    )
    urban_rural = forms.ChoiceField(
        choices=[("", _("Urban and rural")), ("urban", _("Urban")), ("rural", _("Rural"))],
        required=False,
        label=_("Urban or rural"),
    )


class GoodPracticeForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=[])
    school = forms.CharField(label=_("Starting school (registry id)"), required=False, max_length=32)
    phase = forms.ChoiceField(
        choices=[("", _("All phases")), *School.Phase.choices], required=False, label=_("Phase")
    )
    max_km = forms.FloatField(label=_("Within (km)"), required=False, min_value=0, max_value=2000)
    other_authority = forms.BooleanField(label=_("Other authorities only"), required=False)

    def __init__(self, *args, domains: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [(d, d.replace("_", " ").capitalize()) for d in domains]

    def clean_school(self) -> School | None:
        registry_id = self.cleaned_data["school"].strip()
        if not registry_id:
            return None
        school = School.objects.filter(registry_id=registry_id).first()
        if school is None:
            raise forms.ValidationError(
                _("No school has the registry id %(id)s."), params={"id": registry_id}
            )
        return school
