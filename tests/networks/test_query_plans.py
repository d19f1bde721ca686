"""PostgreSQL plans of the subqueries every signed-in page runs (issue #26: the national load test)."""

import json

import pytest
from django.db import connection

from kindred.networks.access import member_network_ids
from kindred.networks.models import Network

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner"),
]


def _plan(queryset) -> dict:
    return json.loads(queryset.explain(format="json"))[0]["Plan"]


@pytest.fixture
def many_networks(region_a, network_x):
    Network.objects.bulk_create(
        Network(name=f"Other network {i}", kind=Network.Kind.COMMUNITY, region=region_a) for i in range(300)
    )
    with connection.cursor() as cursor:
        for table in (
            "networks_network",
            "networks_membership",
            "networks_networkrole",
            "accounts_schoolstaff",
        ):
            cursor.execute(f"ANALYZE {table}")


def test_the_planner_expects_a_teachers_one_network_not_most_of_them(many_networks, teacher_x):
    # `pk IN (by role) OR pk IN (by school)` was estimated at three quarters of all networks
    # (2,591 of 3,455 on the national trial): every page's unread count and calendar was planned
    # for thousands of networks, and the home page's compiled (JIT) for 1.9 s.
    plan = _plan(Network.objects.filter(pk__in=member_network_ids(teacher_x)))
    assert plan["Plan Rows"] <= 5
