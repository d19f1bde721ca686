"""Board posts written through the API: a network's members start threads and reply; whoever else
sees the network is refused (403), the rest do not see it (404); only coordinators pin; the board's
per-person limits hold (429); each post is audited under the token's person."""

import json

import pytest

from kindred.audit.models import AuditEvent
from kindred.board.models import Post, Thread
from kindred.board.services import thread_create
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def writer(user, **options):
    return bearer(user, scope="write", **options)


def _thread(client, network, **extra):
    body = {"title": "Reading buddies", "body": "Who has tried **paired reading**?", **extra}
    return post(client, f"/api/v1/networks/{network.pk}/threads", body)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher_x", 201),  # staff of a member school
        ("school_admin_x", 201),
        ("school_leader_x", 201),  # the coordinator
        ("site_admin", 403),  # reads and moderates every board, but is no member
        ("system_leader", 403),  # sees region A's private network, not its board
        ("teacher_y", 404),
        ("leader_b", 404),
        ("no_school_user", 404),
    ],
)
def test_a_private_networks_members_start_threads_and_nobody_else(
    persona, status, private_network_x, request
):
    response = _thread(writer(request.getfixturevalue(persona)), private_network_x)
    assert response.status_code == status, response.content
    assert Thread.objects.exists() == (status == 201)


def test_a_thread_starts_with_its_first_post_audited_as_the_tokens_person(network_x, teacher_x):
    response = _thread(writer(teacher_x), network_x)
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Reading buddies" and body["first_post"]["author"] == str(teacher_x)
    thread = Thread.objects.get(pk=body["id"])
    assert thread.posts.get().body == "Who has tried **paired reading**?"
    assert AuditEvent.objects.get(action="board.thread_created").actor == teacher_x


def test_only_coordinators_pin(network_x, teacher_x, school_leader_x):
    assert _thread(writer(teacher_x), network_x, pinned=True).status_code == 403
    assert _thread(writer(school_leader_x), network_x, pinned=True).json()["pinned"] is True
    assert Thread.objects.count() == 1


def test_a_reply_goes_to_the_end_of_the_thread(network_x, teacher_x, school_leader_x):
    thread = thread_create(network=network_x, by=school_leader_x, title="Agenda", body="Items?")
    response = post(writer(teacher_x), f"/api/v1/threads/{thread.pk}/posts", {"body": "Phonics, please."})
    assert response.status_code == 201, response.content
    assert response.json()["thread"] == thread.pk
    assert thread.posts.order_by("pk").last().body == "Phonics, please."
    assert AuditEvent.objects.get(action="board.post_created").actor == teacher_x


@pytest.mark.parametrize(
    ("persona", "status"), [("teacher_x", 201), ("teacher_y", 404), ("system_leader", 403)]
)
def test_replies_follow_the_boards_rule(persona, status, private_network_x, school_leader_x, request):
    thread = thread_create(network=private_network_x, by=school_leader_x, title="Agenda", body="Items?")
    response = post(
        writer(request.getfixturevalue(persona)), f"/api/v1/threads/{thread.pk}/posts", {"body": "Hi"}
    )
    assert response.status_code == status, response.content
    assert thread.posts.count() == (2 if status == 201 else 1)


def test_empty_or_bad_posts_are_422_and_nothing_is_written(network_x, teacher_x):
    client = writer(teacher_x)
    assert _thread(client, network_x, title="  ").status_code == 422
    assert _thread(client, network_x, body=" ").status_code == 422
    assert _thread(client, network_x, title="Two\nlines").status_code == 422
    assert not Post.objects.exists()


def test_the_boards_own_posting_limit_answers_429(network_x, teacher_x, school_leader_x, settings):
    settings.BOARD_POSTS_PER_MINUTE = 1
    thread = thread_create(network=network_x, by=school_leader_x, title="Agenda", body="Items?")
    client = writer(teacher_x)
    assert post(client, f"/api/v1/threads/{thread.pk}/posts", {"body": "one"}).status_code == 201
    limited = post(client, f"/api/v1/threads/{thread.pk}/posts", {"body": "two"})
    assert limited.status_code == 429 and limited["Retry-After"]
    assert thread.posts.count() == 2


def test_a_read_token_posts_nothing(network_x, teacher_x):
    assert _thread(bearer(teacher_x), network_x).status_code == 403
    assert not Thread.objects.exists()
