"""Forms for impact: programmes and their costs, a network's survey and a support letter for its
evidence pack."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kindred.events.models import Event
from kindred.impact.models import Cost, Programme, SupportLetter
from kindred.networks.models import Network
from kindred.schools.models import Region


class DateInput(forms.DateInput):
    input_type = "date"


class ProgrammeForm(forms.ModelForm):
    """A programme's name, kind, funder, description and dates; its area when it is created."""

    class Meta:
        model = Programme
        fields = ["name", "kind", "region", "funder", "description", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, regions: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["region"]  # a programme stays in its area
        else:
            self.fields["region"].queryset = Region.objects.filter(pk__in=[r.pk for r in regions])
            if len(regions) == 1:
                self.fields["region"].initial = regions[0].pk

    def validate_unique(self):
        pass  # the service says when a name is taken, in words


class ProgrammeNetworkForm(forms.Form):
    network = forms.ModelChoiceField(label=_("Network"), queryset=Network.objects.none())

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        in_region = Network.objects.filter(region=programme.region) | Network.objects.filter(
            memberships__school__region=programme.region
        )
        self.fields["network"].queryset = (
            Network.objects.filter(pk__in=in_region.values("pk"))
            .exclude(programmes=programme)
            .order_by("name")
        )


class EventChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Event) -> str:
        return f"{obj.title} · {date_format(timezone.localtime(obj.starts_at), 'SHORT_DATE_FORMAT')} · {obj.network}"


class CostForm(forms.ModelForm):
    """Money spent: on the programme, on one of its networks, or on one of their events."""

    event = EventChoice(label=_("Event"), queryset=Event.objects.none(), required=False)

    class Meta:
        model = Cost
        fields = ["description", "amount", "spent_on", "network", "event"]
        widgets = {"spent_on": DateInput()}
        help_texts = {
            "network": _("Leave empty for a cost of the whole programme."),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = programme.networks.order_by("name")
        self.fields["network"].required = False
        self.fields["event"].queryset = (
            Event.objects.filter(network__programmes=programme)
            .exclude(status=Event.Status.CANCELLED)
            .select_related("network")
            .order_by("-starts_at")
        )
        self.fields["event"].help_text = _(
            "Or an event of one of its networks (the cost counts for its network too)."
        )

    def validate_unique(self):
        pass

    def _post_clean(self):
        pass  # the service checks and refuses in words (cost_add)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    statements = forms.CharField(
        label=_("Statements to rate, one per line"),
        help_text=_("Each is rated from 1 (strongly disagree) to the top of the scale (strongly agree)."),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    questions = forms.CharField(
        label=_("Questions answered in words, one per line"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scale_top = forms.IntegerField(label=_("Scale from 1 to"), min_value=2, max_value=10, initial=5)
    min_respondents = forms.IntegerField(
        label=_("Fewest answers before results are shown"),
        help_text=_("Below this many answers, nothing of a round is shown, so no one can be told apart."),
        min_value=3,
        max_value=1000,
        initial=5,
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "statements": data["statements"].splitlines(),
            "questions": data["questions"].splitlines(),
            "scale_top": data["scale_top"],
            "min_respondents": data["min_respondents"],
        }


class SupportLetterForm(forms.Form):
    writer = forms.CharField(label=_("From (who wrote it)"), max_length=200)
    writer_kind = forms.ChoiceField(label=_("Who they are"), choices=SupportLetter.From.choices)
    dated = forms.DateField(label=_("Dated"), widget=forms.DateInput(attrs={"type": "date"}))
    upload = forms.FileField(label=_("The letter (PDF, office document, image or text)"))
