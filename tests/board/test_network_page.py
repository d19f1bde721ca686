"""The network page shows the board's latest threads to those who read the board."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_network_page_lists_recent_threads_for_members(client, network_x, thread_x, teacher_x):
    client.force_login(teacher_x)
    page = client.get(network_x.get_absolute_url()).content.decode()
    assert "Recent threads" in page and "Reading for pleasure" in page


def test_the_network_page_keeps_threads_from_people_outside_the_network(
    client, network_x, thread_x, teacher_y
):
    client.force_login(teacher_y)
    page = client.get(network_x.get_absolute_url()).content.decode()
    assert "Reading for pleasure" not in page
    assert "The board is for the network" in page
