"""The list and the exports take a fixed number of queries however many schools they answer with
(a query per row is what made them slow at national scale: docs/api.md, "Speed"), and the export
asks the categories of each chunk it writes, one query a chunk, with the same rule. So do the maps,
an event's registrations, the library's resources, a network's roles, the development plans and
a consultation's results."""

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kindred.accounts.models import SchoolStaff, User
from kindred.api import routers_schools
from kindred.events.services import registration_create
from kindred.evidence.models import SupportCategory
from kindred.library.services import resource_create
from kindred.networks.services import membership_add, network_role_add
from kindred.plans.services import action_add, plan_create, priority_add
from kindred.schools.models import School, SchoolMeasure
from kindred.voice.services import response_save
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

#: Queries of one request: the token (find it; count it against the rate limit in its minute), then
#: the endpoint's own; for anyone but a site admin, one more for the regional roles behind the rule
#: of who sees which category (accounts.access.category_scope_for_user) where categories are shown.
TOKEN = 2
LIST = TOKEN + 2  # the page's rows; the categories of those rows
SCHOOLS_CSV = TOKEN + 2  # the rows (one chunk here); the categories of the chunk
MEASURES_CSV = TOKEN + 2  # the measures' definitions; the values
ROLES = 1


@pytest.fixture(autouse=True)
def one_minute():
    """Time stands still, so every request after the first falls in the token's rate-limit window."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def _more_schools(api_world, region_a, region_b, count: int = 30) -> None:
    for i in range(count):
        region = (region_a, region_b)[i % 2]
        school = School.objects.create(
            registry_id=f"9{i:05}",
            name=f"School {i:02}",
            region=region,
            local_authority=region.authorities.get(),
            latitude=51.0 + i / 100,
            longitude=-3.0,
        )
        SupportCategory.objects.create(school=school, category="green", source="derived")
        for year in (2023, 2024):
            SchoolMeasure.objects.create(
                school=school, measure=api_world["reading"], year=year, value=100.0 + i, cohort=30
            )


def _queries(client, url: str) -> int:
    client.get("/api/v1/schools?limit=1")  # opens the token's rate-limit window
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "roles"), [("teacher_x", ROLES), ("system_leader", ROLES), ("site_admin", 0)]
)
@pytest.mark.parametrize(
    ("url", "expected", "has_categories"),
    [
        ("/api/v1/schools?limit=1000", LIST, True),
        ("/api/v1/schools?limit=10&region=A", LIST, True),
        ("/api/v1/schools.geojson?limit=1000", LIST, True),
        ("/api/v1/schools.csv", SCHOOLS_CSV, True),
        ("/api/v1/measures.csv", MEASURES_CSV, False),
    ],
)
def test_a_list_page_and_the_exports_take_the_same_few_queries_for_2_schools_or_32(
    persona, roles, url, expected, has_categories, api_world, region_a, region_b, request
):
    client = bearer(request.getfixturevalue(persona))
    expected += roles if has_categories else 0
    assert _queries(client, url) == expected
    _more_schools(api_world, region_a, region_b)
    assert _queries(client, url) == expected


def test_the_schools_csv_asks_the_categories_once_a_chunk_with_the_leaders_rule(
    api_world, region_a, region_b, system_leader, monkeypatch
):
    _more_schools(api_world, region_a, region_b)
    monkeypatch.setattr(routers_schools, "EXPORT_CHUNK", 10)
    client = bearer(system_leader)
    # 32 schools in chunks of 10: the rows, the person's roles, and the categories of each chunk
    assert _queries(client, "/api/v1/schools.csv") == TOKEN + 1 + ROLES + 4
    response = client.get("/api/v1/schools.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 32
    for row in rows:
        in_region_a = row["region"] == "A"
        assert bool(row["support_category"]) is in_region_a, row


#: Per persona, the queries of (a network's map, an event's registrations, the resources list): the
#: token's, then the permission layer's (networks.access for the network or the event's network:
#: fewer for its coordinator, none for a site admin; the registrations ask it twice, whether the
#: caller sees the event and whether they organise it), then one for the rows. Fixed for 1 row or 31.
OTHER_LISTS = {
    "teacher_x": [TOKEN + 5, TOKEN + 8, TOKEN + 2],
    "school_leader_x": [TOKEN + 3, TOKEN + 4, TOKEN + 2],
    "site_admin": [TOKEN + 2, TOKEN + 2, TOKEN + 1],
}


def _more_members(network, region, by, count: int = 30) -> None:
    for i in range(count):
        school = School.objects.create(
            registry_id=f"8{i:05}", name=f"Member {i:02}", region=region, latitude=52.0, longitude=-1.0
        )
        membership_add(network=network, school=school, role="member", by=by)


def _more_registrations(event, count: int = 30) -> None:
    for i in range(count):
        person = User.objects.create_user(email=f"p{i}@example.org", password="x", full_name=f"P {i}")
        registration_create(event=event, occurrence_start=event.starts_at, by=person)


def _more_resources(network, by, count: int = 30) -> None:
    for i in range(count):
        resource_create(
            by=by,
            network=network,
            kind="link",
            title=f"Link {i}",
            licence="CC-BY-4.0",
            url="https://example.org",
        )


@pytest.mark.parametrize("persona", sorted(OTHER_LISTS))
def test_a_networks_map_registrations_and_resources_take_the_same_queries_for_1_row_or_31(
    persona, api_world, private_network_x, region_a, school_leader_x, request
):
    client = bearer(request.getfixturevalue(persona))
    event = api_world["private_event"]
    urls = [
        f"/api/v1/networks/{private_network_x.pk}/members.geojson",
        f"/api/v1/events/{event.pk}/registrations?limit=1000",
        "/api/v1/resources?limit=1000",
    ]
    assert [_queries(client, url) for url in urls] == OTHER_LISTS[persona]
    _more_members(private_network_x, region_a, school_leader_x)
    _more_registrations(event)
    _more_resources(private_network_x, school_leader_x)
    assert [_queries(client, url) for url in urls] == OTHER_LISTS[persona]


#: Per persona, the queries of (a network's roles, the plans list, one plan): the token's, then the
#: permission layer's (networks.access as for the map above, fewer for a coordinator, none for a
#: site admin; a plan's own row and its network's; for the list, the person's regional roles behind
#: networks_visible_q), then the rows: one
#: for the roles or the plans, three for a plan's outline (its priorities, their actions with owner
#: and measures, the actions' updates with their authors). Fixed for 1 row or 31.
ROLES_AND_PLANS = {
    "teacher_x": [TOKEN + 5, TOKEN + 2, TOKEN + 8],
    "school_leader_x": [TOKEN + 3, TOKEN + 2, TOKEN + 6],
    "site_admin": [TOKEN + 2, TOKEN + 1, TOKEN + 5],
}


def _more_roles_and_plans(network, plan, school, by, count: int = 30) -> None:
    for i in range(count):
        person = User.objects.create_user(email=f"r{i}@example.org", password="x", full_name=f"R {i}")
        network_role_add(network=network, user=person, role="member", by=by)
        plan_create(network=network, title=f"Plan {i:02}", year=2026, by=by)
        priority = priority_add(plan=plan, title=f"Priority {i:02}", by=by)
        action_add(priority=priority, description=f"Action {i:02}", owner_school=school, by=by)


@pytest.mark.parametrize("persona", sorted(ROLES_AND_PLANS))
def test_a_networks_roles_the_plans_and_a_plan_take_the_same_queries_for_1_row_or_31(
    persona, api_world, private_network_x, school_x, school_leader_x, request
):
    client = bearer(request.getfixturevalue(persona))
    plan = api_world["private_plan"]
    urls = [
        f"/api/v1/networks/{private_network_x.pk}/roles?limit=1000",
        "/api/v1/plans?limit=1000",
        f"/api/v1/plans/{plan.pk}",
    ]
    assert [_queries(client, url) for url in urls] == ROLES_AND_PLANS[persona]
    _more_roles_and_plans(private_network_x, plan, school_x, school_leader_x)
    assert [_queries(client, url) for url in urls] == ROLES_AND_PLANS[persona]


#: Per persona (the owner, a site admin), the queries of (the consultations list, one's results):
#: the token's, then the list's one (owned_by); the consultation, its answers with their themes
#: prefetched, the answering schools' networks, the questions, the responses counted, the asked
#: schools counted, and the networks the caller may see among the groups (networks_visible_q asks
#: the owner's regional roles first). Fixed for 1 answering school or 31.
CONSULTATIONS = {
    "system_leader": [TOKEN + 1, TOKEN + 9],
    "site_admin": [TOKEN + 1, TOKEN + 8],
}


def _more_answers(consultation, region, leader, count: int = 30) -> None:
    answers = dict(
        zip(consultation.questions.values_list("pk", flat=True), ("Friday", "2", "More time"), strict=True)
    )
    for i in range(count):
        school = School.objects.create(registry_id=f"6{i:05}", name=f"Answering {i:02}", region=region)
        SchoolStaff.objects.create(user=leader, school=school, role="leader")
        response_save(consultation=consultation, school=school, answers=answers, by=leader)


@pytest.mark.parametrize("persona", sorted(CONSULTATIONS))
def test_the_consultations_and_their_results_take_the_same_queries_for_1_answer_or_31(
    persona, api_world, region_a, school_leader_x, request
):
    client = bearer(request.getfixturevalue(persona))
    consultation = api_world["consultation"]
    urls = ["/api/v1/consultations?limit=1000", f"/api/v1/consultations/{consultation.pk}/results"]
    assert [_queries(client, url) for url in urls] == CONSULTATIONS[persona]
    _more_answers(consultation, region_a, school_leader_x)
    assert [_queries(client, url) for url in urls] == CONSULTATIONS[persona]
