"""API tokens scoped to an organisation (issue 24 item 4, with issue 23 item 4's partners): a token
with an organisation reaches only what that organisation takes part in — the networks where one of
its people is a partner, expert or facilitator, their events, boards, plans, library and member
schools — narrowed as a region token is (an object outside is 404), and never evidence on schools."""

import json

import pytest
from django.core.exceptions import ValidationError

from kindred.api.models import ApiToken
from kindred.api.services import token_create
from kindred.networks.services import membership_request_decide, partner_invite
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def expert_made(request):
    """The university's lecturer (the `partner` fixture) made an expert in school X's private cluster
    (not in network X), by its coordinator; also for tests/api/test_schema.py."""
    partner, university = request.getfixturevalue("partner"), request.getfixturevalue("university")
    invitation = partner_invite(
        network=request.getfixturevalue("private_network_x"),
        person=partner,
        organisation=university,
        role="expert",
        by=request.getfixturevalue("school_leader_x"),
    )
    membership_request_decide(request=invitation, approve=True, by=partner)
    return partner


@pytest.fixture
def expert(api_world, request):
    """The university's lecturer, an expert in school X's private cluster (not in network X)."""
    return expert_made(request)


def items(client, path: str, key: str) -> list:
    response = client.get(f"/api/v1/{path}")
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["items"])


@pytest.mark.parametrize("persona", ["expert", "site_admin"])
def test_an_organisation_token_reaches_only_the_organisations_networks_and_what_is_in_them(
    request, persona, expert, university, network_x, private_network_x, api_world
):
    client = bearer(request.getfixturevalue(persona), organisation=university)
    assert items(client, "networks", "name") == ["Private Cluster X"]
    assert client.get(f"/api/v1/networks/{network_x.pk}").status_code == 404
    assert client.get(f"/api/v1/networks/{private_network_x.pk}").status_code == 200
    assert client.get(f"/api/v1/networks/{network_x.pk}/roles").status_code == 404
    assert items(client, "events", "title") == ["Private cluster meeting"]
    assert items(client, "resources", "title") == ["Private cluster policy"]
    assert items(client, "plans", "title") == ["Private cluster plan"]
    assert client.get(f"/api/v1/plans/{api_world['plan'].pk}").status_code == 404
    assert client.get(f"/api/v1/plans/{api_world['private_plan'].pk}").status_code == 200
    # Schools: the members of its networks, without their support categories.
    assert items(client, "schools", "registry_id") == ["100001"]
    assert client.get("/api/v1/schools/200002").status_code == 404
    assert client.get("/api/v1/schools/100001").json()["support_category"] is None
    exported = b"".join(client.get("/api/v1/schools.csv").streaming_content).decode()
    assert "100001" in exported and "200002" not in exported
    # Consultations: the region's one belongs to no network of the organisation.
    assert client.get(f"/api/v1/consultations/{api_world['consultation'].pk}/results").status_code == 404


@pytest.mark.parametrize("persona", ["expert", "site_admin"])
def test_an_organisation_token_never_reaches_evidence_on_schools(
    request, persona, expert, university, api_world
):
    client = bearer(request.getfixturevalue(persona), organisation=university)
    assert client.get("/api/v1/schools/100001/performance").status_code == 404
    assert client.get("/api/v1/schools/100001/family").status_code == 404


def test_the_site_admins_own_token_still_reaches_everything(site_admin, api_world, university):
    client = bearer(site_admin)
    assert items(client, "networks", "name") == ["Private Cluster X", "Xavier Learning Community"]
    assert client.get("/api/v1/schools/100001/performance").status_code == 200
    assert client.get("/api/v1/schools/100001").json()["support_category"] == "amber"


def test_a_partners_own_token_follows_the_partners_rule(expert):
    """Without an organisation, the token acts as the person: the public network too, and still
    no evidence on schools (accounts/access.py)."""
    client = bearer(expert)
    assert items(client, "networks", "name") == ["Private Cluster X", "Xavier Learning Community"]
    assert client.get("/api/v1/schools/100001/performance").status_code == 404
    assert client.get("/api/v1/schools/100001").json()["support_category"] is None


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_an_organisation_write_token_writes_only_inside_its_networks(
    expert, university, network_x, private_network_x, school_leader_x, site_admin
):
    body = {"title": "A lecture", "body": "Slides attached next week."}
    client = bearer(expert, scope="write", organisation=university)
    assert post(client, f"/api/v1/networks/{private_network_x.pk}/threads", body).status_code == 201
    # The coordinator's own public network: the coordinator's organisation-less token may, this one not.
    admin_client = bearer(site_admin, scope="write", organisation=university)
    assert (
        post(admin_client, f"/api/v1/networks/{network_x.pk}/invitations", {"school": "200002"}).status_code
        == 404
    )
    event = {
        "region": "A",
        "kind": "training",
        "title": "Region A training",
        "starts_at": "2030-01-08T16:00:00Z",
        "ends_at": "2030-01-08T17:00:00Z",
    }
    assert post(admin_client, "/api/v1/events", event).status_code == 404
    assert admin_client.post("/api/v1/imports").status_code in {403, 422}


def test_a_token_is_scoped_only_to_an_organisation_its_person_is_one_of(teacher_x, university, client):
    with pytest.raises(ValidationError):
        token_create(user=teacher_x, name="sync", scope="read", days=30, organisation=university)
    assert not ApiToken.objects.exists()
    client.force_login(teacher_x)
    assert "Only one organisation" not in client.get("/accounts/api-tokens/").content.decode()


def test_the_tokens_page_offers_the_persons_organisations_and_shows_the_scope(client, partner, university):
    client.force_login(partner)
    assert "University of Region A" in client.get("/accounts/api-tokens/").content.decode()
    response = client.post(
        "/accounts/api-tokens/", {"name": "sync", "scope": "read", "days": 30, "organisation": university.pk}
    )
    assert response.status_code == 200
    assert ApiToken.objects.get().organisation == university
    assert "Only University of Region A" in response.content.decode()
