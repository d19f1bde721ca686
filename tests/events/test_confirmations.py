"""Cancelling a registration and replacing or revoking the calendar-feed address are confirmed first,
without JavaScript too (issue 21, item 13)."""

from kindred.events.models import FeedToken, Registration
from kindred.events.services import feed_token_issue, registration_create
from tests.events.conftest import FIRST


def test_cancelling_a_registration_asks_first_then_the_place_goes_to_the_waiting_list(
    client, training, make_user
):
    people = [make_user(f"teacher{i}") for i in range(4)]
    for person in people:
        registration_create(event=training, occurrence_start=FIRST, by=person)
    mine = Registration.objects.get(user=people[0])
    waiting = Registration.objects.get(user=people[3])
    assert waiting.status == Registration.Status.WAITING
    client.force_login(people[0])
    url = f"/events/registrations/{mine.pk}/cancel/"
    question = client.post(url)
    body = question.content.decode()
    assert question.status_code == 200 and "Cancel your registration for Reading for pleasure on" in body
    assert (
        "The place goes at once to the first on the waiting list" in body
        and "No, keep the registration" in body
    )
    mine.refresh_from_db()
    assert mine.status == Registration.Status.CONFIRMED
    client.post(url, {"confirmed": "yes"})
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Registration.Status.CANCELLED and waiting.status == Registration.Status.CONFIRMED


def test_replacing_the_feed_address_asks_first(client, teacher_x):
    old = feed_token_issue(user=teacher_x).token
    client.force_login(teacher_x)
    question = client.post("/events/feed/", {"action": "issue"})
    body = question.content.decode()
    assert question.status_code == 200 and "Replace your calendar address?" in body
    assert 'name="action" value="issue"' in body and "stops working at once" in body
    assert FeedToken.objects.get(user=teacher_x, revoked_at__isnull=True).token == old
    client.post("/events/feed/", {"action": "issue", "confirmed": "yes"})
    assert FeedToken.objects.get(user=teacher_x, revoked_at__isnull=True).token != old


def test_revoking_the_feed_address_asks_first(client, teacher_x):
    feed_token_issue(user=teacher_x)
    client.force_login(teacher_x)
    body = client.post("/events/feed/", {"action": "revoke"}).content.decode()
    assert "Revoke your calendar address?" in body and 'name="action" value="revoke"' in body
    assert FeedToken.objects.filter(user=teacher_x, revoked_at__isnull=True).exists()
    client.post("/events/feed/", {"action": "revoke", "confirmed": "yes"})
    assert not FeedToken.objects.filter(user=teacher_x, revoked_at__isnull=True).exists()


def test_making_a_first_address_needs_no_confirmation(client, teacher_x):
    client.force_login(teacher_x)
    assert client.post("/events/feed/", {"action": "issue"}).status_code == 302
    assert FeedToken.objects.filter(user=teacher_x, revoked_at__isnull=True).exists()
