from datetime import UTC, datetime

import pytest

from kindred.events.models import Event
from kindred.events.services import event_create

# The international network's fixtures (tests/international.py), for test_international_times.py.
from tests.international import (  # noqa: F401
    cairo,
    cardiff,
    nile_and_taff,
    teacher_cairo,
    teacher_cardiff,
    three_countries,
)

# Tuesday 12 January 2027, 16:00 London (GMT).
FIRST = datetime(2027, 1, 12, 16, tzinfo=UTC)


@pytest.fixture
def training(network_x, school_leader_x, school_x):
    """Every second Tuesday, six times, three places, hosted by school X."""
    return event_create(
        by=school_leader_x,
        network=network_x,
        kind=Event.Kind.TRAINING,
        title="Reading for pleasure",
        starts_at=FIRST,
        ends_at=FIRST.replace(hour=17, minute=30),
        time_zone="Europe/London",
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6",
        capacity=3,
        staff_roles=["teacher"],
        host_school=school_x,
    )


@pytest.fixture
def make_user(db):
    from kindred.accounts.models import User

    def make(name: str):
        return User.objects.create_user(email=f"{name}@example.org", password=None, full_name=name)

    return make
