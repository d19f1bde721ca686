from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import Organisation, SchoolStaff
from kindred.api.models import ApiToken
from kindred.schools.models import Region, School


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, such as “nightly sync”.")
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.READ)
    # The longest lifetime (API_TOKEN_MAX_DAYS) is the service's rule: its refusal is shown on the form.
    days = forms.IntegerField(label=_("Days until it expires"), min_value=1, initial=90)
    region = forms.ModelChoiceField(
        label=_("Only one region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=_("Everything I may see"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Only one organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Everything I may see"),
        help_text=_("Only what the partner organisation takes part in: its networks and what is in them."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisations the person is one of (site administrators: any); none, no choice.
        if user is not None and user.is_superuser:
            self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        elif user is not None and Organisation.objects.filter(people__user=user).exists():
            self.fields["organisation"].queryset = Organisation.objects.filter(people__user=user).order_by(
                "name"
            )
        else:
            del self.fields["organisation"]


class IntegrationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("The system, such as “Ministry MIS nightly sync”.")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What it does and who looks after it."),
    )


class RegionRoleForm(forms.Form):
    """The integration becomes a system leader for a region (accounts.services.regional_role_add)."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.order_by("name"))


class SchoolRoleForm(forms.Form):
    """The integration takes a role at a school (accounts.services.staff_role_add)."""

    school = forms.CharField(label=_("School's registry id"), max_length=32)
    role = forms.ChoiceField(
        label=_("Role"), choices=SchoolStaff.Role.choices, initial=SchoolStaff.Role.TEACHER
    )

    def clean_school(self) -> School:
        school = School.objects.filter(registry_id=self.cleaned_data["school"].strip()).first()
        if school is None:
            raise forms.ValidationError(_("No school has this registry id."))
        return school
