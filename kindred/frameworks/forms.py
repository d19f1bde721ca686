from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.core.attachments import MultipleFileField
from kindred.frameworks.models import Domain, EvidenceFile, Rating
from kindred.schools.models import School
from kindred.schools.selectors import school_search


class RatingsForm(forms.Form):
    """One level (optional) and one evidence note per standard of a framework version; for the
    school's own evaluation (`files` given: the files already attached, by standard) also files."""

    def __init__(
        self,
        *args,
        outline: list[Domain],
        scale: list[str],
        ratings: dict[int, Rating],
        files: dict[int, list[EvidenceFile]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.attached = files
        choices = [("", _("Not rated"))] + [
            (str(i), f"{i} · {label}") for i, label in enumerate(scale, start=1)
        ]
        self.outline = outline
        for domain in outline:
            for standard in domain.standards.all():
                rating = ratings.get(standard.pk)
                self.fields[f"level_{standard.pk}"] = forms.ChoiceField(
                    label=f"{standard.code} {standard.display_name}",
                    choices=choices,
                    required=False,
                    initial=str(rating.level) if rating else "",
                )
                self.fields[f"evidence_{standard.pk}"] = forms.CharField(
                    label=_("Evidence for %(code)s") % {"code": standard.code},
                    required=False,
                    max_length=5000,
                    initial=rating.evidence if rating else "",
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                if files is not None:
                    self.fields[f"files_{standard.pk}"] = MultipleFileField(
                        label=_("Files for %(code)s") % {"code": standard.code},
                        required=False,
                        help_text=_("Images, PDF, office documents or plain text."),
                    )

    def sections(self):
        """(domain, [(standard, level field, evidence field, files field or None, files attached)])
        for the template."""
        return [
            (
                domain,
                [
                    (
                        s,
                        self[f"level_{s.pk}"],
                        self[f"evidence_{s.pk}"],
                        self[f"files_{s.pk}"] if self.attached is not None else None,
                        (self.attached or {}).get(s.pk, []),
                    )
                    for s in domain.standards.all()
                ],
            )
            for domain in self.outline
        ]

    def uploads(self) -> dict[int, list]:
        """standard id → the files uploaded for it (none when files are not asked for)."""
        if self.attached is None:
            return {}
        return {
            standard.pk: self.cleaned_data[f"files_{standard.pk}"]
            for domain in self.outline
            for standard in domain.standards.all()
            if self.cleaned_data.get(f"files_{standard.pk}")
        }

    def levels(self) -> dict[int, tuple[int | None, str]]:
        result = {}
        for domain in self.outline:
            for standard in domain.standards.all():
                level = self.cleaned_data[f"level_{standard.pk}"]
                result[standard.pk] = (
                    int(level) if level else None,
                    self.cleaned_data[f"evidence_{standard.pk}"],
                )
        return result


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(label=_("Framework file (.yaml or .csv)"))
    code = forms.SlugField(label=_("Code (CSV only)"), required=False, max_length=64)
    name = forms.CharField(label=_("Name (CSV only)"), required=False, max_length=200)

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("A framework file is at most 2 MB."))
        return upload


SEARCH_MATCHES = 20


class PeerReviewRequestForm(forms.Form):
    """Which school to ask for a peer review: one of the school's network partners from a list, or
    any school found by name, town or registry id. A search matching several schools leads to a
    page where one is chosen (`reviewer`), so no step needs JavaScript; the name box suggests the
    partners' names (a <datalist>) where the browser offers it."""

    partner = forms.ModelChoiceField(
        queryset=School.objects.none(),
        to_field_name="registry_id",
        required=False,
        label=_("A school in your networks"),
        empty_label=_("— choose a school —"),
    )
    search = forms.CharField(
        required=False,
        max_length=200,
        label=_("Or another school: its name, town or registry id"),
        widget=forms.TextInput(attrs={"list": "peer-partners", "autocomplete": "off"}),
    )
    reviewer = forms.ModelChoiceField(
        queryset=School.objects.all(), to_field_name="registry_id", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, school: School, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["partner"].queryset = partners
        self.matches: list[School] = []
        self.more = False

    def clean(self):
        data = super().clean()
        chosen = data.get("reviewer") or data.get("partner")
        text = (data.get("search") or "").strip()
        if chosen is None and text:
            found = list(school_search(query=text).exclude(pk=self.school.pk)[: SEARCH_MATCHES + 1])
            exact = [s for s in found if s.registry_id == text or s.name.casefold() == text.casefold()]
            if len(exact) == 1:
                chosen = exact[0]
            elif len(found) == 1:
                chosen = found[0]
            elif not found:
                raise forms.ValidationError(
                    _("No school matches “%(text)s”. Try part of the name, a town or the registry id.")
                    % {"text": text}
                )
            else:
                self.matches = found[:SEARCH_MATCHES]
                self.more = len(found) > SEARCH_MATCHES
                return data  # several: the page asks which one (`choosing`)
        if chosen is None:
            raise forms.ValidationError(
                _("Choose a school from your networks, or search for another by its name, town or id.")
            )
        data["chosen"] = chosen
        return data

    @property
    def choosing(self) -> bool:
        """Several schools matched the search: the reader picks one of `matches`."""
        return bool(self.matches)
