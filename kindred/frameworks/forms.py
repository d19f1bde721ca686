from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.core.attachments import MultipleFileField
from kindred.frameworks.models import Domain, EvidenceFile, Rating
from kindred.schools.models import School


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
                    label=f"{standard.code} {standard.name}",
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


class PeerReviewRequestForm(forms.Form):
    reviewer = forms.CharField(
        label=_("Reviewing school (name or registry id)"),
        max_length=200,
        help_text=_("A school you work with: a partner or a member of one of your networks."),
    )

    def clean_reviewer(self):
        text = self.cleaned_data["reviewer"].strip()
        matches = list(School.objects.filter(registry_id=text)[:1]) or list(
            School.objects.filter(name__iexact=text)[:2]
        )
        if not matches:
            raise forms.ValidationError(_("No school has that name or id."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several schools have that name: give the registry id."))
        return matches[0]
