from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.schools.importing import ImportKind
from kindred.schools.importing.mapping import ready_mapping_choices


class ImportForm(forms.Form):
    """An upload for the importer: the file, what it holds, and the mapping for a schools file
    (a measures or links file needs none)."""

    # A longer name cannot be stored (file systems allow 255 bytes); it is refused, not cut silently.
    file = forms.FileField(label=_("CSV file"), max_length=200)
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        initial=ImportKind.SCHOOLS,
    )
    mapping = forms.ChoiceField(
        label=_("Mapping"),
        required=False,
        help_text=_("Which published file this is (see docs/importing.md); needed for a schools file."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = [("", "—"), *ready_mapping_choices()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ImportKind.SCHOOLS and not cleaned.get("mapping"):
            self.add_error("mapping", _("Choose the mapping for a schools file."))
        if cleaned.get("kind") in (ImportKind.MEASURES, ImportKind.LINKS):
            cleaned["mapping"] = ""
        return cleaned
