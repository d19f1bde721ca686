"""Reads for consultations: what a person owns or is asked, and the aggregated results."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from kindred.accounts.access import is_site_admin, organisations_led, regions_led
from kindred.accounts.models import SchoolStaff, User
from kindred.engine import consultation as maths
from kindred.networks.models import Membership
from kindred.schools.models import School
from kindred.voice.models import Answer, Consultation, Council, CouncilMember, Publication, Question, Response
from kindred.voice.services import LEADER_ROLES, audience_schools


def owned_by(user: User) -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("region", "network")
    return qs if user.is_superuser else qs.filter(owner=user)


def asked_of(user: User) -> list[tuple[Consultation, School]]:
    """(consultation, school) for every non-draft consultation that asks a school `user` answers for:
    a school they lead, or any school they work at when the consultation asks each person; and each
    consultation of an advisory council they are a member of, with the school they speak from."""
    places = {
        place.council_id: place.school
        for place in CouncilMember.objects.active().filter(user=user).select_related("school")
    }
    of_councils = [
        (consultation, places[consultation.council_id])
        for consultation in Consultation.objects.exclude(status=Consultation.Status.DRAFT)
        .filter(audience=Consultation.Audience.COUNCIL, council_id__in=places)
        .select_related("council")
    ]
    return of_councils + _asked_of_schools(user)


def _asked_of_schools(user: User) -> list[tuple[Consultation, School]]:
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
    # (a council's consultations are asked of its members, above, not of their schools)
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
    #: When each person answers: by the school they answered from.
    by_school: dict = field(default_factory=dict)
    #: When the answers come from more than one country.
    by_country: dict = field(default_factory=dict)
    #: Anonymous answers: how many groups (of every breakdown) had too few answers to be shown.
    withheld: int = 0
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
    #: A council's consultation: `asked` counts its members, not schools.
    council: bool = False


def answered(consultation: Consultation) -> Answered:
    responses = consultation.responses.all()
    council = consultation.audience == Consultation.Audience.COUNCIL
    return Answered(
        responses=responses.count(),
        schools=responses.values("school_id").distinct().count(),
        asked=(
            CouncilMember.objects.active().filter(council_id=consultation.council_id).count()
            if council
            else audience_schools(consultation).count()
        ),
        per_person=consultation.answered_by == Consultation.AnsweredBy.PERSON,
        council=council,
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


def _country(school: School) -> str:
    return school.country or (school.region.country if school.region else "") or "—"


def results(consultation: Consultation) -> tuple[int, list[QuestionResult]]:
    """(number of schools — or people — that answered, each question's results overall, by region,
    by network, by country when there are several, and by school when each person answers).

    Anonymous answers of people (`named` off) are never shown with a group smaller than the
    consultation's `min_respondents`: such groups are left out of every breakdown and counted in
    `withheld`, so no answer can be traced to its author by their school or region."""
    answers = list(
        Answer.objects.filter(response__consultation=consultation)
        .select_related("response__school__region", "response__respondent", "question")
        .prefetch_related("themes")
    )
    per_person = consultation.answered_by == Consultation.AnsweredBy.PERSON
    fewest = consultation.min_respondents if per_person and not consultation.named else 0
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
        by_country = maths.by_group((_country(a.response.school), _value(a)) for a in mine)
        by_school = maths.by_group((a.response.school.name, _value(a)) for a in mine) if per_person else {}
        result = QuestionResult(question=question, overall=_summarise(question, values))
        for name, grouped in (
            ("by_region", by_region),
            ("by_network", by_network),
            ("by_country", by_country if len(by_country) > 1 else {}),
            ("by_school", by_school),
        ):
            shown = {group: vals for group, vals in grouped.items() if len(vals) >= fewest}
            result.withheld += len(grouped) - len(shown)
            setattr(result, name, {group: _summarise(question, vals) for group, vals in shown.items()})
        if question.kind == Question.Kind.TEXT:
            result.texts = mine
            result.themes = maths.theme_counts((a.pk, t.name) for a in mine for t in a.themes.all())
        out.append(result)
    return consultation.responses.count(), out


# Advisory councils (issue 23, item 6) ------------------------------------------------------------


def councils_led(user: User) -> QuerySet[Council]:
    """The councils `user` runs as one of the leaders they advise (every one for a site admin)."""
    qs = Council.objects.select_related("organisation", "region").order_by("name", "pk")
    if is_site_admin(user):
        return qs
    return qs.filter(Q(organisation__in=organisations_led(user)) | Q(region__in=regions_led(user)))


def places_of(user: User) -> QuerySet[CouncilMember]:
    """The person's open places on councils: invitations waiting for their answer, and memberships."""
    return (
        CouncilMember.objects.open()
        .filter(user=user)
        .select_related("council__organisation", "council__region", "school", "network")
        .order_by("council__name", "pk")
    )


@dataclass
class CouncilPage:
    members: list[CouncilMember]
    invited: list[CouncilMember]
    history: list[CouncilMember]
    consultations: list[Consultation]


def council_page(council: Council, *, leader: bool) -> CouncilPage:
    """Who is on the council, who is invited, its past places (newest first), and its consultations:
    every one for its leaders, the open and closed ones for its members."""
    places = list(
        council.members.select_related("user", "school", "network", "ended_by").order_by("invited_at", "pk")
    )
    consultations = council.consultations.select_related("publication").order_by("-created_at", "-pk")
    if not leader:
        consultations = consultations.exclude(status=Consultation.Status.DRAFT)
    return CouncilPage(
        members=[p for p in places if p.status == CouncilMember.Status.ACTIVE],
        invited=[p for p in places if p.status == CouncilMember.Status.INVITED],
        history=sorted(
            (
                p
                for p in places
                if p.status not in (CouncilMember.Status.ACTIVE, CouncilMember.Status.INVITED)
            ),
            key=lambda p: (p.ended_at or p.decided_at or p.invited_at),
            reverse=True,
        ),
        consultations=list(consultations),
    )


def publication_of(consultation: Consultation) -> Publication | None:
    return Publication.objects.filter(consultation=consultation).select_related("published_by").first()


def published_results(consultation: Consultation) -> list[QuestionResult] | None:
    """The results the members read with a publication: each question overall (counts and means,
    the free text's themes counted, never an answer), or None when fewer than `min_respondents`
    answered, so that no member's answer can be worked out from them."""
    responses, found = results(consultation)
    if responses < consultation.min_respondents:
        return None
    return [QuestionResult(question=r.question, overall=r.overall, themes=r.themes) for r in found]


def council_invitations_waiting(user: User) -> QuerySet[CouncilMember]:
    """The person's invitations to sit on a council, not answered yet (the home page's "waiting")."""
    return (
        CouncilMember.objects.filter(user=user, status=CouncilMember.Status.INVITED)
        .select_related("council")
        .order_by("invited_at", "pk")
    )


def council_asks_waiting(user: User, *, today) -> QuerySet[Consultation]:
    """The open consultations of the councils the person sits on that they have not answered yet."""
    return (
        Consultation.objects.filter(
            audience=Consultation.Audience.COUNCIL,
            status=Consultation.Status.OPEN,
            council__in=CouncilMember.objects.active().filter(user=user).values("council_id"),
        )
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .exclude(pk__in=Response.objects.filter(respondent=user).values("consultation_id"))
        .select_related("council")
        .order_by("closes_on", "pk")
    )
