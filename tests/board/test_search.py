"""Search across every board a person reads, and never a post from a board they cannot read."""

import pytest

from kindred.board import search, services
from kindred.networks.models import Network
from kindred.networks.services import membership_add, network_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards(network_x, private_network_x, school_y, teacher_x, teacher_y, school_leader_x, region_b):
    """Three boards, each with a post about "fractions": network_x and the private network of
    school X, and a private network of school Y in region B."""
    network_y = network_create(
        name="Yew Maths Hub",
        kind=Network.Kind.SUBJECT,
        region=region_b,
        by=teacher_y,
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    membership_add(network=network_y, school=school_y, role="member", by=teacher_y)
    public = services.thread_create(
        network=network_x, by=teacher_x, title="Fractions week", body="Our fractions plan"
    )
    private = services.thread_create(
        network=private_network_x, by=school_leader_x, title="Budget", body="Fractions of the budget"
    )
    other = services.thread_create(
        network=network_y, by=teacher_y, title="Maths", body="fractions wall display"
    )
    return {"x": public.posts.get(), "private_x": private.posts.get(), "y": other.posts.get()}


def found(user, text="fractions"):
    return {p.pk for p in search.search_posts(user=user, text=text).object_list}


# Who reads which board: X's staff read both of X's networks; teacher_y reads Y's; the site
# admin reads all; the system leader of region A, and people in no school, read none.
EXPECTED = {
    "site_admin": {"x", "private_x", "y"},
    "system_leader": set(),
    "school_admin_x": {"x", "private_x"},
    "school_leader_x": {"x", "private_x"},
    "teacher_x": {"x", "private_x"},
    "teacher_y": {"y"},
    "no_school_user": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_search_finds_exactly_the_posts_of_the_boards_a_persona_reads(persona, personas, boards):
    assert found(personas[persona]) == {boards[key].pk for key in EXPECTED[persona]}


def test_search_through_the_page_never_shows_another_networks_post(client, personas, boards):
    client.force_login(personas["teacher_y"])
    page = client.get("/board/search/", {"q": "fractions"}).content.decode()
    assert "fractions wall display" in page
    assert "Our fractions plan" not in page and "Fractions of the budget" not in page


def test_hidden_and_deleted_posts_are_never_found(boards, teacher_x, school_leader_x):
    services.post_hide(post=boards["x"], by=school_leader_x)
    services.post_delete(post=boards["private_x"], by=school_leader_x)
    assert found(teacher_x) == set()


def test_a_thread_title_finds_its_posts(boards, teacher_x):
    assert found(teacher_x, "week") == {boards["x"].pk}


def test_an_edited_post_is_found_by_its_new_words(boards, teacher_x):
    services.post_edit(post=boards["x"], by=teacher_x, body="Our decimals approach")
    assert found(teacher_x, "decimals") == {boards["x"].pk}
    assert found(teacher_x, "plan") == set()


def test_search_text_with_quotes_and_operators_is_taken_as_plain_words(boards, teacher_x):
    assert found(teacher_x, 'fractions"') == {boards["x"].pk, boards["private_x"].pk}
    assert found(teacher_x, "NEAR(fractions plan)") == set()  # "near" is a word here, in no post
    assert found(teacher_x, "   ") == set()


def test_search_folds_accents(network_x, teacher_x):
    thread = services.thread_create(network=network_x, by=teacher_x, title="Cymraeg", body="Ysgôl haf")
    assert found(teacher_x, "ysgol") == {thread.posts.get().pk}


def test_the_network_token_in_the_index_is_never_found_by_what_people_type(boards, teacher_x, site_admin):
    """SQLite indexes each post's network as `n<id>`; typing it finds nothing, for anyone."""
    token = f"n{boards['x'].network_id}"
    assert found(teacher_x, token) == set()
    assert found(site_admin, token) == set()
