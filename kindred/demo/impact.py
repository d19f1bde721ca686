"""The demo's impact material, written through the services.

- Its programme (demo_impact_create): the system leader's region groups the demo networks into one
  funded scheme, with money entered on it, on a network and on one of its events, and every network's
  and programme's effect computed (the demo's networks joined this year, after the last year of
  results, so the page says "too few schools to tell" — as it would for a real programme this young).
- A survey and an evidence pack (impact_demo_create): a survey of the coordinator's first network,
  answered before and after by its schools' staff (so its page shows means, intervals and a change),
  and two letters of support in its evidence pack (the system leader's and a partner's)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import staff_role_add
from kindred.events.models import Event
from kindred.impact import services as impact
from kindred.impact.models import Programme, Survey
from kindred.impact.services import cost_add, effects_recompute, programme_create, programme_network_add
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.schools.models import Region
from kindred.voice import services as voice


def demo_impact_create(*, region: Region, leader: User, networks: list[Network]) -> Programme:
    today = timezone.localdate()
    programme = programme_create(
        name="Schools Together 2025–2027",
        kind=Programme.Kind.SCHEME,
        region=region,
        by=leader,
        funder="The Regional Schools Trust",
        description="Clusters, a subject network and a mentoring partnership, funded to raise reading and maths.",
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=610),
    )
    active = [n for n in networks if n.status == Network.Status.ACTIVE]
    for network in active:
        programme_network_add(programme=programme, network=network, by=leader)
    cost_add(
        programme=programme,
        description="Evaluation and the programme's coordinator",
        amount=Decimal("12000"),
        spent_on=today - timedelta(days=90),
        by=leader,
    )
    cost_add(
        programme=programme,
        network=active[0],
        description="Supply cover for the network meetings",
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
            description="Room and refreshments",
            amount=Decimal("180"),
            spent_on=today,
            by=leader,
        )
    effects_recompute()
    return programme


STATEMENTS = [
    "I learn from colleagues in other schools",
    "I have tried something new in my teaching this term",
    "Our pupils benefit from the network",
]
LETTER = """To whom it may concern,

{name} has worked together since {year}: its schools host one another's training, share a
development plan and visit each other's classrooms. The authority supports its application.

{writer}
"""


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
                full_name=f"Teacher {k + 1} of {membership.school.name}",
            )
            staff_role_add(user=user, school=membership.school, role=SchoolStaff.Role.TEACHER, by=admin)
            staff.append(user)
        people += [(person, membership.school) for person in staff]
    return people


def _answer(consultation, people, rng: random.Random, shift: float) -> None:
    questions = list(consultation.questions.all())
    remarks = ["Visiting another school's classrooms", "The joint training day", "Sharing planning", ""]
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
    rng = random.Random(25)
    people = _staff(network, admin=admin)
    survey = impact.survey_create(
        network=network,
        title="Working together",
        statements=STATEMENTS,
        questions=["What helped you most?"],
        min_respondents=5,
        by=coordinator,
    )
    _answer(survey.pre, people, rng, shift=0.0)
    survey = impact.survey_post_start(survey=survey, by=coordinator)
    assert survey.post is not None
    _answer(survey.post, people[: max(5, len(people) - 2)], rng, shift=0.7)
    today = timezone.localdate()
    letters = []
    for writer, kind, by, days in (
        (f"{leader.full_name}, on behalf of the authority", "authority", leader, 20),
        ("Riverside University, School of Education", "partner", coordinator, 45),
    ):
        body = LETTER.format(name=network.name, year=network.created_at.year, writer=writer)
        letters.append(
            impact.support_letter_add(
                network=network,
                writer=writer,
                writer_kind=kind,
                dated=today - timedelta(days=days),
                upload=SimpleUploadedFile("letter-of-support.txt", body.encode(), content_type="text/plain"),
                by=by,
            )
        )
    return {"network": network, "survey": Survey.objects.get(pk=survey.pk), "letters": letters}
