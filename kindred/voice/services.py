"""Writes for consultations: one function per action, audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kindred.accounts.access import leads_organisation, leads_region
from kindred.accounts.models import Organisation, RegionalRole, SchoolStaff, User
from kindred.audit.services import audit
from kindred.networks.access import is_coordinator
from kindred.networks.models import Membership, Network
from kindred.schools.models import Region, School
from kindred.voice.models import (
    Answer,
    Consultation,
    Council,
    CouncilMember,
    Publication,
    Question,
    Response,
    Theme,
    round_title,
)

LEADER_ROLES = (SchoolStaff.Role.LEADER, SchoolStaff.Role.ADMINISTRATOR)
MAX_QUESTIONS = 50


def leads_council(user: User, council: Council) -> bool:
    """Whether `user` is one of the leaders the council advises, who run it: the organisation's
    administrators or the region's system leaders (accounts/access.py), and site administrators."""
    if council.organisation_id is not None:
        return leads_organisation(user, council.organisation_id)
    return leads_region(user, council.region_id)


def may_create(by: User, *, audience: str, region=None, network=None, council=None) -> bool:
    if not by.is_authenticated:
        return False
    if audience == Consultation.Audience.COUNCIL:
        return council is not None and leads_council(by, council)
    if by.is_superuser:
        return True
    if audience == Consultation.Audience.REGION:
        return region is not None and RegionalRole.objects.filter(user=by, region=region).exists()
    if audience == Consultation.Audience.NETWORK:
        return network is not None and is_coordinator(by, network)
    if audience == Consultation.Audience.NETWORKS:
        # Several networks are asked for a programme, whose system leaders ask (kindred/impact checks
        # that the programme is theirs).
        return RegionalRole.objects.filter(user=by).exists()
    return False


def audience_schools(consultation: Consultation):
    if consultation.audience == Consultation.Audience.COUNCIL:
        # A council's members speak from their schools: the schools of its members now.
        return School.objects.filter(
            pk__in=CouncilMember.objects.active()
            .filter(council_id=consultation.council_id)
            .values("school_id")
        )
    if consultation.audience == Consultation.Audience.REGION:
        # a region consultation always has its region (constraint consultation_audience_matches_target)
        return School.objects.filter(region_id=consultation.region_id)  # type: ignore[misc]
    if consultation.audience == Consultation.Audience.NETWORK:
        return School.objects.filter(
            pk__in=Membership.objects.active().filter(network_id=consultation.network_id).values("school_id")
        )
    if consultation.audience == Consultation.Audience.NETWORKS:
        return School.objects.filter(
            pk__in=Membership.objects.active()
            .filter(network__in=consultation.networks.values("pk"))
            .values("school_id")
        )
    return School.objects.all()


@transaction.atomic
def consultation_create(
    *,
    title: str,
    audience: str,
    by: User,
    description: str = "",
    region=None,
    network=None,
    closes_on: date | None = None,
    answered_by: str = Consultation.AnsweredBy.SCHOOL,
    min_respondents: int = 5,
    survey_round: Consultation.Round | str = "",
    title_params: dict | None = None,
    networks: list | None = None,
    council: Council | None = None,
    named: bool = False,
) -> Consultation:
    """A consultation in draft. A round of a network's survey (`survey_round`, kindred/impact) is
    titled from `title_params` (the survey's title: see voice.models.round_title), in each reader's
    language; its `title` is then the English form, kept for search and sorting."""
    if survey_round:
        with translation.override("en"):
            title = round_title(survey_round, title_params or {})
        if not title:
            raise ValidationError(_("A survey's round needs the survey's title."))
    if audience not in Consultation.Audience.values:
        raise ValidationError(_("Choose who is asked."))
    if audience == Consultation.Audience.REGION and region is None:
        raise ValidationError(_("Choose the region whose schools are asked."))
    if audience == Consultation.Audience.NETWORK and network is None:
        raise ValidationError(_("Choose the network whose schools are asked."))
    networks = list(networks or []) if audience == Consultation.Audience.NETWORKS else []
    if audience == Consultation.Audience.NETWORKS and not networks:
        raise ValidationError(_("Choose the networks whose schools are asked."))
    if audience == Consultation.Audience.COUNCIL:
        if council is None:
            raise ValidationError(_("Choose the advisory council whose members are asked."))
        answered_by = Consultation.AnsweredBy.PERSON  # each member once, for themselves
    if answered_by not in Consultation.AnsweredBy.values:
        raise ValidationError(_("Choose whether each school or each member of staff answers."))
    if not 3 <= min_respondents <= 1000:
        raise ValidationError(_("At least 3 answers are needed before results are shown."))
    if not may_create(by, audience=audience, region=region, network=network, council=council):
        if audience == Consultation.Audience.COUNCIL:
            raise ValidationError(_("The leaders the council advises ask its members."))
        raise ValidationError(
            _(
                "Site administrators ask every school; system leaders their region; coordinators their network."
            )
        )
    consultation = Consultation.objects.create(
        title=title[:200],
        survey_round=survey_round,
        title_params=(title_params or {}) if survey_round else {},
        description=description,
        owner=by,
        audience=audience,
        region=region if audience == Consultation.Audience.REGION else None,
        network=network if audience == Consultation.Audience.NETWORK else None,
        closes_on=closes_on,
        answered_by=answered_by,
        # A school's answers are its own; only a person's may go without their name.
        named=bool(named) and answered_by == Consultation.AnsweredBy.PERSON,
        council=council if audience == Consultation.Audience.COUNCIL else None,
        min_respondents=min_respondents,
    )
    if networks:
        consultation.networks.set(networks)
    audit(
        by,
        "consultation.created",
        consultation,
        audience=audience,
        answered_by=answered_by,
        named=consultation.named,
        council=consultation.council_id,
    )
    return consultation


