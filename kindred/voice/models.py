"""The schools' voice: a region, a network or the whole programme (an exam board, a ministry) asks its
schools a question or runs a short consultation; each school answers once (or, when it asks people,
each member of staff once, anonymously or named as its owner chose: a network's or a programme's
survey, kindred/impact); the owner reads the results.

An advisory council (issue 23, item 6; `Council`) is a standing group of people from member schools
and communities who advise an organisation's leaders (an exam board's) or a region's (its system
leaders). Its leaders invite members, who accept or decline (`CouncilMember`: every invitation and
its end kept); they ask the council's members a consultation (audience "council": each member
answers once), read the answers, and publish back what they make of them (`Publication`)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
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
        #: An advisory council's consultation: each of the council's members (`council`) once.
        COUNCIL = "council", _("The members of an advisory council")

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
    #: The advisory council asked, when the audience is a council; its leaders read the answers.
    council = models.ForeignKey(
        "voice.Council", null=True, blank=True, on_delete=models.CASCADE, related_name="consultations"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    answered_by = models.CharField(
        _("answered by"), max_length=8, choices=AnsweredBy.choices, default=AnsweredBy.SCHOOL
    )
    #: When each person answers: whether their name goes with their answers to whoever reads the
    #: results (named), or never does (anonymous: no name and no school beside an answer, and no
    #: group smaller than `min_respondents` broken out). A school's answers are always its own.
    named = models.BooleanField(_("answers carry the name of who gave them"), default=False)
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
                condition=(
                    Q(audience="region")
                    & Q(region__isnull=False)
                    & Q(network__isnull=True)
                    & Q(council__isnull=True)
                )
                | (
                    Q(audience="network")
                    & Q(network__isnull=False)
                    & Q(region__isnull=True)
                    & Q(council__isnull=True)
                )
                | (
                    Q(audience="national")
                    & Q(region__isnull=True)
                    & Q(network__isnull=True)
                    & Q(council__isnull=True)
                )
                | (
                    Q(audience="networks")
                    & Q(region__isnull=True)
                    & Q(network__isnull=True)
                    & Q(council__isnull=True)
                )
                | (
                    Q(audience="council")
                    & Q(council__isnull=False)
                    & Q(region__isnull=True)
                    & Q(network__isnull=True)
                    & Q(answered_by="person")
                ),
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


class Council(models.Model):
    """An advisory council (issue 23, item 6): a standing group of people from member schools and
    communities whose consultations go to the leaders it advises, who publish back what they make of
    the answers. It advises either an organisation (an exam board: its administrators lead it) or a
    region (its system leaders lead it); site administrators lead every council."""

    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("what it advises on"), blank=True, max_length=2000)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="councils",
        verbose_name=_("organisation"),
    )
    region = models.ForeignKey(
        "schools.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="councils",
        verbose_name=_("region"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False, region__isnull=True)
                | Q(organisation__isnull=True, region__isnull=False),
                name="council_advises_an_organisation_or_a_region",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("council_detail", args=[self.pk])

    @property
    def advises(self):
        """The organisation or the region whose leaders the council advises."""
        return self.organisation or self.region


class CouncilMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=CouncilMember.Status.ACTIVE)

    def open(self):
        return self.filter(status__in=[CouncilMember.Status.INVITED, CouncilMember.Status.ACTIVE])


class CouncilMember(models.Model):
    """A person's place on a council, from the invitation to its end: the council's leaders invite a
    member of staff of a school (speaking from that school, and for a community when one is named);
    the person accepts or declines; the member leaves, or the leaders end the place, with a reason.
    Rows are never deleted: the council's history is read from them."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Invitation withdrawn")
        LEFT = "left", _("Left")
        REMOVED = "removed", _("Place ended by the leaders")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_places"
    )
    #: The school the member speaks from (one they work at): their answers are given for it.
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="+", verbose_name=_("school")
    )
    #: The community (a network their school is a member of) they speak for, if any.
    network = models.ForeignKey(
        "networks.Network",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("community they speak for"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    message = models.CharField(_("message"), max_length=500, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    #: When the invitation was accepted, declined or withdrawn.
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = CouncilMemberQuerySet.as_manager()

    class Meta:
        ordering = ["council", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user"],
                condition=Q(status__in=["invited", "active"]),
                name="councilmember_one_open_place_per_person",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="councilmember_user_status_idx")]

    def __str__(self) -> str:
        return _("%(person)s on %(council)s") % {"person": self.user, "council": self.council}


class Publication(models.Model):
    """What a council's leaders publish back to its members about a consultation's answers: their
    own words, as typed, and whether the aggregated results go with them (counts and means, never an
    answer or who gave it; nothing when fewer than `min_respondents` answered). It may be amended;
    each change is in the audit log."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="publication")
    text = models.TextField(_("what the leaders make of the answers"), max_length=5000)
    with_results = models.BooleanField(_("show the members the results"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    amended_at = models.DateTimeField(_("amended"), null=True, blank=True)

    def __str__(self) -> str:
        return _("Response to %(consultation)s") % {"consultation": self.consultation}
