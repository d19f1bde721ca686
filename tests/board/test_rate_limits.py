"""Per-person limits on writing (issue 20, item 8: 60 replies in 3.4 s, one post mentioning 900
people): posts per minute and per hour, threads per hour, mentions per post, join requests per
day. Over a limit, a clear translated message and nothing written."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from kindred.board.models import Notification, Post, Thread
from kindred.board.services import post_reply, thread_create
from kindred.core import ratelimit
from kindred.networks.models import MembershipRequest, Network
from kindred.networks.services import membership_request_create, network_create

pytestmark = pytest.mark.django_db


def test_replies_past_the_limit_per_minute_are_refused_until_the_minute_passes(
    client, thread_x, teacher_x, settings
):
    settings.BOARD_POSTS_PER_MINUTE = 3
    client.force_login(teacher_x)
    url = f"/board/threads/{thread_x.pk}/reply/"
    # The thread's first post counts: two more replies, then the fourth post is refused.
    assert [client.post(url, {"body": f"reply {n}"}).status_code for n in range(2)] == [302, 302]
    response = client.post(url, {"body": "one too many"})
    assert response.status_code == 400
    assert "You have posted 3 times in the last minute: please wait a minute and post again." in (
        response.content.decode()
    )
    assert Post.objects.filter(thread=thread_x).count() == 3
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert client.post(url, {"body": "later"}).status_code == 302
    assert Post.objects.filter(thread=thread_x).count() == 4


def test_the_hourly_limit_holds_across_minutes(thread_x, teacher_x, settings):
    settings.BOARD_POSTS_PER_HOUR = 3
    start = timezone.now()
    for minute in (1, 2):
        with time_machine.travel(start + timedelta(minutes=minute)):
            post_reply(thread=thread_x, by=teacher_x, body="ok")
    with time_machine.travel(start + timedelta(minutes=3)), pytest.raises(ValidationError) as refused:
        post_reply(thread=thread_x, by=teacher_x, body="too many")
    assert "3 times in the last hour" in refused.value.messages[0]
    with time_machine.travel(start + timedelta(minutes=61)):
        post_reply(thread=thread_x, by=teacher_x, body="an hour on")


def test_the_limit_is_per_person(thread_x, teacher_x, school_admin_x, settings):
    settings.BOARD_POSTS_PER_MINUTE = 1  # teacher_x's first post used theirs
    with pytest.raises(ValidationError):
        post_reply(thread=thread_x, by=teacher_x, body="again")
    post_reply(thread=thread_x, by=school_admin_x, body="someone else may")


def test_threads_past_the_hourly_limit_are_refused_with_nothing_written(network_x, teacher_x, settings):
    settings.BOARD_THREADS_PER_HOUR = 2
    for n in range(2):
        thread_create(network=network_x, by=teacher_x, title=f"T{n}", body="b")
    with pytest.raises(ValidationError) as refused:
        thread_create(network=network_x, by=teacher_x, title="T3", body="b")
    assert refused.value.messages == [
        "You have started 2 threads in the last hour: please wait a while and start another."
    ]
    assert Thread.objects.count() == 2 and Post.objects.count() == 2


def test_a_post_mentioning_too_many_people_is_refused_and_nobody_is_notified(
    client, thread_x, teacher_x, settings
):
    settings.BOARD_MENTIONS_PER_POST = 20
    body = " ".join(f"@p{n}@example.org" for n in range(90))
    client.force_login(teacher_x)
    response = client.post(f"/board/threads/{thread_x.pk}/reply/", {"body": body})
    assert response.status_code == 400
    assert "A post may mention at most 20 people; this one mentions 90." in response.content.decode()
    assert Post.objects.count() == 1 and not Notification.objects.exists()
    # Twenty is fine.
    post_reply(thread=thread_x, by=teacher_x, body=" ".join(f"@p{n}@example.org" for n in range(20)))
    # The same person mentioned twice counts once.
    post_reply(thread=thread_x, by=teacher_x, body="@p1@example.org " * 40)


def test_the_message_is_translated(thread_x, teacher_x, settings):
    settings.BOARD_POSTS_PER_MINUTE = 1
    with override("cy"), pytest.raises(ValidationError) as refused:
        post_reply(thread=thread_x, by=teacher_x, body="again")
    assert "You have posted" not in refused.value.messages[0]


def test_join_requests_past_the_daily_limit_are_refused(region_a, teacher_y, settings):
    settings.JOIN_REQUESTS_PER_DAY = 2
    networks = [
        network_create(name=f"N{n}", kind=Network.Kind.COMMUNITY, region=region_a, by=None) for n in range(3)
    ]
    for network in networks[:2]:
        membership_request_create(network=network, kind="ask", person=teacher_y, by=teacher_y)
    with pytest.raises(ValidationError) as refused:
        membership_request_create(network=networks[2], kind="ask", person=teacher_y, by=teacher_y)
    assert refused.value.messages == [
        "You have sent 2 requests to join in the last day: please wait a day and ask again."
    ]
    assert MembershipRequest.objects.count() == 2
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        membership_request_create(network=networks[2], kind="ask", person=teacher_y, by=teacher_y)


def test_the_join_page_shows_the_limit(client, region_a, teacher_y, settings):
    settings.JOIN_REQUESTS_PER_DAY = 1
    first, second = (
        network_create(name=name, kind=Network.Kind.COMMUNITY, region=region_a, by=None) for name in "AB"
    )
    client.force_login(teacher_y)
    assert client.post(f"/networks/{first.pk}/join/", {"message": ""}).status_code == 302
    response = client.post(f"/networks/{second.pk}/join/", {"message": ""}, follow=True)
    assert "You have sent 1 requests to join in the last day" in response.content.decode()
    assert MembershipRequest.objects.count() == 1


def test_a_limit_of_zero_is_off_and_seeding_is_not_limited(thread_x, teacher_x, settings):
    settings.BOARD_POSTS_PER_MINUTE = 0
    for _ in range(5):
        post_reply(thread=thread_x, by=teacher_x, body="no limit")
    settings.BOARD_POSTS_PER_MINUTE = 1
    with ratelimit.suspended():
        post_reply(thread=thread_x, by=teacher_x, body="the demo seeds")
    with pytest.raises(ValidationError):
        post_reply(thread=thread_x, by=teacher_x, body="a person again")
