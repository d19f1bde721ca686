from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.frameworks.models import Standard
from kindred.plans.models import Action, DevelopmentPlan, Priority
from kindred.schools.models import MeasureDefinition, School


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.ModelForm):
    class Meta:
        model = DevelopmentPlan
        fields = ["title", "year", "summary"]


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["title", "domain", "source", "rationale"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 3})}


class ActionForm(forms.ModelForm):
    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_school"].queryset = School.objects.filter(pk__in=[s.pk for s in schools])
        self.fields["success_measure"].queryset = MeasureDefinition.objects.filter(
            kind=MeasureDefinition.Kind.OUTCOME
        )
        self.fields["success_standard"].queryset = Standard.objects.select_related("domain").order_by(
            "-domain__version__number", "domain__position", "position"
        )

    class Meta:
        model = Action
        fields = [
            "description",
            "owner_school",
            "starts_on",
            "due_on",
            "resources",
            "success_measure",
            "success_standard",
            "success_target",
        ]
        widgets = {"starts_on": DateInput(), "due_on": DateInput()}
        labels = {
            "owner_school": _("Owner school"),
            "success_measure": _("Success measure"),
            "success_standard": _("Success rating (a standard)"),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("starts_on") and cleaned.get("due_on") and cleaned["starts_on"] > cleaned["due_on"]:
            self.add_error("due_on", _("An action cannot be due before it starts."))
        return cleaned


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    note = forms.CharField(
        label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
