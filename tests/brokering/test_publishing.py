"""Publishing a run (issue 21, item 4): it says what it will do and asks first, happens once, is
remembered, and what it invited counts: invited schools are placed until they decline, a forming
network is not shown as empty, and nobody is made coordinator of twenty networks by one click."""

import pytest
from django.urls import reverse

from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.audit.models import AuditEvent
from kindred.brokering import services
from kindred.brokering.models import Coordinator, Invitation, Run
from kindred.networks.models import Network, NetworkRole
from tests.brokering.test_incremental import towns  # noqa: F401 (a fixture)


@pytest.fixture
def leader(towns) -> User:  # noqa: F811
    region, _networks, _schools = towns
    user = User.objects.create_user(email="publisher@example.org", password=None, full_name="Pat Publisher")
    RegionalRole.objects.create(user=user, region=region)
    return user


def formation(region, leader, *, incremental=False) -> Run:
    run = services.run_create(
        kind="formation", region=region, by=leader, min_size=8, max_size=10, incremental=incremental
    )
    services.run_compute(run=run)
    run.refresh_from_db()
    return run


@pytest.fixture
def fresh_region(towns, leader):  # noqa: F811
    """The towns' region with the existing networks closed: a from-scratch formation has work to do."""
    region, networks, _schools = towns
    Network.objects.filter(pk__in=[n.pk for n in networks]).update(status=Network.Status.CLOSED)
    return region


def test_publishing_the_same_run_twice_does_nothing_the_second_time(fresh_region, leader):
    run = formation(fresh_region, leader)
    first = services.run_publish(run=run, by=leader)
    networks = Network.objects.exclude(status=Network.Status.CLOSED).count()
    invited = Invitation.objects.filter(status=Invitation.Status.INVITED).count()
    again = services.run_publish(run=Run.objects.get(pk=run.pk), by=leader)
    assert first.created == run.networks.count() >= 2 and not first.already
    assert again.already and (again.created, again.invited) == (first.created, first.invited)
    assert Network.objects.exclude(status=Network.Status.CLOSED).count() == networks
    assert Invitation.objects.filter(status=Invitation.Status.INVITED).count() == invited
    assert AuditEvent.objects.filter(action="brokering.run_published").count() == 1


def test_a_stale_copy_of_the_run_is_not_published_again(fresh_region, leader):
    """Two requests that both loaded the run while it was under review: the second changes nothing."""
    run = formation(fresh_region, leader)
    stale = Run.objects.get(pk=run.pk)
    services.run_publish(run=run, by=leader)
    networks = Network.objects.count()
    assert stale.status == Run.Status.REVIEW
    assert services.run_publish(run=stale, by=leader).already
    assert Network.objects.count() == networks


def test_the_lead_school_s_acceptor_coordinates_and_the_publisher_coordinates_nothing(fresh_region, leader):
    run = formation(fresh_region, leader)
    services.run_publish(run=run, by=leader, coordinator=Coordinator.LEAD)
    assert not NetworkRole.objects.filter(user=leader).exists()
    proposed = run.networks.order_by("number").first()
    host = proposed.invitations.get(role=Invitation.Role.HOST)
    member = proposed.invitations.filter(role=Invitation.Role.MEMBER).first()
    head = User.objects.create_user(email="head.member@example.org", password=None)
    SchoolStaff.objects.create(user=head, school=member.school, role=SchoolStaff.Role.LEADER)
    services.invitation_answer(invitation=member, accept=True, by=head)
    assert not NetworkRole.objects.filter(network=proposed.network, role="coordinator").exists()
    host_head = User.objects.create_user(email="head.host@example.org", password=None)
    SchoolStaff.objects.create(user=host_head, school=host.school, role=SchoolStaff.Role.LEADER)
    services.invitation_answer(invitation=host, accept=True, by=host_head)
    coordinators = NetworkRole.objects.active().filter(network=proposed.network, role="coordinator")
    assert list(coordinators.values_list("user_id", flat=True)) == [host_head.pk]


def test_publishing_as_coordinator_makes_the_publisher_coordinator_of_each_new_network(fresh_region, leader):
    run = formation(fresh_region, leader)
    done = services.run_publish(run=run, by=leader, coordinator=Coordinator.PUBLISHER)
    assert NetworkRole.objects.active().filter(user=leader, role="coordinator").count() == done.created


def test_an_unknown_coordinator_choice_is_refused_and_nothing_is_published(fresh_region, leader):
    run = formation(fresh_region, leader)
    with pytest.raises(Exception, match="Unknown choice of coordinator"):
        services.run_publish(run=run, by=leader, coordinator="everyone")
    run.refresh_from_db()
    assert run.status == Run.Status.REVIEW and not run.networks.filter(network__isnull=False).exists()


def test_the_publish_page_says_what_will_happen_and_asks_first(client, fresh_region, leader):
    run = formation(fresh_region, leader)
    client.force_login(leader)
    review = client.get(run.get_absolute_url()).content.decode()
    confirm_url = reverse("brokering_run_publish_confirm", args=[run.pk])
    assert (
        confirm_url in review and f'action="{reverse("brokering_run_publish", args=[run.pk])}"' not in review
    )
    page = client.get(confirm_url)
    body = page.content.decode()
    invited = Invitation.objects.filter(proposed_network__run=run).count()
    assert f"Create {run.networks.count()} networks" in body and f"Invite {invited} schools" in body
    assert "Who coordinates each new network" in body
    # A POST without the confirmation's answer (an old form, a script) only leads to the question.
    response = client.post(reverse("brokering_run_publish", args=[run.pk]))
    assert response.status_code == 302 and response.url == confirm_url
    run.refresh_from_db()
    assert run.status == Run.Status.REVIEW


