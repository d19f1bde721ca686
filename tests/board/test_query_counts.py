"""The hot pages of the board make a fixed number of queries, however many posts and threads."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.board import services
from kindred.core import ratelimit

pytestmark = pytest.mark.django_db

# Pinned: a change that adds a query per post, per thread or per network fails here.
# Each includes the navigation's one "is this person a system leader" query (brokering and formation
# are in the leaders' navigation; accounts/context_processors.leader).
# Each signed-in page: + the navigation's unread count (one query; the boards page has counted them already).
THREAD_PAGE = 17
BOARD_PAGE = 13
BOARDS_PAGE = 6
SEARCH_PAGE = 11  # the unread count, the navigation's leader query, the person's networks, the posts, then the library resources they may see (3 more)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(network, thread, people, n):
    with ratelimit.suspended():  # seeding many posts at once, not people typing them
        for i in range(n):
            services.post_reply(thread=thread, by=people[i % len(people)], body=f"reply {i} about reading")
            services.thread_create(
                network=network, by=people[i % len(people)], title=f"Thread {i}", body="reading"
            )


def test_the_thread_page_makes_the_same_queries_for_3_or_30_posts(
    client, network_x, thread_x, teacher_x, school_admin_x, school_leader_x
):
    client.force_login(school_admin_x)
    client.get(thread_x.get_absolute_url())  # a returning reader (the first visit adds their read mark)
    grow(network_x, thread_x, [teacher_x, school_leader_x], 2)
    small = queries(client, f"{thread_x.get_absolute_url()}?page=1")
    grow(network_x, thread_x, [teacher_x, school_leader_x], 27)
    large = queries(client, f"{thread_x.get_absolute_url()}?page=1")
    assert small == large <= THREAD_PAGE


def test_the_board_page_makes_the_same_queries_for_3_or_25_threads(
    client, network_x, thread_x, teacher_x, school_admin_x, school_leader_x
):
    client.force_login(school_admin_x)
    grow(network_x, thread_x, [teacher_x, school_leader_x], 2)
    small = queries(client, f"/board/networks/{network_x.pk}/")
    grow(network_x, thread_x, [teacher_x, school_leader_x], 23)
    large = queries(client, f"/board/networks/{network_x.pk}/")
    assert small == large <= BOARD_PAGE


def test_the_boards_page_and_search_make_a_fixed_number_of_queries(
    client, network_x, thread_x, teacher_x, school_admin_x, school_leader_x
):
    client.force_login(school_admin_x)
    grow(network_x, thread_x, [teacher_x, school_leader_x], 2)
    small = (queries(client, "/board/"), queries(client, "/board/search/?q=reading"))
    grow(network_x, thread_x, [teacher_x, school_leader_x], 25)
    large = (queries(client, "/board/"), queries(client, "/board/search/?q=reading"))
    assert small == large
    assert large[0] <= BOARDS_PAGE
    assert large[1] <= SEARCH_PAGE