@transaction.atomic
def question_add(
    *,
    consultation: Consultation,
    kind: str,
    text: str,
    by: User,
    options: list[str] | None = None,
    scale_top: int = 5,
) -> Question:
    if consultation.status != Consultation.Status.DRAFT:
        raise ValidationError(_("Questions are added while the consultation is a draft."))
    if consultation.questions.count() >= MAX_QUESTIONS:
        raise ValidationError(_("A consultation has at most %(n)s questions.") % {"n": MAX_QUESTIONS})
    options = [o.strip() for o in (options or []) if o.strip()]
    if kind == Question.Kind.CHOICE:
        if len(options) < 2 or len(set(options)) != len(options):
            raise ValidationError(_("A choice question needs at least two different options."))
    elif kind == Question.Kind.SCALE:
        if not 2 <= scale_top <= 10:
            raise ValidationError(_("A scale runs from 1 to between 2 and 10."))
        options = []
    elif kind == Question.Kind.TEXT:
        options = []
    else:
        raise ValidationError(_("Unknown kind of question."))
    question = Question.objects.create(
        consultation=consultation,
        kind=kind,
        text=text,
        options=options,
        scale_top=scale_top,
        position=consultation.questions.count(),
    )
    audit(by, "consultation.question_added", consultation, question=question.pk)
    return question


@transaction.atomic
def consultation_status_set(*, consultation: Consultation, status: str, by: User) -> Consultation:
    if status not in Consultation.Status.values or status == Consultation.Status.DRAFT:
        raise ValidationError(_("A consultation can be opened or closed."))
    if status == Consultation.Status.OPEN and not consultation.questions.exists():
        raise ValidationError(_("Add a question before opening the consultation."))
    old = consultation.status
    consultation.status = status
    consultation.save(update_fields=["status"])
    audit(by, "consultation.status_changed", consultation, status=status, was=old)
    return consultation


def is_open(consultation: Consultation) -> bool:
    return consultation.status == Consultation.Status.OPEN and (
        consultation.closes_on is None or consultation.closes_on >= timezone.localdate()
    )


def may_answer(user: User, consultation: Consultation, school: School) -> bool:
    """Whether `user` answers `consultation` for `school`: its leaders when the school answers, any
    member of its staff when each person does (the asked schools are checked apart); a council's
    members, each for themselves, from the school they speak from."""
    if consultation.audience == Consultation.Audience.COUNCIL:
        return (
            CouncilMember.objects.active()
            .filter(council_id=consultation.council_id, user=user, school=school)
            .exists()
        )
    staff = SchoolStaff.objects.filter(user=user, school=school)
    if consultation.answered_by == Consultation.AnsweredBy.SCHOOL:
        staff = staff.filter(role__in=LEADER_ROLES)
    return staff.exists()


def response_of(consultation: Consultation, school: School, user: User) -> Response | None:
    """The answers `user` would change: the school's, or their own when each person answers."""
    if consultation.answered_by == Consultation.AnsweredBy.PERSON:
        return consultation.responses.filter(respondent=user).first()
    return consultation.responses.filter(school=school, respondent__isnull=True).first()


def _clean_answer(question: Question, value: str) -> dict | None:
    value = (value or "").strip()
    if not value:
        return None
    if question.kind == Question.Kind.CHOICE:
        if value not in question.options:
            raise ValidationError(_("“%(value)s” is not one of the options.") % {"value": value[:50]})
        return {"choice": value}
    if question.kind == Question.Kind.SCALE:
        if not value.isdigit() or not 1 <= int(value) <= question.scale_top:
            raise ValidationError(_("Choose a number from 1 to %(top)s.") % {"top": question.scale_top})
        return {"level": int(value)}
    if len(value) > 5000:
        raise ValidationError(_("An answer has at most 5,000 characters."))
    return {"text": value}


