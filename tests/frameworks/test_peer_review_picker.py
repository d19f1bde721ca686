"""Asking for a peer review: pick a partner from the list, or search by name and choose, without
JavaScript (issue 21, item 12)."""

import pytest

from kindred.frameworks.models import PeerReview
from kindred.networks.models import Network
from kindred.networks.services import membership_add, membership_end, network_create
from kindred.schools.models import School

pytestmark = pytest.mark.django_db

YEAR = 2025


@pytest.fixture
def page_url(framework, school_x):
    return f"/self-evaluation/schools/{school_x.registry_id}/?version={framework.pk}&year={YEAR}"


def ask(client, school, framework, **fields):
    return client.post(
        f"/self-evaluation/schools/{school.registry_id}/peer-reviews/",
        {"version": framework.pk, "year": YEAR, **fields},
    )


@pytest.fixture
def partnership(school_x, school_y, school_leader_x):
    network = network_create(
        name="Xavier and Yew", kind=Network.Kind.COMMUNITY, region=school_x.region, by=school_leader_x
    )
    membership_add(network=network, school=school_x, by=school_leader_x)
    membership_add(network=network, school=school_y, by=school_leader_x)
    return network


def test_the_form_lists_the_schools_of_the_schools_networks_and_not_itself(
    client, school_leader_x, partnership, page_url, school_x
):
    client.force_login(school_leader_x)
    page = client.get(page_url).content.decode()
    select = page[page.index('name="partner"') : page.index("</select>", page.index('name="partner"'))]
    assert '<option value="200002">Yew Tree Academy (200002)</option>' in select
    assert "Xavier Primary" not in select
    assert '<datalist id="peer-partners"><option value="Yew Tree Academy">' in page


def test_a_school_that_left_the_network_is_not_offered(
    client, school_leader_x, partnership, page_url, school_y
):
    membership_end(
        membership=partnership.memberships.get(school=school_y), reason="moved away", by=school_leader_x
    )
    client.force_login(school_leader_x)
    assert '<option value="200002">' not in client.get(page_url).content.decode()


def test_picking_a_partner_asks_it(client, school_leader_x, partnership, framework, school_x, school_y):
    client.force_login(school_leader_x)
    response = ask(client, school_x, framework, partner=school_y.registry_id)
    assert response.status_code == 302
    assert PeerReview.objects.filter(school=school_x, reviewer_school=school_y, year=YEAR).exists()


def test_a_search_with_one_match_asks_that_school(client, school_leader_x, framework, school_x, school_y):
    client.force_login(school_leader_x)
    assert ask(client, school_x, framework, search="yew tree").status_code == 302
    assert PeerReview.objects.get(school=school_x).reviewer_school == school_y


def test_a_search_with_several_matches_shows_them_to_choose_and_the_choice_asks_it(
    client, school_leader_x, framework, school_x, region_a
):
    first = School.objects.create(
        registry_id="300001", name="St Mary's Primary", town="Llandeilo", region=region_a
    )
    second = School.objects.create(
        registry_id="300002", name="St Mary's Junior", town="Carmarthen", region=region_a
    )
    client.force_login(school_leader_x)
    response = ask(client, school_x, framework, search="st mary")
    page = response.content.decode()
    assert response.status_code == 200 and not PeerReview.objects.exists()
    assert "2 schools match “st mary”" in page
    assert 'type="radio" name="reviewer" value="300001"' in page and "Llandeilo" in page
    assert 'value="300002"' in page and "Carmarthen" in page
    assert ask(client, school_x, framework, reviewer="300002").status_code == 302
    assert PeerReview.objects.get(school=school_x).reviewer_school == second
    assert first.pk != second.pk


def test_a_search_matching_nothing_says_so_and_asks_nobody(client, school_leader_x, framework, school_x):
    client.force_login(school_leader_x)
    response = ask(client, school_x, framework, search="Nowhere Academy")
    assert response.status_code == 400
    assert "No school matches “Nowhere Academy”" in response.content.decode()
    assert not PeerReview.objects.exists()


def test_nothing_chosen_is_refused_with_what_to_do(client, school_leader_x, framework, school_x):
    client.force_login(school_leader_x)
    response = ask(client, school_x, framework)
    assert response.status_code == 400
    assert "Choose a school from your networks, or search" in response.content.decode()


def test_the_school_itself_is_never_found(client, school_leader_x, framework, school_x):
    client.force_login(school_leader_x)
    response = ask(client, school_x, framework, search="Xavier Primary")
    assert response.status_code == 400 and not PeerReview.objects.exists()


def test_asking_the_same_school_twice_shows_the_refusal_on_the_page(
    client, school_leader_x, partnership, framework, school_x, school_y
):
    client.force_login(school_leader_x)
    ask(client, school_x, framework, partner=school_y.registry_id)
    response = ask(client, school_x, framework, partner=school_y.registry_id)
    assert response.status_code == 400
    assert "has already been asked for this year" in response.content.decode()
    assert PeerReview.objects.count() == 1


def test_a_teacher_cannot_ask(client, teacher_x, framework, school_x, school_y):
    client.force_login(teacher_x)
    assert ask(client, school_x, framework, search=school_y.registry_id).status_code == 403
