"""Needs and strengths from schools' own evaluations meet in brokering and in network formation.

The world is a small market town of six primary schools, drawn by hand rather than generated: in
the 300-school generated country a single self-evaluated supporter was left unused, because it
could take one school (capacity = its pupils // BROKERING_PUPILS_PER_PARTNER, at least 1) and that
one place went more cheaply to another red school's measured need in reading, in a region whose
needs wanted more partners than its supporters had room for. Here, as in a town where several
schools have rated themselves, the supporters have room.
"""

import pytest

from kindred.accounts.models import User
from kindred.brokering import services
from kindred.brokering.computing import form_place
from kindred.brokering.models import Invitation, Run
from kindred.evidence.models import SupportCategory
from kindred.frameworks.models import Standard
from kindred.frameworks.services import ratings_save
from kindred.schools.models import LocalAuthority, Region, School
from tests.frameworks.conftest import framework_example_load

YEAR = 2025
BEHAVIOUR = "Behaviour and attendance (self-evaluation)"
KM_LAT, KM_LON = 0.009, 0.0146  # degrees per km at 52°N


@pytest.fixture
def town(db):
    """Six schools: two groups of three, 10 km apart; every school 200–360 pupils, of much the same intake."""
    region = Region.objects.create(code="T", name="Town")
    authority = LocalAuthority.objects.create(code="T1", name="Town council", region=region)

    def school(rid, name, east_km, north_km, pupils, category):
        made = School.objects.create(
            registry_id=rid,
            name=name,
            region=region,
            local_authority=authority,
            phase="primary",
            latitude=52.0 + north_km * KM_LAT,
            longitude=-1.0 + east_km * KM_LON,
            pupils=pupils,
        )
        SupportCategory.objects.create(school=made, category=category, source="derived")
        return made

    return {
        "ashford": school("T01", "Ashford Primary", 0, 0, 240, "red"),
        "dale": school("T02", "Dale Primary", 0, 1, 210, "amber"),
        "beacon": school("T03", "Beacon Primary", -3, 0, 260, "green"),
        "cedar": school("T04", "Cedar Primary", 10, 0, 300, "green"),
        "elm": school("T05", "Elm Primary", 11, 1, 360, "yellow"),
        "fern": school("T06", "Fern Primary", 11, -1, 200, "green"),
    }


@pytest.fixture
def rate(db):
    version = framework_example_load()
    admin = User.objects.create_superuser(email="admin@example.org", password=None)
    behaviour = list(
        Standard.objects.filter(domain__version=version, domain__code="behaviour").values_list(
            "pk", flat=True
        )
    )

    def rate(school, level):
        ratings_save(
            school=school,
            version=version,
            year=YEAR,
            kind="self",
            levels={pk: (level, "") for pk in behaviour},
            by=admin,
        )

    return rate


def test_a_self_evaluated_need_gets_the_nearest_self_evaluated_strength_as_partner(town, rate):
    rate(town["ashford"], 1)  # a need
    rate(town["dale"], 4)  # strong, but amber: not asked to support others
    rate(town["elm"], 3)  # secure: neither strength nor need
    rate(town["beacon"], 4)  # strong, 3 km away
    rate(town["cedar"], 4)  # strong, 10 km away
    leader = User.objects.create_user(email="lead@example.org", password=None)
    run = services.run_create(kind=Run.Kind.BROKERING, region=town["ashford"].region, by=leader)
    services.run_compute(run=run)
    run.refresh_from_db()
    assert run.status == Run.Status.REVIEW
    assert run.report["needs"] == 1 and run.report["unmet"] == 0
    (proposal,) = run.networks.all()
    assert proposal.domain == BEHAVIOUR
    roles = dict(proposal.invitations.values_list("role", "school__name"))
    assert roles == {Invitation.Role.NEED: "Ashford Primary", Invitation.Role.PARTNER: "Beacon Primary"}
    reasons = proposal.invitations.first().reasons
    assert reasons["z"] == 1.96 and 3 <= reasons["km"] <= 4.5


def test_without_a_self_evaluated_strength_nearby_the_need_goes_to_the_next_one(town, rate):
    rate(town["ashford"], 1)
    rate(town["cedar"], 4)
    leader = User.objects.create_user(email="lead@example.org", password=None)
    run = services.run_create(kind=Run.Kind.BROKERING, region=town["ashford"].region, by=leader)
    services.run_compute(run=run)
    (proposal,) = Run.objects.get(pk=run.pk).networks.all()
    assert proposal.invitations.get(role=Invitation.Role.PARTNER).school.name == "Cedar Primary"


def test_formation_counts_a_self_evaluated_need_met_by_a_member_with_that_strength(town, rate):
    rate(town["ashford"], 1)
    rate(town["beacon"], 4)
    formed = form_place(region=town["ashford"].region, min_size=3, max_size=3)
    report = formed.formation.report
    groups = {}
    for position, label in enumerate(formed.formation.labels.tolist()):
        groups.setdefault(label, set()).add(int(formed.place.pk[position]))
    assert {town["ashford"].pk, town["beacon"].pk, town["dale"].pk} in groups.values()
    assert report.coverage == 1.0


def test_formation_coverage_shows_a_self_evaluated_need_no_member_meets(town, rate):
    rate(town["ashford"], 1)
    rate(town["fern"], 4)  # strong, but 11 km away in the other group
    report = form_place(region=town["ashford"].region, min_size=3, max_size=3).formation.report
    assert report.coverage == 0.0
