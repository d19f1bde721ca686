"""Library resources: the public ones and those of the networks the caller may see, as the
library's own list (library.selectors.search_resources, library.access.resources_visible_q)."""

import pytest

from kindred.library.models import Resource
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

PUBLIC, COMMUNITY, PRIVATE = "Open reading toolkit", "Community phonics plan", "Private cluster policy"


def _titles(client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/resources?{query}")
    assert response.status_code == 200
    return [r["title"] for r in response.json()["items"]]


@pytest.mark.parametrize(
    ("persona", "titles"),
    [
        ("teacher_x", [PUBLIC, COMMUNITY, PRIVATE]),
        ("school_leader_x", [PUBLIC, COMMUNITY, PRIVATE]),
        ("system_leader", [PUBLIC, COMMUNITY, PRIVATE]),
        ("site_admin", [PUBLIC, COMMUNITY, PRIVATE]),
        ("teacher_y", [PUBLIC, COMMUNITY]),  # not a member of the private cluster
        ("leader_b", [PUBLIC, COMMUNITY]),
    ],
)
def test_each_persona_sees_the_resources_the_library_page_lists_for_them(persona, titles, api_world, request):
    assert _titles(bearer(request.getfixturevalue(persona))) == titles


def test_resources_are_searched_and_filtered_by_network_and_kind(api_world, teacher_x, network_x):
    client = bearer(teacher_x)
    assert _titles(client, "q=phonics") == [COMMUNITY]
    assert _titles(client, f"network={network_x.pk}") == [COMMUNITY]
    assert _titles(client, "kind=file") == []
    assert _titles(client, "kind=link") == [PUBLIC, COMMUNITY, PRIVATE]


def test_a_resource_comes_with_its_description_licence_and_link(api_world, teacher_x, network_x):
    (resource,) = bearer(teacher_x).get(f"/api/v1/resources?network={network_x.pk}").json()["items"]
    assert resource["id"] == Resource.objects.get(title=COMMUNITY).pk
    assert resource["kind"] == "link" and resource["licence"] == "CC-BY-4.0"
    assert resource["url"] == "https://example.org/p" and resource["network"] == network_x.pk


def test_a_region_token_sees_only_its_regions_networks_resources(api_world, site_admin, region_a, region_b):
    assert _titles(bearer(site_admin, region=region_a)) == [COMMUNITY, PRIVATE]
    assert _titles(bearer(site_admin, region=region_b)) == []


def test_resources_are_walked_with_the_cursor(api_world, teacher_x):
    client = bearer(teacher_x)
    seen, url = [], "/api/v1/resources?limit=2"
    while url:
        body = client.get(url).json()
        seen += [r["title"] for r in body["items"]]
        url = f"/api/v1/resources?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == [PUBLIC, COMMUNITY, PRIVATE]
    assert client.get("/api/v1/resources?q=%00").status_code == 422
    assert client.get("/api/v1/resources?network=18446744073709551615").status_code == 422
