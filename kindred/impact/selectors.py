"""Reads for impact: a network's or a programme's outcome effect on each measure with results in several
years; a network's or a programme's surveys' results."""

from dataclasses import dataclass

from django.db.models import Count

from kindred.accounts.models import User
from kindred.engine import survey as survey_maths
from kindred.engine.impact import ImpactEstimate
from kindred.impact.loading import measure_panels, school_rows
from kindred.impact.models import NetworkEffect, Programme, ProgrammeEffect, Survey
from kindred.networks.models import Membership, Network
from kindred.voice.models import Answer, Consultation, Question
from kindred.voice.services import audience_schools


@dataclass(frozen=True)
class MeasureEffect:
    measure: str
    years: tuple[int, ...]
    estimate: ImpactEstimate


def network_effects(*, network: Network) -> list[MeasureEffect]:
    """The effect of taking part on the network's schools (those ever members), one per outcome measure.

    Each school counts from the first school year it took part in any network (impact.loading), so
    for a school that was in another network before, this is the effect of collaborating, not of this
    network alone (docs/impact.md)."""
    table, panels = measure_panels()
    rows = school_rows(table, network.memberships.values_list("school_id", flat=True))
    return [MeasureEffect(p.measure, p.years, p.panel.estimate(rows)) for p in panels]


def stored_effects(*, network: Network) -> list[NetworkEffect]:
    """The network's effects from the last recompute (`kindred impact --recompute`), by measure name."""
    return list(
        NetworkEffect.objects.filter(network=network).select_related("measure").order_by("measure__name")
    )


def programme_schools(programme: Programme) -> set[int]:
    """Every school ever a member of one of the programme's networks."""
    return set(
        Membership.objects.filter(network__programmes=programme)
        .values_list("school_id", flat=True)
        .distinct()
    )


def programme_effects(*, programme: Programme) -> list[MeasureEffect]:
    """The effect of taking part on the schools of the programme's networks, as one unit, per outcome
    measure (each school from the first school year it took part in any network)."""
    table, panels = measure_panels()
    rows = school_rows(table, programme_schools(programme))
    return [MeasureEffect(p.measure, p.years, p.panel.estimate(rows)) for p in panels]


def stored_programme_effects(*, programme: Programme) -> list[ProgrammeEffect]:
    """The programme's effects from the last recompute, by measure name."""
    return list(
        ProgrammeEffect.objects.filter(programme=programme)
        .select_related("measure")
        .order_by("measure__name")
    )


# --- surveys: response rates and Likert results with intervals, hidden below the minimum -------------


@dataclass(frozen=True)
class SurveyRound:
    consultation: Consultation
    asked: int  # staff (active accounts) of the schools the round asks, now
    answered: int
    rate: float | None


@dataclass(frozen=True)
class StatementResult:
    text: str
    top: int
    pre: survey_maths.LikertSummary | None  # None: fewer answers than the minimum (or none)
    post: survey_maths.LikertSummary | None
    change: survey_maths.Change | None
    pre_answered: int
    post_answered: int


@dataclass(frozen=True)
class WrittenQuestion:
    text: str
    answers: int  # how many wrote something (pre and post); the texts are read by the survey's owner
    shown: bool


@dataclass(frozen=True)
class SurveyResults:
    survey: Survey
    minimum: int
    pre: SurveyRound
    post: SurveyRound | None
    statements: list[StatementResult]
    written: list[WrittenQuestion]


def _round(consultation: Consultation) -> SurveyRound:
    schools = audience_schools(consultation)
    asked = User.objects.filter(is_active=True, school_roles__school__in=schools).distinct().count()
    answered = consultation.responses.count()
    return SurveyRound(consultation, asked, answered, survey_maths.response_rate(answered, asked))


def _levels(consultation: Consultation | None) -> dict[int, list[int]]:
    """Question position → the levels answered (scale questions)."""
    if consultation is None:
        return {}
    found: dict[int, list[int]] = {}
    for position, level in Answer.objects.filter(response__consultation=consultation).values_list(
        "question__position", "level"
    ):
        if level is not None:
            found.setdefault(position, []).append(level)
    return found


def survey_results(
    *, network: Network | None = None, programme: Programme | None = None
) -> list[SurveyResults]:
    """Each of the network's (or the programme's) surveys: response rates of both rounds and, for each
    statement, the mean with its 95% interval in each round and the change — each only when enough
    people answered (the consultation's `min_respondents`; engine/survey.py)."""
    if (network is None) == (programme is None):
        raise ValueError("Surveys of a network or of a programme.")
    found = Survey.objects.filter(network=network) if network else Survey.objects.filter(programme=programme)
    out = []
    for survey in found.select_related("pre", "post"):
        minimum = survey.pre.min_respondents
        pre_levels, post_levels = _levels(survey.pre), _levels(survey.post)
        written_counts = dict(
            Answer.objects.filter(
                response__consultation__in=[c for c in (survey.pre, survey.post) if c is not None]
            )
            .exclude(text="")
            .values("question__position")
            .annotate(n=Count("pk"))
            .values_list("question__position", "n")
        )
        statements, written = [], []
        for question in survey.pre.questions.all():
            if question.kind == Question.Kind.SCALE:
                before = pre_levels.get(question.position, [])
                after = post_levels.get(question.position, [])
                pre = survey_maths.likert(before, top=question.scale_top, minimum=minimum)
                post = survey_maths.likert(after, top=question.scale_top, minimum=minimum)
                statements.append(
                    StatementResult(
                        text=question.text,
                        top=question.scale_top,
                        pre=pre,
                        post=post,
                        change=survey_maths.change(pre, post),
                        pre_answered=len(before),
                        post_answered=len(after),
                    )
                )
            elif question.kind == Question.Kind.TEXT:
                n = written_counts.get(question.position, 0)
                written.append(WrittenQuestion(text=question.text, answers=n, shown=n >= minimum))
        out.append(
            SurveyResults(
                survey=survey,
                minimum=minimum,
                pre=_round(survey.pre),
                post=_round(survey.post) if survey.post is not None else None,
                statements=statements,
                written=written,
            )
        )
    return out
