from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.networks.models import Network
from kindred.schools.models import Region
from kindred.voice.models import Consultation, Question


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
