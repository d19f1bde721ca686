"""One search for the boards and the library: each result labelled by its kind, and never a post
or a resource from a network the person may not read (every persona, as the boards' own test)."""

import pytest

from kindred.board import services
from kindred.library.models import Resource
from kindred.library.services import resource_create
from kindred.networks.models import Network
from kindred.networks.services import membership_add, network_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(network_x, private_network_x, school_y, teacher_x, teacher_y, school_leader_x, region_b):
    """A post and a library link about "fractions" in each of three networks — network_x (public,
    school X), the private network of school X, a private network of school Y in region B — and
    one link shared with everyone."""
    network_y = network_create(
        name="Yew Maths Hub",
        kind=Network.Kind.SUBJECT,
        region=region_b,
        by=teacher_y,
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    membership_add(network=network_y, school=school_y, role="member", by=teacher_y)
    posts, resources = {}, {}
    for key, network, author in (
        ("x", network_x, teacher_x),
        ("private_x", private_network_x, school_leader_x),
        ("y", network_y, teacher_y),
    ):
        thread = services.thread_create(
            network=network, by=author, title=f"Fractions {key}", body=f"post about fractions in {key}"
        )
        posts[key] = thread.posts.get()
        resources[key] = resource_create(
            by=author,
            network=network,
            kind=Resource.Kind.LINK,
            title=f"Fractions wall {key}",
            licence="CC-BY-4.0",
            url="https://example.org/",
        )
    resources["everyone"] = resource_create(
        by=teacher_x,
        network=None,
        kind=Resource.Kind.LINK,
        title="Fractions games",
        licence="CC-BY-4.0",
        url="https://example.org/games",
    )
    return {"posts": posts, "resources": resources}


# Boards are read by their members (every board by the site admin). The library follows the
# networks' visibility: a public network's resources and those shared with everyone are seen by
# anyone signed in; a private network's by its members and the system leaders of its region.
POSTS = {
    "site_admin": {"x", "private_x", "y"},
    "system_leader": set(),
    "school_admin_x": {"x", "private_x"},
    "school_leader_x": {"x", "private_x"},
    "teacher_x": {"x", "private_x"},
    "teacher_y": {"y"},
    "no_school_user": set(),
}
RESOURCES = {
    "site_admin": {"everyone", "x", "private_x", "y"},
    "system_leader": {"everyone", "x", "private_x"},
    "school_admin_x": {"everyone", "x", "private_x"},
    "school_leader_x": {"everyone", "x", "private_x"},
    "teacher_x": {"everyone", "x", "private_x"},
    "teacher_y": {"everyone", "x", "y"},
    "no_school_user": {"everyone", "x"},
}


@pytest.mark.parametrize("persona", sorted(POSTS))
def test_one_search_finds_exactly_the_posts_and_resources_a_persona_may_read(
    client, persona, personas, world
):
    client.force_login(personas[persona])
    response = client.get("/board/search/", {"q": "fractions"})
    page = response.content.decode()
    found_posts = {key for key, post in world["posts"].items() if f"post about fractions in {key}" in page}
    found_resources = {key for key, r in world["resources"].items() if f'href="/library/{r.pk}/"' in page}
    assert found_posts == POSTS[persona]
    assert found_resources == RESOURCES[persona]
    assert page.count("Library: Link") == len(RESOURCES[persona])
    assert page.count("Board post") == len(POSTS[persona])


def test_the_search_matches_every_word_and_links_to_the_rest_in_the_library(
    client, teacher_x, world, monkeypatch
):
    from kindred.board import views

    client.force_login(teacher_x)
    page = client.get("/board/search/", {"q": "fractions games"}).content.decode()
    assert "Fractions games" in page and "Fractions wall" not in page
    monkeypatch.setattr(views, "LIBRARY_SHOWN", 2)
    page = client.get("/board/search/", {"q": "fractions"}).content.decode()
    assert "3 resources found in the library you may see." in page and page.count("Library: Link") == 2
    assert 'href="/library/?q=fractions"' in page


def test_a_search_that_finds_only_resources_says_no_posts_were_found(client, no_school_user, world):
    client.force_login(no_school_user)
    page = client.get("/board/search/", {"q": "fractions"}).content.decode()
    assert "No posts found in the boards of your networks." in page and "Fractions games" in page
