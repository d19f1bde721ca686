"""The demo's impact material, written through the services.

- Its programme (demo_impact_create): the system leader's region groups the demo networks into one
  funded scheme, with money entered on it, on a network and on one of its events, and every network's
  and programme's effect computed (the demo's networks joined this year, after the last year of
  results, so the page says "too few schools to tell" — as it would for a real programme this young).
- A survey and an evidence pack (impact_demo_create): a survey of the coordinator's first network,
  answered before and after by its schools' staff (so its page shows means, intervals and a change),
  and two letters of support in its evidence pack (the system leader's and a partner's); and, when that
  network is in a programme, the programme's survey of the staff of all its networks, opened by the
  system leader and answered before and after (so the programme's page shows its results)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import staff_role_add
from kindred.demo.texts import demo_language, demo_texts
from kindred.events.models import Event
from kindred.impact import services as impact
from kindred.impact.models import Programme, Survey
from kindred.impact.services import cost_add, effects_recompute, programme_create, programme_network_add
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.schools.models import Region
from kindred.voice import services as voice


def demo_impact_create(*, region: Region, leader: User, networks: list[Network]) -> Programme:
    words = demo_texts()["impact"]
    today = timezone.localdate()
    programme = programme_create(
        name=words["programme"],
        kind=Programme.Kind.SCHEME,
        region=region,
        by=leader,
        funder=words["funder"],
        description=words["description"],
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=610),
    )
    active = [n for n in networks if n.status == Network.Status.ACTIVE]
    for network in active:
        programme_network_add(programme=programme, network=network, by=leader)
    cost_add(
        programme=programme,
        description=words["cost_programme"],
        amount=Decimal("12000"),
        spent_on=today - timedelta(days=90),
        by=leader,
    )
    cost_add(
        programme=programme,
        network=active[0],
        description=words["cost_network"],
        amount=Decimal("3400"),
        spent_on=today - timedelta(days=30),
        by=leader,
    )
    event = (
        Event.objects.filter(network__in=active)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at")
        .first()
    )
    if event is not None:
        cost_add(
            programme=programme,
            event=event,
            description=words["cost_event"],
            amount=Decimal("180"),
            spent_on=today,
            by=leader,
        )
    effects_recompute()
    return programme


def _staff(network: Network, *, admin: User) -> list[tuple[User, object]]:
    """(person, school) for up to four staff of each member school, topped up to three with teachers."""
    people = []
    for membership in Membership.objects.active().filter(network=network).select_related("school"):
        staff = list(
            User.objects.filter(school_roles__school=membership.school).order_by("pk").distinct()[:4]
        )
        for k in range(len(staff), 3):
            user = User.objects.create_user(
                email=f"staff{k}.{membership.school.registry_id}@demo.kindred.example",
                password=None,
                full_name=demo_texts()["impact"]["staff"].format(n=k + 1, school=membership.school.name),
                language=demo_language(),
            )
            staff_role_add(user=user, school=membership.school, role=SchoolStaff.Role.TEACHER, by=admin)
            staff.append(user)
        people += [(person, membership.school) for person in staff]
    return people


def _answer(consultation, people, rng: random.Random, shift: float) -> None:
    questions = list(consultation.questions.all())
    remarks = demo_texts()["impact"]["remarks"]
    for person, school in people:
        answers = {}
        for question in questions:
            if question.kind == "scale":
                answers[question.pk] = str(max(1, min(5, round(rng.gauss(3.0 + shift, 0.9)))))
            else:
                answers[question.pk] = rng.choice(remarks)
        voice.response_save(consultation=consultation, school=school, answers=answers, by=person)


@transaction.atomic
def impact_demo_create(*, coordinator: User, leader: User, admin: User) -> dict:
    network = (
        Network.objects.filter(
            people_roles__user=coordinator,
            people_roles__role=NetworkRole.Role.COORDINATOR,
            people_roles__ended_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if network is None:
        return {}
    words = demo_texts()["impact"]
    rng = random.Random(25)
    people = _staff(network, admin=admin)
    survey = impact.survey_create(
        network=network,
        title=words["survey"],
        statements=words["statements"],
        questions=[words["question"]],
        min_respondents=5,
        by=coordinator,
    )
    _answer(survey.pre, people, rng, shift=0.0)
    survey = impact.survey_post_start(survey=survey, by=coordinator)
    assert survey.post is not None
    _answer(survey.post, people[: max(5, len(people) - 2)], rng, shift=0.7)
    programme_survey = _programme_survey(network=network, leader=leader, admin=admin, rng=rng)
    today = timezone.localdate()
    letters = []
    for writer, kind, by, days in (
        (words["authority_writer"].format(name=leader.full_name), "authority", leader, 20),
        (words["partner_writer"], "partner", coordinator, 45),
    ):
        body = words["letter"].format(name=network.name, year=network.created_at.year, writer=writer)
        letters.append(
            impact.support_letter_add(
                network=network,
                writer=writer,
                writer_kind=kind,
                dated=today - timedelta(days=days),
                upload=SimpleUploadedFile(words["letter_file"], body.encode(), content_type="text/plain"),
                by=by,
            )
        )
    return {
        "network": network,
        "survey": Survey.objects.get(pk=survey.pk),
        "letters": letters,
        "programme_survey": programme_survey,
    }


def _programme_survey(*, network: Network, leader: User, admin: User, rng: random.Random) -> Survey | None:
    """The survey of the first programme `network` is in (the system leader's), asked of the staff of
    all its networks, answered before and after."""
    programme = Programme.objects.filter(networks=network).order_by("pk").first()
    if programme is None:
        return None
    words = demo_texts()["impact"]
    people = []
    for member in programme.networks.order_by("pk"):
        people += [p for p in _staff(member, admin=admin) if p[0] not in {q[0] for q in people}]
    survey = impact.survey_create(
        programme=programme,
        title=words["programme_survey"],
        statements=words["programme_statements"],
        questions=[words["programme_question"]],
        min_respondents=5,
        by=leader,
    )
    _answer(survey.pre, people, rng, shift=-0.3)
    survey = impact.survey_post_start(survey=survey, by=leader)
    assert survey.post is not None
    _answer(survey.post, people[: max(5, len(people) - 3)], rng, shift=0.5)
    return Survey.objects.get(pk=survey.pk)
