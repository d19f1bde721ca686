"""Partnerships are private (issue 21, item 6): seen by their schools and the leaders over them, not
listed in the directory, and nobody asks to join one."""

import pytest
from django.core.exceptions import ValidationError

from kindred.accounts.models import SchoolStaff
from kindred.brokering.models import Invitation, ProposedNetwork
from kindred.brokering.services import approach_propose, approach_record, run_create, run_publish
from kindred.networks.models import Network
from kindred.networks.services import (
    membership_add,
    membership_request_create,
    network_create,
    network_update,
)
from kindred.schools.models import School


@pytest.fixture
def partnership(school_x, system_leader):
    """A brokered partnership of school X (need) and another school of region A (partner)."""
    partner = School.objects.create(registry_id="100777", name="Partner Primary", region=school_x.region)
    run = run_create(kind="brokering", region=school_x.region, by=system_leader)
    run.status = run.Status.REVIEW
    run.save()
    pair = ProposedNetwork.objects.create(run=run, number=1, domain="maths")
    Invitation.objects.create(proposed_network=pair, school=school_x, role=Invitation.Role.NEED)
    Invitation.objects.create(proposed_network=pair, school=partner, role=Invitation.Role.PARTNER)
    run_publish(run=run, by=system_leader)
    pair.refresh_from_db()
    membership_add(network=pair.network, school=school_x, role="mentee", by=system_leader)
    return pair.network


def test_a_published_partnership_is_private(partnership):
    assert partnership.kind == Network.Kind.PARTNERSHIP
    assert partnership.visibility == Network.Visibility.PRIVATE


def test_a_partnership_is_seen_by_its_schools_and_its_leaders_only(
    client, partnership, teacher_x, system_leader, teacher_y, no_school_user
):
    for user, status in ((teacher_x, 200), (system_leader, 200), (teacher_y, 404), (no_school_user, 404)):
        client.force_login(user)
        assert client.get(partnership.get_absolute_url()).status_code == status, user


def test_the_directory_lists_no_partnership_even_to_its_members(
    client, partnership, teacher_x, site_admin, network_x
):
    for user in (teacher_x, site_admin):
        client.force_login(user)
        listed = list(client.get("/networks/").context["page_obj"])
        assert network_x in listed and partnership not in listed
        assert partnership not in list(client.get("/networks/", {"kind": "partnership"}).context["page_obj"])
    client.force_login(teacher_x)  # its members find it under "Your networks"
    assert partnership in client.get("/networks/").context["your_networks"]


def test_nobody_asks_to_join_a_partnership(partnership, school_y, teacher_y):
    with pytest.raises(ValidationError, match="nobody asks to join it"):
        membership_request_create(network=partnership, kind="ask", school=school_y, by=teacher_y)
    with pytest.raises(ValidationError, match="nobody asks to join it"):
        membership_request_create(network=partnership, kind="ask", person=teacher_y, by=teacher_y)
    assert not partnership.requests.exists()


def test_the_partnership_page_offers_no_way_to_ask_to_join(client, partnership, school_x, system_leader):
    # A leader of a school that is not a member but may see the page (its region's system leader,
    # who also leads a school) is not offered "Ask to join".
    other = School.objects.create(registry_id="100888", name="Other Primary", region=school_x.region)
    SchoolStaff.objects.create(user=system_leader, school=other, role=SchoolStaff.Role.LEADER)
    client.force_login(system_leader)
    body = client.get(partnership.get_absolute_url()).content.decode()
    assert "Ask to join" not in body


def test_a_partnership_cannot_be_made_public(partnership, system_leader, site_admin):
    with pytest.raises(ValidationError, match="A partnership is private"):
        network_update(network=partnership, by=site_admin, visibility=Network.Visibility.PUBLIC)
    with pytest.raises(ValidationError, match="A partnership is private"):
        network_create(
            name="Open pair", kind=Network.Kind.PARTNERSHIP, region=None, by=None, visibility="public"
        )
    partnership.refresh_from_db()
    assert partnership.visibility == Network.Visibility.PRIVATE


def test_the_network_form_says_a_partnership_is_private(client, site_admin, region_a):
    client.force_login(site_admin)
    response = client.post(
        "/networks/new/",
        {
            "name": "Pair",
            "kind": "partnership",
            "visibility": "public",
            "status": "forming",
            "region": region_a.pk,
        },
    )
    assert response.status_code in (200, 400)
    assert "A partnership is private" in response.content.decode()
    assert not Network.objects.filter(name="Pair").exists()


def test_a_partnership_proposed_from_the_finder_is_private(school_x, school_y, system_leader):
    approach = approach_record(need_school=school_x, domain="maths", partner=school_y, by=system_leader)
    network = approach_propose(approach=approach, by=system_leader)
    assert network.visibility == Network.Visibility.PRIVATE
