"""GeoJSON for maps: the schools of /schools (same filters, order, cursor and category rule) as
points, and a network's current members as the network page's map shows them."""

import pytest

from kindred.networks.services import membership_add, membership_end
from kindred.schools.models import School
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _features(client, url: str) -> list[dict]:
    body = client.get(url).json()
    assert body["type"] == "FeatureCollection"
    return body["features"]


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("teacher_x", {"100001": "amber", "200002": None}),
        ("leader_b", {"100001": None, "200002": "red"}),
        ("site_admin", {"100001": "amber", "200002": "red"}),
    ],
)
def test_the_schools_map_has_a_point_per_located_school_and_only_the_categories_the_persona_may_see(
    persona, seen, api_world, region_a, request
):
    School.objects.create(registry_id="300003", name="Nowhere School", region=region_a)  # no coordinates
    features = _features(bearer(request.getfixturevalue(persona)), "/api/v1/schools.geojson")
    assert {f["properties"]["registry_id"]: f["properties"]["support_category"] for f in features} == seen
    cardiff = next(f for f in features if f["properties"]["registry_id"] == "100001")
    assert cardiff["type"] == "Feature"
    assert cardiff["geometry"] == {"type": "Point", "coordinates": [-3.1791, 51.4816]}
    assert cardiff["properties"]["name"] == "Xavier Primary"
    assert "latitude" not in cardiff["properties"]


def test_the_schools_map_takes_the_lists_filters_and_a_region_token(
    api_world, teacher_x, site_admin, school_y
):
    client = bearer(teacher_x)
    assert [
        f["properties"]["registry_id"] for f in _features(client, "/api/v1/schools.geojson?region=B")
    ] == ["200002"]
    assert _features(client, "/api/v1/schools.geojson?q=xavier")[0]["properties"]["registry_id"] == "100001"
    region_token = bearer(site_admin, region=school_y.region)
    assert [f["properties"]["registry_id"] for f in _features(region_token, "/api/v1/schools.geojson")] == [
        "200002"
    ]


def test_the_schools_map_is_walked_with_its_cursor(api_world, teacher_x, region_a):
    for i in range(5):
        School.objects.create(
            registry_id=f"9{i}", name="Same Name", region=region_a, latitude=52, longitude=-1
        )
    client = bearer(teacher_x)
    seen, url = [], "/api/v1/schools.geojson?limit=2"
    while url:
        body = client.get(url).json()
        assert len(body["features"]) <= 2
        seen += [f["properties"]["registry_id"] for f in body["features"]]
        url = f"/api/v1/schools.geojson?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == list(School.objects.order_by("name", "id").values_list("registry_id", flat=True))
    assert client.get("/api/v1/schools.geojson?cursor=!!!").status_code == 400


@pytest.mark.parametrize(
    ("persona", "sees_private"),
    [
        ("teacher_x", True),
        ("system_leader", True),
        ("site_admin", True),
        ("teacher_y", False),
        ("leader_b", False),
    ],
)
def test_a_networks_map_shows_its_current_members_to_those_who_may_see_the_network(
    persona, sees_private, api_world, network_x, private_network_x, school_y, school_leader_x, request
):
    client = bearer(request.getfixturevalue(persona))
    features = _features(client, f"/api/v1/networks/{network_x.pk}/members.geojson")
    assert features == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-3.1791, 51.4816]},
            "properties": {
                "registry_id": "100001",
                "name": "Xavier Primary",
                "role": "lead",
                "network": network_x.pk,
            },
        }
    ]
    private = client.get(f"/api/v1/networks/{private_network_x.pk}/members.geojson")
    assert private.status_code == (200 if sees_private else 404)


def test_a_networks_map_leaves_out_schools_that_left_or_have_no_coordinates(
    api_world, network_x, school_leader_x, region_a, teacher_x
):
    unlocated = School.objects.create(registry_id="300003", name="Nowhere School", region=region_a)
    leaver = School.objects.create(
        registry_id="300004", name="Leaver School", region=region_a, latitude=52, longitude=-1
    )
    membership_add(network=network_x, school=unlocated, role="member", by=school_leader_x)
    left = membership_add(network=network_x, school=leaver, role="member", by=school_leader_x)
    membership_end(membership=left, reason="Merged", by=school_leader_x)
    features = _features(bearer(teacher_x), f"/api/v1/networks/{network_x.pk}/members.geojson")
    assert [f["properties"]["registry_id"] for f in features] == ["100001"]


def test_a_region_token_does_not_reach_another_regions_network_map(
    api_world, site_admin, network_x, school_y
):
    client = bearer(site_admin, region=school_y.region)
    assert client.get(f"/api/v1/networks/{network_x.pk}/members.geojson").status_code == 404


@pytest.mark.parametrize("network_id", ["18446744073709551615", "9223372036854775808", "0"])
def test_a_network_id_no_database_can_hold_is_refused_not_a_server_error(api_world, teacher_x, network_id):
    assert bearer(teacher_x).get(f"/api/v1/networks/{network_id}/members.geojson").status_code == 422


def test_maps_are_sent_and_declared_as_geojson(api_world, teacher_x, network_x):
    client = bearer(teacher_x)
    for url in ("/api/v1/schools.geojson", f"/api/v1/networks/{network_x.pk}/members.geojson"):
        assert client.get(url)["Content-Type"] == "application/geo+json"
    assert client.get("/api/v1/schools")["Content-Type"].startswith("application/json")
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/schools.geojson", "/api/v1/networks/{network_id}/members.geojson"):
        assert list(paths[path]["get"]["responses"]["200"]["content"]) == ["application/geo+json"]
