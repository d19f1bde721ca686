"""Exact read state: unread counts per network and thread, the "new since your last visit"
marker, following and muting."""

import pytest

from kindred.board import selectors, services
from kindred.board.models import ThreadRead
from kindred.core import ratelimit

pytestmark = pytest.mark.django_db


def unread(user, network):
    return selectors.unread_counts_by_network(user=user, network_ids=[network.pk]).get(network.pk, 0)


def test_posts_by_others_are_unread_until_the_thread_is_opened(
    client, network_x, thread_x, school_admin_x, teacher_x
):
    services.post_reply(thread=thread_x, by=teacher_x, body="and another thing")
    assert unread(school_admin_x, network_x) == 2
    assert unread(teacher_x, network_x) == 0  # their own posts
    client.force_login(school_admin_x)
    client.get(thread_x.get_absolute_url())
    assert unread(school_admin_x, network_x) == 0


def test_the_board_shows_unread_counts_per_thread(client, network_x, thread_x, school_admin_x, teacher_x):
    services.post_reply(thread=thread_x, by=teacher_x, body="one more")
    other = services.thread_create(network=network_x, by=teacher_x, title="Maths", body="x")
    client.force_login(school_admin_x)
    client.get(other.get_absolute_url())
    page = client.get(f"/board/networks/{network_x.pk}/")
    counts = {t.pk: t.unread for t in page.context["page_obj"].object_list}
    assert counts == {thread_x.pk: 2, other.pk: 0}


def test_only_posts_after_the_last_visit_carry_the_new_marker(client, thread_x, school_admin_x, teacher_x):
    client.force_login(school_admin_x)
    client.get(thread_x.get_absolute_url())
    reply = services.post_reply(thread=thread_x, by=teacher_x, body="fresh news")
    page = client.get(thread_x.get_absolute_url())
    assert page.context["first_new"] == reply.pk
    html = page.content.decode()
    assert html.index("New since your last visit") < html.index("fresh news")
    assert html.index("Who runs a book club?") < html.index("New since your last visit")
    assert client.get(thread_x.get_absolute_url()).context["first_new"] is None


def test_the_read_mark_never_moves_back(thread_x, school_admin_x, teacher_x):
    reply = services.post_reply(thread=thread_x, by=teacher_x, body="x")
    services.thread_mark_read(thread=thread_x, user=school_admin_x, up_to_post_id=reply.pk)
    services.thread_mark_read(thread=thread_x, user=school_admin_x, up_to_post_id=reply.pk - 1)
    assert ThreadRead.objects.get(user=school_admin_x, thread=thread_x).last_read_post_id == reply.pk


def test_a_muted_thread_leaves_the_unread_counts(network_x, thread_x, school_admin_x, teacher_x):
    services.thread_level_set(thread=thread_x, user=school_admin_x, level=ThreadRead.Level.MUTED)
    services.post_reply(thread=thread_x, by=teacher_x, body="x")
    assert unread(school_admin_x, network_x) == 0


def test_hidden_and_deleted_posts_are_not_counted_as_unread(
    network_x, thread_x, school_admin_x, teacher_x, school_leader_x
):
    gone = services.post_reply(thread=thread_x, by=teacher_x, body="oops")
    services.post_delete(post=gone, by=teacher_x)
    hidden = services.post_reply(thread=thread_x, by=teacher_x, body="rude")
    services.post_hide(post=hidden, by=school_leader_x)
    assert unread(school_admin_x, network_x) == 1


def test_a_long_thread_opens_at_the_first_unread_page(client, thread_x, school_admin_x, teacher_x):
    client.force_login(school_admin_x)
    client.get(thread_x.get_absolute_url())
    with ratelimit.suspended():  # seeding a long thread
        for n in range(selectors.POSTS_PER_PAGE + 5):
            services.post_reply(thread=thread_x, by=teacher_x, body=f"reply {n}")
    client.get(thread_x.get_absolute_url())  # reads page 1, where the unread posts begin
    page = client.get(thread_x.get_absolute_url())
    assert page.context["page_obj"].number == 2
    assert page.context["first_new"] == page.context["posts"][0].pk


def test_the_boards_page_totals_unread_posts(client, network_x, thread_x, school_admin_x):
    client.force_login(school_admin_x)
    page = client.get("/board/")
    assert page.context["unread_total"] == 1
    assert 'data-unread="1"' in page.content.decode()
