"""The read endpoints, by persona: each sees through its token what the pages show that person,
and support categories only where the permission layer lets them (docs/accounts.md)."""

import csv
import io

import pytest

from kindred.api import cursor
from kindred.schools.models import School
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _categories(client) -> dict[str, str | None]:
    body = client.get("/api/v1/schools").json()
    return {row["registry_id"]: row["support_category"] for row in body["items"]}


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("teacher_x", {"100001": "amber", "200002": None}),
        ("school_leader_x", {"100001": "amber", "200002": None}),
        ("system_leader", {"100001": "amber", "200002": None}),
        ("leader_b", {"100001": None, "200002": "red"}),
        ("site_admin", {"100001": "amber", "200002": "red"}),
    ],
)
def test_every_persona_lists_the_registry_but_sees_only_the_categories_it_may(
    persona, seen, api_world, request
):
    assert _categories(bearer(request.getfixturevalue(persona))) == seen


def test_categories_follow_the_signed_in_setting(api_world, teacher_x, settings):
    settings.SUPPORT_CATEGORIES_VISIBLE_TO = "signed_in"
    assert _categories(bearer(teacher_x)) == {"100001": "amber", "200002": "red"}


def test_a_region_token_sees_only_its_region(api_world, site_admin, school_y):
    client = bearer(site_admin, region=school_y.region)
    assert [s["registry_id"] for s in client.get("/api/v1/schools").json()["items"]] == ["200002"]
    assert client.get("/api/v1/schools/100001").status_code == 404
    assert client.get("/api/v1/schools/200002").json()["support_category"] == "red"
    assert client.get("/api/v1/networks").json()["items"] == []
    assert [e["title"] for e in client.get("/api/v1/events").json()["items"]] == ["Region B TeachMeet"]


def test_schools_are_searched_and_filtered_by_region_authority_and_phase(api_world, teacher_x, school_y):
    school_y.phase = School.Phase.SECONDARY
    school_y.save()
    client = bearer(teacher_x)

    def ids(query: str) -> list[str]:
        return [s["registry_id"] for s in client.get(f"/api/v1/schools?{query}").json()["items"]]

    assert ids("q=xavier") == ["100001"]
    assert ids("region=B") == ["200002"]
    assert ids("authority=A1") == ["100001"]
    assert ids("phase=secondary") == ["200002"]
    assert ids("region=nowhere") == []


def test_the_cursor_walks_every_school_once_in_name_order(api_world, teacher_x, region_a):
    for i in range(5):
        School.objects.create(registry_id=f"9{i}", name="Same Name", region=region_a)
    client = bearer(teacher_x)
    seen, url = [], "/api/v1/schools?limit=2"
    while url:
        body = client.get(url).json()
        assert len(body["items"]) <= 2
        seen += [s["registry_id"] for s in body["items"]]
        url = f"/api/v1/schools?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    expected = list(School.objects.order_by("name", "id").values_list("registry_id", flat=True))
    assert seen == expected and len(seen) == 7


def test_a_cursor_the_api_did_not_give_is_400(api_world, teacher_x):
    assert bearer(teacher_x).get("/api/v1/schools?cursor=!!!").status_code == 400


def test_a_schools_measure_values(api_world, teacher_y):
    values = bearer(teacher_y).get("/api/v1/schools/100001/measures").json()
    assert values == [
        {
            "measure": "ks2_read",
            "kind": "outcome",
            "domain": "reading",
            "unit": "score",
            "year": 2024,
            "value": 104.5,
            "cohort": 41,
            "suppressed": False,
            "banded": False,
            "band_lower": None,
            "band_upper": None,
        }
    ]


def test_relative_performance_comes_with_its_interval_and_flag(api_world, teacher_y):
    rows = bearer(teacher_y).get("/api/v1/schools/100001/performance").json()
    assert [r["year"] for r in rows] == [None, 2024]
    assert rows[0]["lower"] == 0.8 and rows[0]["upper"] == 5.0 and rows[0]["flag"] == "strength"
    assert bearer(teacher_y).get("/api/v1/schools/000000/performance").status_code == 404


