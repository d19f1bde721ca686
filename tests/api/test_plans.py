"""Development plans: read by whoever may see their network (plans.access: plan_for_user, and
plans_visible_q for the list), with the plan page's outline; a private network's plans are 404 to
those outside it, and a region token reaches its region's networks' plans only."""

import pytest

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE = "Community reading plan", "Private cluster plan"


def _titles(client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/plans{query}")
    assert response.status_code == 200
    return [p["title"] for p in response.json()["items"]]


@pytest.mark.parametrize(
    ("persona", "sees_private"),
    [
        ("school_leader_x", True),  # the private network's coordinator
        ("teacher_x", True),  # staff of its member school
        ("system_leader", True),
        ("site_admin", True),
        ("teacher_y", False),  # outside the private network
        ("leader_b", False),
    ],
)
def test_each_persona_reads_the_plans_of_the_networks_it_may_see(persona, sees_private, api_world, request):
    client = bearer(request.getfixturevalue(persona))
    assert _titles(client) == ([PUBLIC, PRIVATE] if sees_private else [PUBLIC])
    private = client.get(f"/api/v1/plans/{api_world['private_plan'].pk}")
    assert private.status_code == (200 if sees_private else 404)
    assert client.get(f"/api/v1/plans/{api_world['plan'].pk}").status_code == 200


def test_a_plan_comes_with_its_priorities_and_their_actions(api_world, teacher_x, private_network_x):
    plan = api_world["private_plan"]
    body = bearer(teacher_x).get(f"/api/v1/plans/{plan.pk}").json()
    assert (body["id"], body["network"], body["title"], body["year"]) == (
        plan.pk,
        private_network_x.pk,
        PRIVATE,
        2025,
    )
    (priority,) = body["priorities"]
    assert (priority["title"], priority["domain"], priority["source"]) == (
        f"{PRIVATE}: fluency",
        "reading",
        "network",
    )
    (action,) = priority["actions"]
    assert action["description"] == f"{PRIVATE}: paired reading"
    assert (action["owner_school"], action["owner_school_name"]) == ("100001", "Xavier Primary")
    assert (action["success_measure"], action["success_target"], action["status"]) == (
        "ks2_read",
        "Fluency up",
        "not_started",
    )


def test_plans_are_filtered_by_network_and_year(api_world, teacher_x, network_x):
    client = bearer(teacher_x)
    assert _titles(client, f"?network={network_x.pk}") == [PUBLIC]
    assert _titles(client, "?year=2025") == [PUBLIC, PRIVATE]
    assert _titles(client, "?year=2024") == []


def test_a_region_token_reads_only_its_regions_networks_plans(api_world, site_admin, region_a, region_b):
    assert _titles(bearer(site_admin, region=region_a)) == [PUBLIC, PRIVATE]
    other_region = bearer(site_admin, region=region_b)
    assert _titles(other_region) == []
    assert other_region.get(f"/api/v1/plans/{api_world['plan'].pk}").status_code == 404


def test_plans_are_walked_with_the_cursor(api_world, teacher_x):
    client = bearer(teacher_x)
    seen, query = [], "?limit=1"
    while query:
        body = client.get(f"/api/v1/plans{query}").json()
        assert len(body["items"]) <= 1
        seen += [p["title"] for p in body["items"]]
        query = f"?limit=1&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert seen == [PUBLIC, PRIVATE]
    assert client.get("/api/v1/plans?cursor=!!!").status_code == 400


@pytest.mark.parametrize("plan_id", ["18446744073709551615", "9223372036854775808", "0"])
def test_a_plan_id_no_database_can_hold_is_refused_not_a_server_error(api_world, teacher_x, plan_id):
    client = bearer(teacher_x)
    assert client.get(f"/api/v1/plans/{plan_id}").status_code == 422
    assert client.get(f"/api/v1/plans?network={plan_id}").status_code == 422


def test_an_unknown_plan_is_404(api_world, teacher_x):
    assert bearer(teacher_x).get("/api/v1/plans/999999").status_code == 404