@transaction.atomic
def response_save(
    *, consultation: Consultation, school: School, answers: dict[int, str], by: User
) -> Response:
    """Save (or replace) the school's answers — or, when the consultation asks each person, `by`'s own
    (one response per person, whichever of their schools they answer for); every answer is checked
    before anything is written."""
    if not is_open(consultation):
        raise ValidationError(_("This consultation is not open for answers."))
    if not audience_schools(consultation).filter(pk=school.pk).exists():
        raise ValidationError(_("This consultation is not asked of your school."))
    per_person = consultation.answered_by == Consultation.AnsweredBy.PERSON
    if not may_answer(by, consultation, school):
        if consultation.audience == Consultation.Audience.COUNCIL:
            raise ValidationError(_("The council's members answer it."))
        if per_person:
            raise ValidationError(_("The school's staff answer it."))
        raise ValidationError(_("The school's leaders answer for it."))
    questions = {q.pk: q for q in consultation.questions.all()}
    if set(answers) - set(questions):
        raise ValidationError(_("Those questions are not part of this consultation."))
    cleaned = {}
    problems = []
    for question_id, value in answers.items():
        try:
            cleaned[question_id] = _clean_answer(questions[question_id], value)
        except ValidationError as error:
            problems.append(f"{questions[question_id].text}: {' '.join(error.messages)}")
    if problems:
        raise ValidationError(problems)
    if per_person:
        response, _created = Response.objects.select_for_update().get_or_create(
            consultation=consultation, respondent=by, defaults={"school": school, "submitted_by": by}
        )
        response.school = school
    else:
        response, _created = Response.objects.select_for_update().get_or_create(
            consultation=consultation, school=school, respondent=None, defaults={"submitted_by": by}
        )
    response.submitted_by = by
    response.save()
    for question_id, fields in cleaned.items():
        if fields is None:
            Answer.objects.filter(response=response, question_id=question_id).delete()
        else:
            Answer.objects.update_or_create(
                response=response,
                question_id=question_id,
                defaults={"choice": "", "level": None, "text": "", **fields},
            )
    audit(by, "consultation.answered", consultation, school=school.registry_id, per_person=per_person)
    return response


@transaction.atomic
def theme_tag(*, answer: Answer, name: str, by: User) -> Theme:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError(_("A theme is a short name of up to 100 characters."))
    if answer.question.kind != Question.Kind.TEXT:
        raise ValidationError(_("Themes are for free-text answers."))
    theme, _created = Theme.objects.get_or_create(question=answer.question, name=name)
    answer.themes.add(theme)
    audit(by, "consultation.answer_tagged", answer.question.consultation, theme=name)
    return theme


# Advisory councils (issue 23, item 6) ------------------------------------------------------------


@transaction.atomic
def council_create(
    *,
    name: str,
    by: User,
    purpose: str = "",
    organisation: Organisation | None = None,
    region: Region | None = None,
) -> Council:
    """A council advising an organisation's leaders or a region's, started by one of them."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the council a name."))
    if (organisation is None) == (region is None):
        raise ValidationError(_("Choose the organisation or the region whose leaders the council advises."))
    if organisation is not None:
        leads = leads_organisation(by, organisation.pk)
    else:
        leads = leads_region(by, region.pk if region is not None else None)
    if not leads:
        raise ValidationError(_("A council is started by the leaders it advises."))
    council = Council.objects.create(
        name=name[:200],
        purpose=(purpose or "").strip()[:2000],
        organisation=organisation,
        region=region,
        created_by=by,
    )
    audit(
        by,
        "council.created",
        council,
        organisation=organisation.pk if organisation else None,
        region=region.pk if region else None,
    )
    return council


def _check_leads(by: User, council: Council) -> None:
    if not leads_council(by, council):
        raise ValidationError(_("Only the leaders the council advises do this."))


@transaction.atomic
def council_member_invite(
    *,
    council: Council,
    person: User,
    by: User,
    school: School | None = None,
    network: Network | None = None,
    message: str = "",
) -> CouncilMember:
    """The council's leaders invite a member of staff of a school (of the region, for a region's
    council) to sit on it, speaking from that school and, if named, for one of its communities; the
    person accepts or declines on the council's page."""
    _check_leads(by, council)
    if not person.is_active:
        raise ValidationError(_("%(person)s's account is not active.") % {"person": person})
    schools = School.objects.filter(staff__user=person).distinct().order_by("pk")
    if council.region_id is not None:
        schools = schools.filter(region_id=council.region_id)
    if school is None:
        school = schools.first()
    elif not schools.filter(pk=school.pk).exists():
        school = None
    if school is None:
        raise ValidationError(
            _("%(person)s is not on the staff of a school the council's members come from.")
            % {"person": person}
        )
    if network is not None:
        member_school = Membership.objects.active().filter(network=network, school=school).exists()
        if not member_school or network.status == Network.Status.CLOSED:
            raise ValidationError(
                _("%(school)s is not a member of %(network)s.")
                % {"school": school.name, "network": network.display_name}
            )
    if CouncilMember.objects.open().filter(council=council, user=person).exists():
        raise ValidationError(
            _("%(person)s is already on %(council)s or invited to it.")
            % {"person": person, "council": council}
        )
    member = CouncilMember.objects.create(
        council=council,
        user=person,
        school=school,
        network=network,
        message=" ".join(message.split())[:500],
        invited_by=by,
    )
    audit(by, "council.member_invited", member, council=council.pk, person=person.pk)
    return member


