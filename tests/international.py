"""An international network for tests (issue 23, item 2): England the default country, Wales and
Egypt beside it; a preparatory school in Cairo and a secondary school in Cardiff in one subject
network, which England's school X's leader coordinates; a teacher in each, reading in their own
language."""

import pytest

from conftest import PASSWORD
from kindred.accounts.models import SchoolStaff, User
from kindred.networks.models import Network
from kindred.networks.services import membership_add, network_create
from kindred.schools.models import LocalAuthority, Region, School


@pytest.fixture
def three_countries(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls", "eg"]


@pytest.fixture
def cairo(db, three_countries):
    region = Region.objects.create(code="EG-C", name="Cairo", country_code="eg")
    authority = LocalAuthority.objects.create(code="EG-C1", name="East Nasr City", region=region)
    return School.objects.create(
        registry_id="EG1",
        name="Nasr City Preparatory School",
        phase=School.Phase.MIDDLE,
        country_code="eg",
        region=region,
        local_authority=authority,
    )


@pytest.fixture
def cardiff(db, three_countries):
    region = Region.objects.create(code="W-SE", name="South East Wales", country_code="wls")
    authority = LocalAuthority.objects.create(code="W-CF", name="Cardiff", region=region)
    return School.objects.create(
        registry_id="W1",
        name="Ysgol Uwchradd Caerdydd",
        phase=School.Phase.SECONDARY,
        country_code="wls",
        region=region,
        local_authority=authority,
    )


@pytest.fixture
def nile_and_taff(cairo, cardiff, school_leader_x):
    network = network_create(
        name="Nile and Taff",
        kind=Network.Kind.SUBJECT,
        region=None,
        by=school_leader_x,
        subject="science",
        status=Network.Status.ACTIVE,
    )
    membership_add(network=network, school=cairo, role="member", by=school_leader_x)
    membership_add(network=network, school=cardiff, role="member", by=school_leader_x)
    return network


@pytest.fixture
def teacher_cairo(cairo):
    user = User.objects.create_user(
        email="mona@example.org", password=PASSWORD, full_name="منى عبد الله", language="ar"
    )
    SchoolStaff.objects.create(user=user, school=cairo, role=SchoolStaff.Role.TEACHER)
    return user


@pytest.fixture
def teacher_cardiff(cardiff):
    user = User.objects.create_user(
        email="rhian@example.org", password=PASSWORD, full_name="Rhian Jones", language="cy"
    )
    SchoolStaff.objects.create(user=user, school=cardiff, role=SchoolStaff.Role.TEACHER)
    return user
