from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.networks.models import Network
from kindred.schools.models import Region, School
from kindred.voice.models import Consultation, Question

ANONYMITY_CHOICES = [
    ("", _("Anonymous: no name or school goes with an answer")),
    ("named", _("Named: the one who asked sees who gave each answer")),
]


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What it is for"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Several networks are asked only by a programme's survey (kindred/impact), not from this form.
    audience = forms.ChoiceField(
        label=_("Asked of"),
        choices=[c for c in Consultation.Audience.choices if c[0] != Consultation.Audience.NETWORKS],
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all(), required=False)
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none(), required=False)
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    answered_by = forms.TypedChoiceField(
        label=_("Who answers"),
        choices=Consultation.AnsweredBy.choices,
        initial=Consultation.AnsweredBy.SCHOOL,
        required=False,
        empty_value=Consultation.AnsweredBy.SCHOOL,
    )
    named = forms.TypedChoiceField(
        label=_("When each member of staff answers, their answers are"),
        choices=ANONYMITY_CHOICES,
        coerce=bool,
        empty_value=False,
        required=False,
    )

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Question.Kind.choices)
    text = forms.CharField(label=_("Question"), max_length=500)
    options = forms.CharField(
        label=_("Options (one per line, for a choice)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scale_top = forms.IntegerField(
        label=_("Scale from 1 to (for a scale)"), min_value=2, max_value=10, initial=5
    )


class ResponseForm(forms.Form):
    """One field per question; answers are checked again by the service."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            current = answers.get(question.pk)
            name = f"q{question.pk}"
            if question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    required=False,
                    choices=[(o, o) for o in question.options],
                    widget=forms.RadioSelect,
                    initial=current.choice if current else None,
                )
            elif question.kind == Question.Kind.SCALE:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    required=False,
                    choices=[(str(i), str(i)) for i in range(1, question.scale_top + 1)],
                    widget=forms.RadioSelect,
                    initial=str(current.level) if current and current.level else None,
                    help_text=_("1 is the least, %(top)s the most.") % {"top": question.scale_top},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=current.text if current else "",
                )

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") or "" for q in self.questions}


class CouncilForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    purpose = forms.CharField(
        label=_("What it advises on"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    advises = forms.ChoiceField(label=_("It advises the leaders of"))

    def __init__(self, *args, organisations, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.regions = {str(r.pk): r for r in regions}
        self.fields["advises"].choices = [
            *((f"organisation-{pk}", o.name) for pk, o in self.organisations.items()),
            *((f"region-{pk}", r.name) for pk, r in self.regions.items()),
        ]

    def cleaned(self) -> dict:
        kind, _sep, pk = self.cleaned_data["advises"].partition("-")
        return {
            "name": self.cleaned_data["name"],
            "purpose": self.cleaned_data["purpose"],
            "organisation": self.organisations.get(pk) if kind == "organisation" else None,
            "region": self.regions.get(pk) if kind == "region" else None,
        }


class CouncilInviteForm(forms.Form):
    """The council's leaders invite a member of staff by their e-mail address."""

    email = forms.EmailField(label=_("Their e-mail address"), max_length=254)
    school = forms.CharField(
        label=_("The school they speak from (its registry number)"),
        required=False,
        max_length=32,
        help_text=_("Only needed when they work at several schools."),
    )
    network = forms.ModelChoiceField(
        label=_("The community they speak for"),
        queryset=Network.objects.none(),
        required=False,
        help_text=_(
            "A network their school is a member of; leave empty if they speak for their school only."
        ),
    )
    message = forms.CharField(label=_("Message"), max_length=500, required=False)

    def __init__(self, *args, networks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks

    def clean(self):
        data = super().clean()
        if data.get("email"):
            data["person"] = User.objects.filter(email__iexact=data["email"], is_active=True).first()
            if data["person"] is None:
                raise forms.ValidationError(_("Nobody with that e-mail address has an account here."))
        registry_id = (data.get("school") or "").strip()
        data["school"] = None
        if registry_id:
            data["school"] = School.objects.filter(registry_id=registry_id).first()
            if data["school"] is None:
                self.add_error("school", _("No school has that registry number."))
        return data


class PlaceEndForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the council's history keeps it)"), required=False, max_length=300
    )


class CouncilConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What it is for"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    named = forms.TypedChoiceField(
        label=_("The members' answers are"),
        choices=[
            ("", _("Anonymous: no name or school goes with an answer")),
            ("named", _("Named: the council's leaders see who gave each answer")),
        ],
        coerce=bool,
        empty_value=False,
        required=False,
    )


class PublicationForm(forms.Form):
    text = forms.CharField(
        label=_("What you make of the answers, for the council's members"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    with_results = forms.BooleanField(
        label=_("Show the members the results (counts and means, never an answer or who gave it)"),
        required=False,
        initial=True,
    )
