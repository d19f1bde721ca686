"""Reads for consultations: what a person owns or is asked, and the aggregated results."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from kindred.accounts.models import SchoolStaff, User
from kindred.engine import consultation as maths
from kindred.networks.models import Membership
from kindred.schools.models import School
from kindred.voice.models import Answer, Consultation, Question
from kindred.voice.services import LEADER_ROLES, audience_schools


def owned_by(user: User) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("region", "network")
    return qs if user.is_superuser else qs.filter(owner=user)


def asked_of(user: User) -> list[tuple[Consultation, School]]:
    """(consultation, school) for every non-draft consultation that asks a school `user` answers for:
    a school they lead, or any school they work at when the consultation asks each person."""
    staff = list(SchoolStaff.objects.filter(user=user).select_related("school"))
    if not staff:
        return []
    schools = list({s.school_id: s.school for s in staff}.values())
    leads = {s.school_id for s in staff if s.role in LEADER_ROLES}
    network_ids = {
        school.pk: set(Membership.objects.active().filter(school=school).values_list("network_id", flat=True))
        for school in schools
    }
    condition = Q(audience=Consultation.Audience.NATIONAL)
    condition |= Q(audience=Consultation.Audience.REGION, region_id__in={s.region_id for s in schools})
    all_networks = set().union(*network_ids.values())
    condition |= Q(audience=Consultation.Audience.NETWORK, network_id__in=all_networks)
    condition |= Q(audience=Consultation.Audience.NETWORKS, networks__in=all_networks)
    found = (
        Consultation.objects.exclude(status=Consultation.Status.DRAFT)
        .filter(condition)
        .distinct()
        .prefetch_related("networks")
    )
    result = []
    for consultation in found:
        per_person = consultation.answered_by == Consultation.AnsweredBy.PERSON
        asked_networks = {n.pk for n in consultation.networks.all()}
        for school in schools:
            if not per_person and school.pk not in leads:
                continue
            if (
                consultation.audience == Consultation.Audience.NATIONAL
                or (
                    consultation.audience == Consultation.Audience.REGION
                    and consultation.region_id == school.region_id
                )
                or consultation.network_id in network_ids[school.pk]
                or asked_networks & network_ids[school.pk]
            ):
                result.append((consultation, school))
    return result


@dataclass
class QuestionResult:
    question: Question
    overall: object
    by_region: dict = field(default_factory=dict)
    by_network: dict = field(default_factory=dict)
    texts: list[Answer] = field(default_factory=list)
    themes: dict[str, int] = field(default_factory=dict)


@dataclass
class Answered:
    """Who has answered a consultation: `responses` (schools, or people when each person answers),
    the schools they came from, and the schools asked."""

    responses: int
    schools: int
    asked: int
    per_person: bool


def answered(consultation: Consultation) -> Answered:
    responses = consultation.responses.all()
    return Answered(
        responses=responses.count(),
        schools=responses.values("school_id").distinct().count(),
        asked=audience_schools(consultation).count(),
        per_person=consultation.answered_by == Consultation.AnsweredBy.PERSON,
    )


def _value(answer: Answer):
    kind = answer.question.kind
    return (
        answer.choice
        if kind == Question.Kind.CHOICE
        else answer.level
        if kind == Question.Kind.SCALE
        else answer.text
    )


def _summarise(question: Question, values: list):
    if question.kind == Question.Kind.CHOICE:
        return maths.choices(values, question.options)
    if question.kind == Question.Kind.SCALE:
        return maths.scale(values, top=question.scale_top)
    return len(values)


def results(consultation: Consultation) -> tuple[int, list[QuestionResult]]:
    """(number of schools that answered, each question's results overall, by region and by network)."""
    answers = list(
        Answer.objects.filter(response__consultation=consultation)
        .select_related("response__school__region", "question")
        .prefetch_related("themes")
    )
    school_ids = {a.response.school_id for a in answers}
    networks: dict[int, list[str]] = {}
    for school_id, name in (
        Membership.objects.active().filter(school_id__in=school_ids).values_list("school_id", "network__name")
    ):
        networks.setdefault(school_id, []).append(name)
    out = []
    for question in consultation.questions.all():
        mine = [a for a in answers if a.question_id == question.pk]

        values = [_value(a) for a in mine]
        by_region = maths.by_group(
            (a.response.school.region.name if a.response.school.region else "—", _value(a)) for a in mine
        )
        by_network = maths.by_group(
            (name, _value(a)) for a in mine for name in networks.get(a.response.school_id, [])
        )
        result = QuestionResult(
            question=question,
            overall=_summarise(question, values),
            by_region={group: _summarise(question, vals) for group, vals in by_region.items()},
            by_network={group: _summarise(question, vals) for group, vals in by_network.items()},
        )
        if question.kind == Question.Kind.TEXT:
            result.texts = mine
            result.themes = maths.theme_counts((a.pk, t.name) for a in mine for t in a.themes.all())
        out.append(result)
    return consultation.responses.count(), out
