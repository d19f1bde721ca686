"""The schools' voice: a region, a network or the whole programme (an exam board, a ministry) asks its
schools a question or runs a short consultation; each school answers once (or, when it asks people,
each member of staff once: a network's or a programme's survey, kindred/impact); the owner reads the
results."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred.core.changes import ChangeTracked


def round_title(survey_round: str, params: dict) -> str:
    """The title of a round of a network's survey, in the active language ("" if the consultation is
    not such a round, or its parameters are incomplete: the stored title is shown then)."""
    try:
        if survey_round == Consultation.Round.BEFORE:
            return _("%(title)s: before") % {"title": params["title"]}
        if survey_round == Consultation.Round.AFTER:
            return _("%(title)s: after") % {"title": params["title"]}
    except (KeyError, TypeError):
        return ""
    return ""


class Consultation(ChangeTracked):
    class Audience(models.TextChoices):
        REGION = "region", _("The schools of a region")
        NETWORK = "network", _("The member schools of a network")
        NATIONAL = "national", _("Every school")
        #: A programme's survey (kindred/impact): the member schools of the networks in `networks`.
        NETWORKS = "networks", _("The member schools of several networks")

    class AnsweredBy(models.TextChoices):
        SCHOOL = "school", _("Each school once, by its leaders")
        PERSON = "person", _("Each member of staff once")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for answers")
        CLOSED = "closed", _("Closed")

    class Round(models.TextChoices):
        """Which round of a network's survey (kindred/impact) a consultation is, whose title Kindred
        words from the survey's (blank: a person titled it, as typed)."""

        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    # The title as a person typed it; for a survey's round (`survey_round`), its title in English,
    # kept for search and sorting: pages show `display_title`, in the reader's language.
    title = models.CharField(_("title"), max_length=200)
    # A survey's round: which one, and the data its title is made of (the survey's title, as typed),
    # never the generated words.
    survey_round = models.CharField(_("survey round"), max_length=8, choices=Round.choices, blank=True)
    title_params = models.JSONField(_("title parameters"), default=dict, blank=True)
    description = models.TextField(_("what it is for"), blank=True, max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="consultations"
    )
    audience = models.CharField(_("asked of"), max_length=8, choices=Audience.choices)
    region = models.ForeignKey(
        "schools.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    network = models.ForeignKey(
        "networks.Network", null=True, blank=True, on_delete=models.CASCADE, related_name="consultations"
    )
    #: The networks asked, when the audience is several networks (a programme's, as they were when the
    #: round opened).
    networks = models.ManyToManyField("networks.Network", blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    answered_by = models.CharField(
        _("answered by"), max_length=8, choices=AnsweredBy.choices, default=AnsweredBy.SCHOOL
    )
    #: Results shown beyond the owner (a network's survey on its impact page) need at least this many
    #: answers in the group shown; fewer, and nothing of the group is shown (engine/survey.py).
    min_respondents = models.PositiveSmallIntegerField(
        _("fewest answers before results are shown"), default=5, validators=[MinValueValidator(3)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_respondents__gte=3), name="consultation_min_respondents_at_least_3"
            ),
            models.CheckConstraint(
                condition=(Q(audience="region") & Q(region__isnull=False) & Q(network__isnull=True))
                | (Q(audience="network") & Q(network__isnull=False) & Q(region__isnull=True))
                | (Q(audience="national") & Q(region__isnull=True) & Q(network__isnull=True))
                | (Q(audience="networks") & Q(region__isnull=True) & Q(network__isnull=True)),
                name="consultation_audience_matches_target",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("consultation_detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        """The title in the active language: a person's title as typed; a survey round's, with its
        words in the reader's language around the survey's title."""
        return round_title(self.survey_round, self.title_params) or self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("One choice from a list")
        SCALE = "scale", _("A scale")
        TEXT = "text", _("Free text")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    options = models.JSONField(default=list, blank=True)
    scale_top = models.PositiveSmallIntegerField(_("scale from 1 to"), default=5)

    class Meta:
        ordering = ["consultation", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One school's answers (or, when the consultation asks people, one person's, given for the school
    they work at); they may be changed while the consultation is open."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="consultation_responses"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Who answered, when the consultation asks each person once (never shown with the answers; the
    #: answers go with the person's account when it is deleted).
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consultation_responses",
    )
    submitted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "school"],
                condition=Q(respondent__isnull=True),
                name="response_once_per_school",
            ),
            models.UniqueConstraint(
                fields=["consultation", "respondent"],
                condition=Q(respondent__isnull=False),
                name="response_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} → {self.consultation}"


class Theme(models.Model):
    """A theme the owner gives free-text answers while reading them."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("theme"), max_length=100)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["question", "name"], name="theme_unique_per_question")]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True, max_length=5000)
    themes = models.ManyToManyField(Theme, blank=True, related_name="answers")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_once_per_question")
        ]

    def __str__(self) -> str:
        return self.choice or (str(self.level) if self.level else self.text[:60])
