from django import forms
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.evidence.models import SupportCategory
from kindred.schools.models import LocalAuthority, Region, School


def _phases() -> list[tuple[str, str]]:
    """School phases in the country's own words (country profile), after "All phases"."""
    profile = countries.profile()
    return [
        ("", _("All phases")),
        *((v, profile.phase_label(v, str(label))) for v, label in School.Phase.choices),
    ]


class DashboardForm(forms.Form):
    region = forms.ModelChoiceField(Region.objects.all(), required=False)
    local_authority = forms.ModelChoiceField(LocalAuthority.objects.all(), required=False)
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        profile = countries.profile()
        self.fields["region"].label = profile.word("Region")
        self.fields["local_authority"].label = profile.word("Authority")
        self.fields["phase"].choices = _phases()


class GoodPracticeForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"), choices=[])
    school = forms.CharField(label=_("Starting school (registry id)"), required=False, max_length=32)
    phase = forms.ChoiceField(
        choices=[("", _("All phases")), *School.Phase.choices], required=False, label=_("Phase")
    )
    max_km = forms.FloatField(label=_("Within (km)"), required=False, min_value=0, max_value=2000)
    other_authority = forms.BooleanField(required=False)

    def __init__(self, *args, domains: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_authority"].label = _("Only in other %(authorities)s") % {
            "authorities": countries.profile().word("authorities")
        }
        self.fields["phase"].choices = _phases()
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
