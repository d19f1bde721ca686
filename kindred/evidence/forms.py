from django import forms
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.evidence.models import SupportCategory
from kindred.schools.models import LocalAuthority, Region, School


def _phases(profile: countries.Profile | None = None) -> list[tuple[str, str]]:
    """School phases in the country's own words (its profile; the default's when None), after "All phases"."""
    profile = profile or countries.profile()
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
    school = forms.CharField(label=_("Starting school (name or registry id)"), required=False, max_length=200)
    phase = forms.ChoiceField(
        choices=[("", _("All phases")), *School.Phase.choices], required=False, label=_("Phase")
    )
    max_km = forms.FloatField(
        label=_("Within (km)"),
        required=False,
        min_value=0,
        max_value=2000,
        help_text=_("Empty: the nearest distance with at least 10 helpers."),
    )
    other_authority = forms.BooleanField(required=False)  # labelled in __init__: the country's word
    helpers = forms.ChoiceField(
        label=_("Helpers"),
        required=False,
        choices=[("", _("Not red or amber themselves")), ("all", _("Every category"))],
    )

    def __init__(self, *args, domains: list[str], country: str | None = None, **kwargs):
        """`country`: the country whose words name the domains and authorities (the reader's; None: the
        default's)."""
        super().__init__(*args, **kwargs)
        profile = countries.of(country)
        self.fields["other_authority"].label = _("Only in other %(authorities)s") % {
            "authorities": profile.word("authorities")
        }
        self.fields["phase"].choices = _phases(profile)
        self.fields["domain"].choices = [(d, profile.domain_label(d)) for d in domains]

    def clean_school(self) -> School | None:
        text = self.cleaned_data["school"].strip()
        if not text:
            return None
        school = (
            School.objects.filter(registry_id=text).first()
            or School.objects.filter(name__iexact=text).first()
        )
        if school is not None:
            return school
        matches = list(School.objects.filter(name__icontains=text).order_by("name")[:6])
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise forms.ValidationError(
                _("Several schools match %(text)s: %(names)s. Give the full name or the registry id."),
                params={"text": text, "names": "; ".join(f"{m.name} ({m.registry_id})" for m in matches[:5])},
            )
        raise forms.ValidationError(
            _("No school has the registry id %(id)s, and no school's name contains it."), params={"id": text}
        )
