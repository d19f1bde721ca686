from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kindred import countries
from kindred.schools.catalogue import MEASURES
from kindred.schools.importing import ImportKind
from kindred.schools.importing.builder import TARGETS
from kindred.schools.importing.mapping import ready_mapping_choices
from kindred.schools.models import MeasureDefinition, SavedMapping


def upload_size_check(upload) -> None:
    """Refuse a file larger than IMPORT_UPLOAD_MAX_MB before it is kept."""
    limit = settings.IMPORT_UPLOAD_MAX_MB
    if upload is not None and upload.size > limit * 1024 * 1024:
        raise forms.ValidationError(
            _("The file is %(size)s MB; files up to %(limit)s MB can be imported (IMPORT_UPLOAD_MAX_MB).")
            % {"size": f"{upload.size / 1024 / 1024:,.0f}", "limit": limit}
        )


def sheet_value(text: str) -> str | int | None:
    """A workbook's sheet as typed: a number (1 for the first) or a name; None when empty."""
    text = text.strip()
    return int(text) if text.isdigit() else (text or None)


class UploadField(forms.FileField):
    def validate(self, value):
        super().validate(value)
        upload_size_check(value)


class ImportForm(forms.Form):
    """An upload for the importer: the file, what it holds, and the mapping for a schools file
    (a measures or links file needs none)."""

    # A longer name cannot be stored (file systems allow 255 bytes); it is refused, not cut silently.
    file = UploadField(label=_("File (CSV, .xlsx, .ods, JSON or Parquet)"), max_length=200)
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
    year = forms.IntegerField(
        label=_("Year of the figures"),
        min_value=1900,
        max_value=2100,
        required=False,
        help_text=_(
            "Only for a file whose mapping states no year: the year the school year starts (2023 for 2023/24)."
        ),
    )
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_(
            "For a workbook: the sheet's name or number (1 for the first). Leave empty for the mapping's, or the first."
        ),
    )

    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_(
            "For a schools file: the country its schools, regions and authorities are in (its bounds check the coordinates)."
        ),
    )

    skip_bad_rows = forms.BooleanField(
        label=_("Skip rows with problems and import the rest"),
        required=False,
        help_text=_(
            "Otherwise a file with any problem imports nothing. Each skipped row is listed with its reasons."
        ),
    )

    decimal_comma = forms.BooleanField(
        label=_("Numbers are written with a decimal comma (12,5)"),
        required=False,
        help_text=_("For a schools file, the mapping's decimal_comma: true says the same."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = [(m.name, f"{m.name}: {m.description}") for m in SavedMapping.objects.all()]
        self.fields["mapping"].choices = [("", "—"), *ready_mapping_choices(), *saved]
        # Several countries in one installation: the installation's own, the default first; with one
        # country the field stays (empty means the default) but offers only it.
        self.fields["country"].choices = [("", "—")] + [
            (p.code, p.country_name()) for p in countries.installed()
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == ImportKind.SCHOOLS and not cleaned.get("mapping"):
            self.add_error("mapping", _("Choose the mapping for a schools file."))
        if cleaned.get("kind") in (ImportKind.MEASURES, ImportKind.LINKS):
            cleaned["mapping"] = ""
        return cleaned


class BuilderUploadForm(forms.Form):
    """The first step of the mapping builder: a file never seen before."""

    # As on the import page: a longer name cannot be stored, and is refused rather than cut.
    file = UploadField(label=_("File (CSV, .xlsx, .ods, JSON or Parquet)"), max_length=200)
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=100,
        help_text=_(
            "For a workbook: the sheet's name or number (1 for the first). Leave empty for the first."
        ),
    )


def _measure_choices(defined: dict[str, str] | None = None) -> list[tuple[str, str]]:
    names = {code: spec.name for code, spec in MEASURES.items()}
    names.update(dict(MeasureDefinition.objects.values_list("code", "name")))
    names.update(defined or {})
    return [
        (f"measure:{code}", f"{name} ({code})") for code, name in sorted(names.items(), key=lambda kv: kv[1])
    ]


class BuilderForm(forms.Form):
    """The builder's quick picks: a name, and for each column what it holds (the rest of the
    mapping is the schema's form, kindred/schools/importing/schema_form.py). Each pick's value
    when the page was drawn is posted beside it (`was_N`), so that only a changed pick is written
    into the mapping."""

    name = forms.SlugField(
        label=_("Mapping name"),
        max_length=64,
        help_text=_(
            "Letters, digits and dashes: the name to import with (kindred import schools FILE --mapping NAME)."
        ),
    )

    def __init__(
        self,
        *args,
        columns: list[str],
        picks: dict[str, str] | None = None,
        defined: dict[str, str] | None = None,
        **kwargs,
    ):
        """`defined`: the measures the mapping defines (code -> name), which a column may hold too."""
        super().__init__(*args, **kwargs)
        if countries.several():
            # The country the file's schools are in (its bounds check the preview and the import): the
            # builder starts with the administrator's own (admin_builder.builder_country).
            self.fields["country"] = forms.ChoiceField(
                label=_("Country"),
                required=False,  # not posted (a script): the administrator's own, as the page starts
                choices=[(p.code, p.country_name()) for p in countries.installed()],
                help_text=_(
                    "For a schools file: the country its schools, regions and authorities are in (its bounds check the coordinates)."
                ),
            )
        choices = [(k, str(v)) for k, v in TARGETS.items()] + [(_("Measures"), _measure_choices(defined))]
        self.columns = columns
        for index, column in enumerate(columns):
            pick = (picks or {}).get(column, "")
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column, required=False, choices=choices, initial=pick
            )
            self.fields[f"was_{index}"] = forms.CharField(
                required=False, widget=forms.HiddenInput, initial=pick
            )

    def column_fields(self):
        return [(self[f"column_{i}"], self[f"was_{i}"]) for i in range(len(self.columns))]

    def picks(self) -> dict[str, tuple[str, str]]:
        """Each column's pick: (what it was when the page was drawn, what it is now)."""
        return {
            column: (self.cleaned_data.get(f"was_{i}") or "", self.cleaned_data.get(f"column_{i}") or "")
            for i, column in enumerate(self.columns)
        }

    def clean(self):
        cleaned = super().clean()
        chosen = [v for k, v in cleaned.items() if k.startswith("column_") and v]
        repeated = {v for v in chosen if not v.startswith("measure:") and chosen.count(v) > 1}
        if repeated:
            raise forms.ValidationError(
                _("Each of these is chosen for more than one column: %(targets)s")
                % {"targets": ", ".join(str(TARGETS.get(t, t)) for t in sorted(repeated))}
            )
        return cleaned