def test_a_second_click_on_publish_says_it_was_already_published(client, fresh_region, leader):
    run = formation(fresh_region, leader)
    client.force_login(leader)
    url = reverse("brokering_run_publish", args=[run.pk])
    client.post(url, {"confirm": "True", "coordinator": "lead"})
    networks = Network.objects.count()
    second = client.post(url, {"confirm": "True", "coordinator": "publisher"}, follow=True)
    assert "already been published; nothing was done again" in second.content.decode()
    assert Network.objects.count() == networks
    assert not NetworkRole.objects.filter(user=leader).exists()
    # The confirmation page of a published run goes back to the run, which remembers what was done.
    assert client.get(reverse("brokering_run_publish_confirm", args=[run.pk])).status_code == 302
    body = client.get(run.get_absolute_url()).content.decode()
    invited = Invitation.objects.filter(proposed_network__run=run).count()
    assert "by Pat Publisher" in body
    assert (
        f"{run.networks.count()} networks created, 0 existing networks joined, {invited} schools invited"
        in body
    )
    assert f"Answers so far: 0 accepted, 0 declined, {invited} waiting." in body
    runs = client.get(reverse("brokering_runs")).content.decode()
    assert (
        f"{run.networks.count()} networks created, 0 existing networks joined, {invited} schools invited"
        in runs
    )


def test_a_run_just_after_publishing_counts_invited_schools_as_placed(towns, leader):  # noqa: F811
    region, _networks, _schools = towns
    first = formation(region, leader, incremental=True)
    services.run_publish(run=first, by=leader)
    invited = set(Invitation.objects.filter(proposed_network__run=first).values_list("school_id", flat=True))
    assert invited
    second = formation(region, leader, incremental=True)
    assert second.report["new_schools"] == 0 and second.report["new_networks"] == 0
    assert not Invitation.objects.filter(proposed_network__run=second).exists()
    # A school that declines is in no network again, and the next run places it.
    declining = Invitation.objects.filter(proposed_network__run=first).first()
    services.invitation_answer(invitation=declining, accept=False, by=leader)
    third = formation(region, leader, incremental=True)
    assert third.report["new_schools"] == 1
    assert set(
        Invitation.objects.filter(proposed_network__run=third).values_list("school_id", flat=True)
    ) == {declining.school_id}


def test_a_forming_network_shows_its_invited_schools_not_zero(client, fresh_region, leader):
    run = formation(fresh_region, leader)
    services.run_publish(run=run, by=leader, coordinator=Coordinator.PUBLISHER)
    client.force_login(leader)
    network = run.networks.order_by("number").first().network
    waiting = Invitation.objects.filter(proposed_network__network=network).count()
    home = client.get("/").content.decode()
    assert f"0 schools, {waiting} invited, waiting for their answers" in home
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Invited, waiting for an answer" in page
    assert f"{waiting} schools were invited when this network was proposed" in page


def test_a_run_right_after_publishing_a_whole_formation_places_nobody_again(fresh_region, leader):
    """The issue's own case: a formation from scratch is published (new networks, no member yet, every
    school invited), then "place new schools into existing networks" runs: every invited school counts
    as placed in its forming network, so nothing is proposed and nobody is invited twice."""
    run = formation(fresh_region, leader)
    services.run_publish(run=run, by=leader, coordinator=Coordinator.LEAD)
    invited = Invitation.objects.filter(proposed_network__run=run).count()
    assert invited >= 16 and not Network.objects.filter(memberships__isnull=False, status="forming").exists()
    after = formation(fresh_region, leader, incremental=True)
    assert after.report["new_schools"] == 0 and after.report["new_networks"] == 0
    assert after.report["networks_kept"] == run.networks.count()
    assert not Invitation.objects.filter(proposed_network__run=after).exists()


def test_the_directory_and_the_network_page_count_the_invited_schools(client, fresh_region, leader):
    """A forming network is not shown as empty anywhere its schools are counted: the directory's table
    and "Your networks", the network page's count and its member list."""
    run = formation(fresh_region, leader)
    services.run_publish(run=run, by=leader, coordinator=Coordinator.PUBLISHER)
    network = run.networks.order_by("number").first().network
    waiting = Invitation.objects.filter(proposed_network__network=network).count()
    client.force_login(leader)
    directory = client.get(reverse("networks:directory")).content.decode()
    said = f"{waiting} invited, waiting for their answers"
    assert directory.count(said) >= 2  # the table, and "Your networks"
    page = client.get(network.get_absolute_url()).content.decode()
    assert f"<dd>0, {said}</dd>" in page
    assert f"No member schools yet: {waiting} schools are invited" in page
    assert "No member schools yet. School leaders can ask" not in page
    # An answer moves the school from invited to member.
    invitation = Invitation.objects.filter(proposed_network__network=network).first()
    services.invitation_answer(invitation=invitation, accept=True, by=leader)
    page = client.get(network.get_absolute_url()).content.decode()
    assert f"<dd>1, {waiting - 1} invited, waiting for their answers</dd>" in page