@transaction.atomic
def council_invitation_answer(*, member: CouncilMember, accept: bool, by: User) -> CouncilMember:
    """The invited person accepts (they are a member from now on) or declines; nobody else may."""
    member = CouncilMember.objects.select_for_update().get(pk=member.pk)
    if by.pk != member.user_id:
        raise ValidationError(_("Only the person invited answers an invitation."))
    if member.status != CouncilMember.Status.INVITED:
        raise ValidationError(_("This invitation has been answered already."))
    member.status = CouncilMember.Status.ACTIVE if accept else CouncilMember.Status.DECLINED
    member.decided_at = timezone.now()
    member.save(update_fields=["status", "decided_at"])
    audit(
        by,
        "council.member_joined" if accept else "council.invitation_declined",
        member,
        council=member.council_id,
    )
    return member


@transaction.atomic
def council_member_end(*, member: CouncilMember, by: User, reason: str = "") -> CouncilMember:
    """A member leaves the council; or its leaders end a member's place, or withdraw an invitation
    not yet answered; with a reason kept in the council's history. Their answers stay."""
    member = CouncilMember.objects.select_for_update().select_related("council").get(pk=member.pk)
    own = by.pk == member.user_id
    if not own:
        _check_leads(by, member.council)
    if member.status == CouncilMember.Status.INVITED:
        if own:
            raise ValidationError(_("Decline the invitation instead."))
        member.status = CouncilMember.Status.WITHDRAWN
        member.decided_at = timezone.now()
        action = "council.invitation_withdrawn"
    elif member.status == CouncilMember.Status.ACTIVE:
        member.status = CouncilMember.Status.LEFT if own else CouncilMember.Status.REMOVED
        action = "council.member_left" if own else "council.member_removed"
    else:
        raise ValidationError(_("This place on the council has ended already."))
    member.ended_at, member.ended_by = timezone.now(), by
    member.end_reason = " ".join(reason.split())[:300]
    member.save(update_fields=["status", "decided_at", "ended_at", "ended_by", "end_reason"])
    audit(by, action, member, council=member.council_id, reason=member.end_reason)
    return member


def council_consultation_create(
    *,
    council: Council,
    title: str,
    by: User,
    description: str = "",
    closes_on: date | None = None,
    named: bool = False,
    min_respondents: int = 3,
) -> Consultation:
    """A consultation of the council's members (each once, for themselves; named or anonymous as
    its leaders choose), in draft: questions are added, then it is opened, as any consultation."""
    return consultation_create(
        title=title,
        audience=Consultation.Audience.COUNCIL,
        council=council,
        by=by,
        description=description,
        closes_on=closes_on,
        answered_by=Consultation.AnsweredBy.PERSON,
        named=named,
        min_respondents=min_respondents,
    )


@transaction.atomic
def consultation_publish(
    *, consultation: Consultation, text: str, with_results: bool, by: User
) -> Publication:
    """The council's leaders publish back to its members what they make of a closed consultation's
    answers (their words as typed; the results, when they choose, as counts and means); published
    again, it is amended."""
    if consultation.audience != Consultation.Audience.COUNCIL or consultation.council is None:
        raise ValidationError(_("Responses are published to an advisory council's members."))
    _check_leads(by, consultation.council)
    if consultation.status != Consultation.Status.CLOSED:
        raise ValidationError(_("Close the consultation to answers before publishing your response."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write what you make of the answers for the members."))
    if len(text) > 5000:
        raise ValidationError(_("A response has at most 5,000 characters."))
    publication = Publication.objects.select_for_update().filter(consultation=consultation).first()
    if publication is None:
        publication = Publication.objects.create(
            consultation=consultation, text=text, with_results=with_results, published_by=by
        )
        audit(by, "consultation.response_published", consultation, with_results=with_results)
    else:
        publication.text, publication.with_results = text, with_results
        publication.published_by, publication.amended_at = by, timezone.now()
        publication.save(update_fields=["text", "with_results", "published_by", "amended_at"])
        audit(by, "consultation.response_amended", consultation, with_results=with_results)
    return publication