@pytest.mark.parametrize(("persona", "category"), [("teacher_x", None), ("leader_b", "red")])
def test_a_family_shows_a_members_category_only_to_those_who_may_see_it(
    persona, category, api_world, request
):
    family = bearer(request.getfixturevalue(persona)).get("/api/v1/schools/100001/family").json()
    assert family == [
        {
            "rank": 1,
            "distance": 0.4,
            "registry_id": "200002",
            "name": "Yew Tree Academy",
            "support_category": category,
        }
    ]


@pytest.mark.parametrize(
    ("persona", "sees_private"),
    [
        ("teacher_x", True),
        ("school_leader_x", True),
        ("system_leader", True),
        ("leader_b", False),
        ("teacher_y", False),
        ("site_admin", True),
    ],
)
def test_a_private_network_is_seen_only_by_those_the_network_rules_let_in(
    persona, sees_private, api_world, private_network_x, network_x, request
):
    client = bearer(request.getfixturevalue(persona))
    names = {n["name"] for n in client.get("/api/v1/networks").json()["items"]}
    assert network_x.name in names
    assert (private_network_x.name in names) is sees_private
    detail = client.get(f"/api/v1/networks/{private_network_x.pk}")
    memberships = client.get(f"/api/v1/networks/{private_network_x.pk}/memberships")
    assert (detail.status_code, memberships.status_code) == ((200, 200) if sees_private else (404, 404))
    if sees_private:
        assert [m["registry_id"] for m in memberships.json()] == ["100001"]
    events = {e["title"] for e in client.get("/api/v1/events").json()["items"]}
    assert ("Private cluster meeting" in events) is sees_private
    assert "Region B TeachMeet" in events


def test_the_schools_csv_streams_every_school_with_the_same_category_rule(api_world, leader_b, school_x):
    school_x.name = "=HYPERLINK(1)"
    school_x.save()
    response = bearer(leader_b).get("/api/v1/schools.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {r["registry_id"]: r["support_category"] for r in rows} == {"100001": "", "200002": "red"}
    assert rows[0]["name"] == "'=HYPERLINK(1)"


def test_the_measures_csv_streams_every_value_of_the_schools_matched(api_world, teacher_x):
    response = bearer(teacher_x).get("/api/v1/measures.csv?region=A")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["registry_id"], r["measure"], r["year"], r["value"]) for r in rows] == [
        ("100001", "ks2_read", "2024", "104.5")
    ]


def test_the_schema_and_the_reference_page_are_public_and_load_nothing_from_elsewhere(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert (
        "/api/v1/schools" in schema["paths"]
        and "/api/v1/networks/{network_id}/memberships" in schema["paths"]
    )
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/api/v1/schools/{registry_id}/performance" in html
    assert 'src="http' not in html and 'href="http' not in html
    assert (
        "script-src" in page["Content-Security-Policy"]
        or "default-src 'self'" in page["Content-Security-Policy"]
    )


def test_a_nul_character_in_a_filter_or_cursor_is_refused_not_a_server_error(api_world, teacher_x):
    client = bearer(teacher_x)
    assert client.get("/api/v1/schools?q=a%00b").status_code == 422
    assert client.get("/api/v1/schools.csv?region=%00").status_code == 422
    assert client.get("/api/v1/events?kind=%00").status_code == 422
    nul_cursor = cursor.encode(["a\x00", 1])
    assert client.get(f"/api/v1/schools?cursor={nul_cursor}").status_code == 400


@pytest.mark.parametrize("network", ["18446744073709551615", "9223372036854775808", "0", "-1"])
def test_an_id_no_database_can_hold_is_refused_not_a_server_error(api_world, teacher_x, network):
    """SQLite raises OverflowError on an integer past 64 bits (found by tests/api/test_schema.py)."""
    assert bearer(teacher_x).get(f"/api/v1/events?network={network}").status_code == 422


def test_a_cursor_with_an_id_past_64_bits_or_text_for_a_number_is_400(api_world, teacher_x):
    client = bearer(teacher_x)
    for values in ([2**64], [-(2**63) - 1], ["not a number"], [True]):
        assert client.get(f"/api/v1/events?cursor={cursor.encode(values)}").status_code == 400
    assert client.get(f"/api/v1/events?cursor={cursor.encode([2**63 - 1])}").status_code == 200
