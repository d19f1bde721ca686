"""A planted programme written to the database: schools, five years of one outcome, context, networks;
a network with something in every part of its evidence pack."""

import datetime as dt

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kindred.engine.impact import NEVER, planted_programme
from kindred.events.models import Event, Registration
from kindred.evidence.models import EvidenceRun, Performance
from kindred.impact.models import NetworkEffect
from kindred.impact.services import support_letter_add, survey_create
from kindred.networks.models import Membership, Network
from kindred.networks.services import membership_add, network_create
from kindred.plans.models import DevelopmentPlan, Priority
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure

FIRST_YEAR = 2019


def joined_on(g: int) -> dt.date:
    """A day early in the school year FIRST_YEAR + g (October; the year starts in September), so that
    FIRST_YEAR + g is the first year taking part."""
    return dt.date(FIRST_YEAR + g, 10, 1)


@pytest.fixture
def planted_registry(region_a):
    """600 schools, 5 years of one outcome, three context measures, no networks yet."""
    programme = planted_programme(np.random.default_rng(11), schools=600, years=5, unit_size=40)
    schools = School.objects.bulk_create(
        School(registry_id=f"9{i:05d}", name=f"School {i}", region=region_a) for i in range(600)
    )
    outcome = MeasureDefinition.objects.create(
        code="attainment",
        name="Attainment",
        domain="maths",
        kind=MeasureDefinition.Kind.OUTCOME,
        higher_is_better=True,
    )
    contexts = [
        MeasureDefinition.objects.create(code=f"c{k}", name=f"Context {k}", domain="intake", kind="context")
        for k in range(3)
    ]
    values = programme.panel.values
    rows = [
        SchoolMeasure(school=s, measure=outcome, year=FIRST_YEAR + t, value=float(values[i, t]), cohort=30)
        for i, s in enumerate(schools)
        for t in range(values.shape[1])
        if np.isfinite(values[i, t])
    ]
    rows += [
        SchoolMeasure(school=s, measure=m, year=FIRST_YEAR, value=float(programme.context[i, k]))
        for i, s in enumerate(schools)
        for k, m in enumerate(contexts)
    ]
    SchoolMeasure.objects.bulk_create(rows)
    return programme, schools


@pytest.fixture
def planted(planted_registry, region_a):
    """The planted registry with its joiners in networks (about 40 schools each) by joining year."""
    programme, schools = planted_registry
    networks = {}
    for i, s in enumerate(schools):
        unit, g = int(programme.unit[i]), int(programme.panel.joined[i])
        if g == NEVER:
            continue
        if unit not in networks:
            networks[unit] = Network.objects.create(
                name=f"Network {unit}", kind=Network.Kind.CLUSTER, region=region_a
            )
        joined = timezone.make_aware(dt.datetime.combine(joined_on(g), dt.time()))
        Membership.objects.create(network=networks[unit], school=s, joined_at=joined)
    return programme, networks


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "letter.pdf", data: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def pack_network(network_x, school_x, school_leader_x, region_a, system_leader):
    """Network X with a second, rural member in another authority, context, verdicts, an event, a plan,
    a partnership, a letter, a stored effect and a survey."""
    now = timezone.now()
    other_authority = region_a.authorities.create(code="A2", name="Authority A2")
    rural = School.objects.create(
        registry_id="100009",
        name="Rowan Rural School",
        region=region_a,
        local_authority=other_authority,
        town="Hillside",
        urban_rural=School.UrbanRural.RURAL,
        pupils=84,
    )
    School.objects.filter(pk=school_x.pk).update(urban_rural=School.UrbanRural.URBAN, town="Porttown")
    school_x.refresh_from_db()
    membership_add(network=network_x, school=rural, role="mentee", by=school_leader_x)
    fsm = MeasureDefinition.objects.create(
        code="fsm", name="Free school meals %", domain="intake", kind="context"
    )
    reading = MeasureDefinition.objects.create(code="read", name="Reading", domain="reading", kind="outcome")
    SchoolMeasure.objects.create(school=school_x, measure=fsm, year=2024, value=41.5)
    SchoolMeasure.objects.create(school=rural, measure=fsm, year=2024, value=6.2)
    run = EvidenceRun.objects.create(
        kind=EvidenceRun.Kind.PERFORMANCE, status=EvidenceRun.Status.CURRENT, finished_at=now
    )
    for school in (school_x, rural):
        Performance.objects.create(
            run=run,
            school=school,
            measure=reading,
            year=None,
            value=-1,
            expected=0,
            effect=-1,
            estimate=-1,
            lower=-1.5,
            upper=-0.5,
            z=-2.5,
            flag="need",
        )
    start = now - dt.timedelta(days=20)
    event = Event.objects.create(
        network=network_x,
        kind=Event.Kind.TEACHMEET,
        title="Reading TeachMeet",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        host_school=rural,
    )
    Registration.objects.create(
        event=event,
        occurrence_start=start,
        user=school_leader_x,
        status=Registration.Status.CONFIRMED,
        attended=1,
    )
    plan = DevelopmentPlan.objects.create(network=network_x, title="Reading for all", year=2025)
    Priority.objects.create(plan=plan, title="Phonics in year 1")
    partnership = network_create(
        name="Xavier and Yew mentoring", kind=Network.Kind.PARTNERSHIP, region=region_a, by=school_leader_x
    )
    membership_add(network=partnership, school=school_x, role="mentor", by=school_leader_x)
    membership_add(
        network=partnership,
        school=School.objects.create(registry_id="100010", name="Partner Primary", region=region_a),
        role="mentee",
        by=school_leader_x,
    )
    support_letter_add(
        network=network_x,
        writer="Authority A1 director",
        writer_kind="authority",
        dated=dt.date(2026, 11, 2),
        upload=pdf(),
        by=system_leader,
    )
    NetworkEffect.objects.create(
        network=network_x,
        measure=reading,
        outcome="estimated",
        first_year=2019,
        last_year=2024,
        effect=1.23,
        lower=0.45,
        upper=2.01,
        schools=12,
        controls=300,
        pre_trend_p=0.6,
        computed_at=now,
    )
    survey_create(
        network=network_x,
        title="Working together",
        statements=["I learn from others"],
        min_respondents=3,
        by=school_leader_x,
    )
    return network_x
