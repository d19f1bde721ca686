from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import Organisation
from kindred.api.models import ApiToken
from kindred.schools.models import Region


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
