from django import forms
from django.utils.translation import gettext_lazy as _

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
