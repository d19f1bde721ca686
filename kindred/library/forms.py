from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.library.models import Resource


class ResourceForm(forms.ModelForm):
    upload = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    class Meta:
        model = Resource
        fields = ["kind", "title", "description", "domain", "subject", "phase", "tags", "licence", "url"]


class VersionForm(forms.Form):
    upload = forms.FileField(label=_("New version"))
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the library"), required=False, max_length=200)
