"""API tokens: shown once, hashed at rest, scoped, expiring, revocable, audited and rate limited."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from kindred.api.models import ApiToken
from kindred.api.services import token_create, token_revoke
from kindred.audit.models import AuditEvent
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_only_the_tokens_hash_is_stored_and_its_prefix_tells_it_apart(teacher_x):
    token, secret = token_create(user=teacher_x, name="sync", scope="read", days=30)
    assert secret.startswith("kd_") and len(secret) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(list(ApiToken.objects.values_list()))
    assert secret.startswith(stored.prefix)


def test_making_and_revoking_a_token_are_audited_without_the_secret(teacher_x):
    token, secret = token_create(user=teacher_x, name="sync", scope="read", days=30)
    token_revoke(token=token, by=teacher_x)
    events = list(AuditEvent.objects.filter(object_type="api.apitoken").order_by("pk"))
    assert [e.action for e in events] == ["api_token.created", "api_token.revoked"]
    assert events[0].details["scope"] == "read"
    assert all(secret not in str(e.details) and secret not in e.object_label for e in events)


def test_a_token_refused_for_a_bad_lifetime_or_name_writes_nothing(teacher_x, settings):
    settings.API_TOKEN_MAX_DAYS = 10
    with pytest.raises(ValidationError):
        token_create(user=teacher_x, name="sync", scope="read", days=11)
    with pytest.raises(ValidationError):
        token_create(user=teacher_x, name="  ", scope="read", days=5)
    with pytest.raises(ValidationError):
        token_create(user=teacher_x, name="sync", scope="admin", days=5)
    assert (
        not ApiToken.objects.exists() and not AuditEvent.objects.filter(action="api_token.created").exists()
    )


def test_without_a_live_token_the_api_answers_401(teacher_x, school_x):
    url = "/api/v1/schools"
    assert Client().get(url).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer kd_not-a-token").get(url).status_code == 401
    token, secret = token_create(user=teacher_x, name="sync", scope="read", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        assert client.get(url).status_code == 401
    token_revoke(token=token, by=teacher_x)
    assert client.get(url).status_code == 401


def test_a_closed_accounts_token_stops_working(teacher_x, school_x):
    client = bearer(teacher_x)
    assert client.get("/api/v1/schools").status_code == 200
    teacher_x.is_active = False
    teacher_x.save()
    assert client.get("/api/v1/schools").status_code == 401


def test_past_the_rate_limit_the_answer_is_429_with_retry_after_until_the_minute_is_over(
    teacher_x, school_x, settings
):
    settings.API_REQUESTS_PER_MINUTE = 3
    client = bearer(teacher_x)
    other = bearer(teacher_x, name="another program")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert [client.get("/api/v1/schools").status_code for _ in range(3)] == [200, 200, 200]
    with time_machine.travel(start + timedelta(seconds=20), tick=False):
        refused = client.get("/api/v1/schools")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "40"
        assert other.get("/api/v1/schools").status_code == 200  # counted per token, not per person
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert client.get("/api/v1/schools").status_code == 200


def test_a_token_records_when_it_was_last_used(teacher_x, school_x):
    client = bearer(teacher_x)
    assert ApiToken.objects.get().last_used_at is None
    client.get("/api/v1/schools")
    assert ApiToken.objects.get().last_used_at is not None


def test_the_tokens_page_shows_a_new_secret_once(client, teacher_x):
    client.force_login(teacher_x)
    assert client.get("/accounts/api-tokens/").status_code == 200
    response = client.post("/accounts/api-tokens/", {"name": "MIS sync", "scope": "read", "days": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=teacher_x)
    secret = response.context["secret"]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.key_hash
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    again = client.get("/accounts/api-tokens/").content.decode()
    assert secret not in again and token.prefix in again


def test_the_tokens_page_refuses_a_too_long_lifetime_with_the_services_reason(client, teacher_x, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    client.force_login(teacher_x)
    response = client.post("/accounts/api-tokens/", {"name": "MIS sync", "scope": "read", "days": "31"})
    assert response.status_code == 400
    assert "1 to 30 days" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_asks_first_and_only_the_owner_may(client, teacher_x, teacher_y):
    token, secret = token_create(user=teacher_x, name="sync", scope="read", days=30)
    client.force_login(teacher_y)
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/", {"confirmed": "yes"}).status_code == 404
    client.force_login(teacher_x)
    asked = client.post(f"/accounts/api-tokens/{token.pk}/revoke/")
    assert asked.status_code == 200 and 'name="confirmed"' in asked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/", {"confirmed": "yes"}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/schools").status_code == 401
