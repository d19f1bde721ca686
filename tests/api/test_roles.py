"""A network's roles: who holds which role in it now, as the network page's "People and roles"
lists them to whoever may see the network (networks.selectors.network_roles); 404 to the others."""

import pytest

from kindred.networks.models import NetworkRole
from kindred.networks.services import network_role_add, network_role_end
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _roles(client, network, query: str = "") -> tuple[int, list[dict]]:
    response = client.get(f"/api/v1/networks/{network.pk}/roles{query}")
    return response.status_code, response.json().get("items", [])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_leader_x", 200),  # its coordinator
        ("teacher_x", 200),  # staff of a member school
        ("system_leader", 200),  # a leader over the network's region
        ("site_admin", 200),
        ("teacher_y", 404),  # outside the private network: as if it did not exist
        ("leader_b", 404),
    ],
)
def test_a_private_networks_roles_are_seen_by_those_who_see_its_page(
    persona, status, api_world, private_network_x, request
):
    found, items = _roles(bearer(request.getfixturevalue(persona)), private_network_x)
    assert found == status
    assert [(r["person"], r["role"]) for r in items] == ([("head.x", "coordinator")] if status == 200 else [])


def test_a_public_networks_roles_are_seen_by_everyone_who_signs_in(api_world, network_x, teacher_y):
    assert _roles(bearer(teacher_y), network_x)[1][0]["role"] == "coordinator"


def test_a_contact_teacher_comes_with_their_school_and_an_ended_role_is_not_listed(
    api_world, private_network_x, school_x, teacher_x, school_admin_x, school_leader_x
):
    network_role_add(
        network=private_network_x, user=teacher_x, role="contact_teacher", school=school_x, by=school_leader_x
    )
    ended = network_role_add(
        network=private_network_x, user=school_admin_x, role="member", by=school_leader_x
    )
    network_role_end(network_role=ended, by=school_leader_x)
    _status, items = _roles(bearer(teacher_x), private_network_x)
    assert [(r["person"], r["role"], r["school"], r["school_name"]) for r in items] == [
        ("head.x", "coordinator", None, None),
        ("teacher.x", "contact_teacher", "100001", "Xavier Primary"),
    ]
    assert items[1]["id"] == NetworkRole.objects.get(user=teacher_x).pk
    assert items[1]["started_at"]


def test_a_region_token_does_not_reach_another_regions_network(
    api_world, site_admin, private_network_x, region_a, region_b
):
    assert _roles(bearer(site_admin, region=region_b), private_network_x)[0] == 404
    assert _roles(bearer(site_admin, region=region_a), private_network_x)[0] == 200


def test_roles_are_walked_with_the_cursor_in_the_order_they_were_given(
    api_world, network_x, site_admin, teacher_x, school_admin_x, school_leader_x
):
    for person in (teacher_x, school_admin_x):
        network_role_add(network=network_x, user=person, role="member", by=school_leader_x)
    client = bearer(site_admin)
    seen, query = [], "?limit=2"
    while query:
        body = client.get(f"/api/v1/networks/{network_x.pk}/roles{query}").json()
        seen += [r["person"] for r in body["items"]]
        query = f"?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert seen == ["head.x", "teacher.x", "office.x"]
    assert client.get(f"/api/v1/networks/{network_x.pk}/roles?cursor=!!!").status_code == 400


@pytest.mark.parametrize("network_id", ["18446744073709551615", "9223372036854775808", "0"])
def test_a_network_id_no_database_can_hold_is_refused_not_a_server_error(api_world, teacher_x, network_id):
    assert bearer(teacher_x).get(f"/api/v1/networks/{network_id}/roles").status_code == 422


def test_an_unknown_network_is_404(api_world, teacher_x):
    assert bearer(teacher_x).get("/api/v1/networks/999999/roles").status_code == 404
