"""Integrations: a named system's own account and tokens (docs/api.md, "Integrations"), by persona:
a site administrator makes one; a teacher and a system leader cannot; its account never signs in;
its tokens see only what its roles allow, are revoked and audited like a person's, and keep working
when the administrator who made them leaves."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from kindred.accounts.models import RegionalRole, User
from kindred.accounts.services import regional_role_add
from kindred.api.models import ApiToken, Integration
from kindred.api.services import integration_create, integration_deactivate, token_create, token_revoke
from kindred.audit.models import AuditEvent
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

LIST = "/accounts/integrations/"


@pytest.fixture
def ministry(site_admin, region_a):
    """The ministry's nightly sync: an integration that is a system leader for region A."""
    integration = integration_create(name="Ministry MIS nightly sync", by=site_admin)
    regional_role_add(user=integration.account, region=region_a, by=site_admin)
    return integration


def integration_bearer(integration, by, **options) -> tuple[ApiToken, Client]:
    token, secret = token_create(
        user=integration.account,
        by=by,
        name=options.pop("name", "nightly"),
        scope=options.pop("scope", "read"),
        days=options.pop("days", 30),
        **options,
    )
    return token, Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_site_admin_makes_an_integration_grants_it_a_region_and_sees_its_token_once(
    client, site_admin, region_a
):
    client.force_login(site_admin)
    response = client.post(LIST, {"name": "Ministry MIS", "description": "Nightly copy"})
    integration = Integration.objects.get()
    assert response.status_code == 302 and response.url == f"{LIST}{integration.pk}/"
    page = f"{LIST}{integration.pk}/"
    assert client.post(page, {"form": "region", "region": region_a.pk}).status_code == 302
    assert RegionalRole.objects.filter(user=integration.account, region=region_a).exists()
    made = client.post(page, {"form": "token", "name": "nightly", "scope": "read", "days": 90})
    token = ApiToken.objects.get(user=integration.account)
    secret = made.context["secret"]
    assert made.status_code == 200 and secret.startswith(token.prefix) and secret in made.content.decode()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get(page).content.decode()
    assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("persona", ["teacher_x", "system_leader", "school_admin_x"])
def test_no_one_but_a_site_admin_may_make_or_see_an_integration(client, personas, persona, ministry):
    user = personas[persona]
    client.force_login(user)
    assert client.get(LIST).status_code == 404
    assert client.post(LIST, {"name": "Rogue sync"}).status_code == 404
    page = f"{LIST}{ministry.pk}/"
    assert client.get(page).status_code == 404
    assert client.post(page, {"form": "token", "name": "x", "scope": "write", "days": 9}).status_code == 404
    assert client.post(f"{page}deactivate/", {"confirmed": "yes"}).status_code == 404
    with pytest.raises(PermissionDenied):
        integration_create(name="Rogue sync", by=user)
    with pytest.raises(PermissionDenied):
        token_create(user=ministry.account, by=user, name="x", scope="read", days=9)
    assert list(Integration.objects.values_list("name", flat=True)) == ["Ministry MIS nightly sync"]
    assert not ApiToken.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, ministry):
    assert client.get(LIST).status_code == 302
    assert client.get(f"{LIST}{ministry.pk}/").status_code == 302


def test_an_integrations_account_cannot_sign_in_to_the_pages(client, ministry):
    account = ministry.account
    assert not account.has_usable_password() and account.is_integration
    assert not client.login(email=account.email, password="")
    client.force_login(account)  # a session made some other way is not honoured either
    assert client.get("/accounts/profile/").status_code == 302


def test_an_integration_token_sees_only_what_its_roles_allow(
    ministry, site_admin, api_world, school_x, school_y, private_network_x
):
    _token, client = integration_bearer(ministry, site_admin)
    # A system leader of region A: region A's categories, not region B's.
    schools = {s["registry_id"]: s for s in client.get("/api/v1/schools").json()["items"]}
    assert schools[school_x.registry_id]["support_category"] == "amber"
    assert schools[school_y.registry_id]["support_category"] is None
    assert client.get(f"/api/v1/networks/{private_network_x.pk}").status_code == 200
    # An integration without roles sees what is public only.
    bare = integration_create(name="Open data mirror", by=site_admin)
    _token, bare_client = integration_bearer(bare, site_admin)
    listed = bare_client.get("/api/v1/schools").json()["items"]
    assert {s["support_category"] for s in listed} == {None}
    assert bare_client.get(f"/api/v1/networks/{private_network_x.pk}").status_code == 404


