"""Personas' API tokens and a small world for them to read: two regions, a located school in each
with a support category, measure values and relative performance, a public and a private network of
school X, events (teacher X registered for the private network's), library resources (public,
in the public network, in the private one), a development plan in each network, and a consultation
of region A by its system leader, answered by school X."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kindred.accounts.models import RegionalRole, User
from kindred.api.services import token_create
from kindred.events.models import Event
from kindred.events.services import registration_create
from kindred.evidence.models import EvidenceRun, FamilyMember, Performance, SupportCategory
from kindred.library.models import Resource
from kindred.library.services import resource_create
from kindred.plans.services import action_add, plan_create, priority_add
from kindred.schools.models import MeasureDefinition, SchoolMeasure
from kindred.voice.services import response_save
from tests.voice.conftest import open_consultation


@pytest.fixture
def leader_b(region_b):
    """A system leader of region B: another region's leader to X."""
    user = User.objects.create_user(
        email="leader.b@example.org", password="not used here", full_name="Leader B"
    )
    RegionalRole.objects.create(user=user, region=region_b)
    return user


@pytest.fixture
def api_world(school_x, school_y, network_x, private_network_x, school_leader_x, teacher_x, system_leader):
    for school, (lat, lon) in ((school_x, (51.4816, -3.1791)), (school_y, (53.4808, -2.2426))):
        school.latitude, school.longitude = lat, lon
        school.save()
    SupportCategory.objects.create(school=school_x, category="amber", source="derived")
    SupportCategory.objects.create(school=school_y, category="red", source="derived")
    reading = MeasureDefinition.objects.create(
        code="ks2_read", name="Reading", domain="reading", kind="outcome", higher_is_better=True
    )
    for school, value in ((school_x, 104.5), (school_y, 99.0)):
        SchoolMeasure.objects.create(school=school, measure=reading, year=2024, value=value, cohort=41)
    run = EvidenceRun.objects.create(kind=EvidenceRun.Kind.PERFORMANCE, status=EvidenceRun.Status.CURRENT)
    for year in (None, 2024):
        Performance.objects.create(
            run=run,
            school=school_x,
            measure=reading,
            year=year,
            value=104.5,
            expected=101.0,
            effect=3.5,
            estimate=2.9,
            lower=0.8,
            upper=5.0,
            z=2.6,
            cohort=41,
            flag="strength",
        )
    families = EvidenceRun.objects.create(kind=EvidenceRun.Kind.FAMILIES, status=EvidenceRun.Status.CURRENT)
    FamilyMember.objects.create(run=families, school=school_x, member=school_y, rank=1, distance=0.4)
    start = timezone.now() + timedelta(days=7)
    private_event = Event.objects.create(
        network=private_network_x,
        kind=Event.Kind.values[0],
        title="Private cluster meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        created_by=school_leader_x,
    )
    region_event = Event.objects.create(
        region=school_y.region,
        kind=Event.Kind.values[0],
        title="Region B TeachMeet",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        created_by=school_leader_x,
    )
    registration_create(event=private_event, occurrence_start=private_event.starts_at, by=teacher_x)
    link = {"kind": Resource.Kind.LINK, "licence": Resource.Licence.CC_BY, "by": school_leader_x}
    resource_create(network=None, title="Open reading toolkit", url="https://example.org/toolkit", **link)
    resource_create(network=network_x, title="Community phonics plan", url="https://example.org/p", **link)
    resource_create(
        network=private_network_x, title="Private cluster policy", url="https://example.org/c", **link
    )
    plans = {}
    for network, title in (
        (network_x, "Community reading plan"),
        (private_network_x, "Private cluster plan"),
    ):
        plan = plan_create(network=network, title=title, year=2025, summary="Reading", by=school_leader_x)
        priority = priority_add(plan=plan, title=f"{title}: fluency", domain="reading", by=school_leader_x)
        action_add(
            priority=priority,
            description=f"{title}: paired reading",
            owner_school=school_x,
            success_measure=reading,
            success_target="Fluency up",
            by=school_leader_x,
        )
        plans[network] = plan
    consultation = open_consultation(system_leader, school_x.region)
    questions = list(consultation.questions.all())
    answers = dict(zip((q.pk for q in questions), ("Monday", "4", "Smaller groups"), strict=True))
    response_save(consultation=consultation, school=school_x, answers=answers, by=school_leader_x)
    return {
        "reading": reading,
        "private_event": private_event,
        "region_event": region_event,
        "plan": plans[network_x],
        "private_plan": plans[private_network_x],
        "consultation": consultation,
    }


def bearer(user, **options) -> Client:
    """A client sending a new token of `user` (read scope, 30 days unless `options` say otherwise)."""
    _token, secret = token_create(
        user=user,
        name=options.pop("name", "test"),
        scope=options.pop("scope", "read"),
        days=options.pop("days", 30),
        **options,
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