def test_an_integration_token_narrowed_to_a_region_sees_nothing_outside_it(
    ministry, site_admin, api_world, region_b, school_x
):
    _token, client = integration_bearer(ministry, site_admin, region=region_b)
    assert school_x.registry_id not in {
        s["registry_id"] for s in client.get("/api/v1/schools").json()["items"]
    }
    assert client.get(f"/api/v1/schools/{school_x.registry_id}").status_code == 404


def test_a_revoked_integration_token_gets_401_and_both_steps_are_audited_as_the_admin(
    ministry, site_admin, school_x
):
    token, client = integration_bearer(ministry, site_admin)
    assert client.get("/api/v1/schools").status_code == 200
    token_revoke(token=token, by=site_admin)
    assert client.get("/api/v1/schools").status_code == 401
    events = AuditEvent.objects.filter(object_type="api.apitoken").order_by("pk")
    assert [(e.action, e.actor) for e in events] == [
        ("api_token.created", site_admin),
        ("api_token.revoked", site_admin),
    ]
    assert events[0].details["integration"] == ministry.pk
    assert AuditEvent.objects.get(action="integration.created").actor == site_admin


def test_revoking_an_integration_token_from_its_page_asks_first(client, ministry, site_admin, school_x):
    token, api_client = integration_bearer(ministry, site_admin)
    client.force_login(site_admin)
    url = f"{LIST}{ministry.pk}/tokens/{token.pk}/revoke/"
    assert client.post(url).status_code == 200  # the confirmation page
    assert api_client.get("/api/v1/schools").status_code == 200
    assert client.post(url, {"confirmed": "yes"}).status_code == 302
    assert api_client.get("/api/v1/schools").status_code == 401


def test_an_integration_token_keeps_working_after_its_creators_account_is_closed(
    ministry, site_admin, school_x
):
    maker = User.objects.create_user(email="official@ministry.example.org", is_superuser=True, is_staff=True)
    _token, client = integration_bearer(ministry, maker)
    maker.is_active = False
    maker.save()
    assert client.get("/api/v1/schools").status_code == 200
    # A person's own token stops with their account, as before.
    personal = bearer(site_admin)
    site_admin.is_active = False
    site_admin.save()
    assert personal.get("/api/v1/schools").status_code == 401
    assert client.get("/api/v1/schools").status_code == 200


def test_deactivating_an_integration_revokes_its_tokens_and_refuses_new_ones(
    client, ministry, site_admin, school_x
):
    token, api_client = integration_bearer(ministry, site_admin)
    client.force_login(site_admin)
    assert client.post(f"{LIST}{ministry.pk}/deactivate/", {"confirmed": "yes"}).status_code == 302
    ministry.refresh_from_db()
    assert ministry.deactivated_at is not None and not ministry.account.is_active
    assert api_client.get("/api/v1/schools").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(PermissionDenied):
        token_create(user=ministry.account, by=site_admin, name="again", scope="read", days=9)
    assert AuditEvent.objects.get(action="integration.deactivated").details["tokens_revoked"] == 1
    with pytest.raises(ValidationError):
        integration_deactivate(integration=ministry, by=site_admin)


def test_an_integration_token_is_rate_limited_like_a_persons(ministry, site_admin, school_x, settings):
    settings.API_REQUESTS_PER_MINUTE = 2
    _token, client = integration_bearer(ministry, site_admin)
    assert [client.get("/api/v1/schools").status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/schools")
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1


def test_a_write_token_of_an_integration_writes_as_its_account(ministry, site_admin, region_a):
    body = {
        "region": region_a.code,
        "kind": "training",
        "title": "Regional phonics day",
        "time_zone": "Europe/London",
        "starts_at": "2031-03-04T09:30:00",
        "ends_at": "2031-03-04T15:30:00",
    }
    _token, reader = integration_bearer(ministry, site_admin)
    assert reader.post("/api/v1/events", body, content_type="application/json").status_code == 403
    _token, writer = integration_bearer(ministry, site_admin, scope="write")
    made = writer.post("/api/v1/events", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert AuditEvent.objects.get(action="event.created").actor == ministry.account


def test_a_person_cannot_make_a_token_for_someone_else(teacher_x, site_admin):
    with pytest.raises(PermissionDenied):
        token_create(user=teacher_x, by=site_admin, name="x", scope="read", days=9)


def test_a_name_already_taken_is_refused_on_the_page(client, ministry, site_admin):
    client.force_login(site_admin)
    response = client.post(LIST, {"name": "ministry mis nightly sync"})
    assert response.status_code == 400 and Integration.objects.count() == 1
