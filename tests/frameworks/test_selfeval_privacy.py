"""Who sees what a school says about itself (issue 20, item 3; docs/privacy.md): its own staff, the
system leaders over it and site administrators; its networks' members only when its leaders share
it. Everywhere it appears: the network heatmap, plans' suggestions, brokered partnerships' names,
offer matching."""

import pytest

from kindred.accounts.models import SchoolStaff
from kindred.audit.models import AuditEvent
from kindred.brokering.services import approach_propose, approach_record
from kindred.frameworks.models import SelfEvalSharing, Standard
from kindred.frameworks.services import ratings_save
from kindred.networks.services import membership_add
from tests.frameworks.conftest import framework_example_load

pytestmark = pytest.mark.django_db

YEAR = 2025
NOT_SHARED = "Not shared: the school keeps its self-evaluation to its own staff."


@pytest.fixture
def rated(school_x, school_y, school_leader_x, network_x):
    """School X (in the public network X, with school Y) rated itself weak in behaviour."""
    version = framework_example_load()
    membership_add(network=network_x, school=school_y, role="member", by=school_leader_x)
    ratings_save(
        school=school_x,
        version=version,
        year=YEAR,
        kind="self",
        levels={
            s.pk: (1, "") for s in Standard.objects.filter(domain__version=version, domain__code="behaviour")
        },
        by=school_leader_x,
    )
    return version


def heatmap(client, user, network, version) -> str:
    client.force_login(user)
    response = client.get(f"/self-evaluation/networks/{network.pk}/", {"version": version.pk, "year": YEAR})
    assert response.status_code == 200
    return response.content.decode()


def row_of(page: str, school) -> str:
    """The heatmap's row of `school`."""
    return page.split(f">{school.name}</a></th>")[1].split("</tr>")[0]


def test_the_heatmap_shows_a_schools_self_ratings_only_to_those_who_may_see_them(
    client, rated, school_x, network_x, teacher_x, teacher_y, no_school_user, system_leader, site_admin
):
    # The school's own staff, the system leader over it, site administrators: its need.
    for user in (teacher_x, system_leader, site_admin):
        row = row_of(heatmap(client, user, network_x, rated), school_x)
        assert "heat-need" in row and NOT_SHARED not in row, user
    # A member of the network (staff of school Y) and anyone else signed in (a public network): not.
    for user in (teacher_y, no_school_user):
        page = heatmap(client, user, network_x, rated)
        assert "heat-need" not in page and NOT_SHARED in row_of(page, school_x), user
        assert "Behaviour and attendance" not in page.split("<h2>Shared needs</h2>")[1].split("<h2>")[0]


def test_a_school_that_shares_is_seen_by_its_networks_members_and_nobody_else(
    client, rated, school_x, network_x, school_leader_x, teacher_x, teacher_y, no_school_user
):
    client.force_login(school_leader_x)
    response = client.post(f"/self-evaluation/schools/{school_x.registry_id}/sharing/", {"share": "yes"})
    assert response.status_code == 302
    assert SelfEvalSharing.objects.get(school=school_x).with_networks
    event = AuditEvent.objects.get(action="selfeval.sharing_set")
    assert event.details == {"with_networks": True} and event.actor == school_leader_x
    assert "heat-need" in row_of(heatmap(client, teacher_y, network_x, rated), school_x)
    assert NOT_SHARED in row_of(heatmap(client, no_school_user, network_x, rated), school_x)  # not a member
    # Stopping: the member sees "not shared" again.
    client.force_login(school_leader_x)
    client.post(f"/self-evaluation/schools/{school_x.registry_id}/sharing/", {"share": "no"})
    assert NOT_SHARED in row_of(heatmap(client, teacher_y, network_x, rated), school_x)


def test_only_the_schools_leaders_choose_and_a_bad_choice_changes_nothing(
    client, rated, school_x, school_leader_x, teacher_x, system_leader
):
    url = f"/self-evaluation/schools/{school_x.registry_id}/sharing/"
    for user in (teacher_x, system_leader):
        client.force_login(user)
        assert client.post(url, {"share": "yes"}).status_code == 403
    client.force_login(school_leader_x)
    response = client.post(url, {"share": "maybe"}, follow=True)
    assert "Choose whether to share the self-evaluation or not." in response.content.decode()
    assert not SelfEvalSharing.objects.exists()
    assert not AuditEvent.objects.filter(action="selfeval.sharing_set").exists()


def test_the_self_evaluation_page_says_who_sees_it(client, rated, school_x, school_leader_x, teacher_x):
    client.force_login(teacher_x)
    page = client.get(f"/self-evaluation/schools/{school_x.registry_id}/").content.decode()
    assert "Not shared: only your own staff" in page and "Share with our networks" not in page
    client.force_login(school_leader_x)
    page = client.get(f"/self-evaluation/schools/{school_x.registry_id}/").content.decode()
    assert "Share with our networks" in page


def test_plan_suggestions_leave_out_needs_of_schools_that_do_not_share(
    client, rated, school_x, school_y, network_x, school_leader_x
):
    """The coordinator (X's leader) starts a plan: shared needs count only self-evaluations they may see."""
    from kindred.accounts.models import User
    from kindred.networks.models import NetworkRole
    from kindred.networks.services import network_role_add
    from kindred.plans.services import plan_create

    head_y = User.objects.create_user(email="head.y@example.org", password=None, full_name="Head Y")
    SchoolStaff.objects.create(user=head_y, school=school_y, role="leader")
    network_role_add(network=network_x, user=head_y, role=NetworkRole.Role.COORDINATOR, by=school_leader_x)
    plan = plan_create(network=network_x, title="Plan", year=YEAR, by=head_y)
    client.force_login(head_y)
    suggested = "Shared needs from the members' self-evaluations:"
    assert suggested not in client.get(plan.get_absolute_url()).content.decode()
    SelfEvalSharing.objects.create(school=school_x, with_networks=True)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert suggested in page and "<strong>Behaviour and attendance</strong>" in page


def test_a_brokered_partnership_is_named_without_the_need(
    client, school_x, school_y, no_school_user, site_admin
):
    approach = approach_record(
        need_school=school_x,
        domain="Behaviour and attendance (self-evaluation)",
        partner=school_y,
        by=site_admin,
    )
    network = approach_propose(approach=approach, by=site_admin)
    assert network.name == f"{school_x.name} with {school_y.name}"
    assert "Behaviour" not in network.name and "self-evaluation" not in network.name
    # A partnership is private now (issue 21.6): searching the directory for the need finds nothing,
    # and the site admin's search by a school finds the name without the need.
    client.force_login(no_school_user)
    assert network.name not in client.get("/networks/", {"q": "self-evaluation"}).content.decode()
    client.force_login(site_admin)
    found = client.get("/networks/", {"q": school_y.name}).content.decode()
    assert network.name in found and "Behaviour and attendance" not in found


def test_partnerships_named_before_lose_the_need_and_keep_everything_else(school_x, school_y, site_admin):
    """The data migration brokering/0003, run on a partnership named the old way."""
    import importlib

    from django.apps import apps

    from kindred.networks.models import Network

    migration = importlib.import_module(
        "kindred.brokering.migrations.0003_partnership_names_without_the_need"
    )
    domain = "Leadership and management (self-evaluation)"
    approach = approach_record(need_school=school_x, domain=domain, partner=school_y, by=site_admin)
    network = approach_propose(approach=approach, by=site_admin)
    Network.objects.filter(pk=network.pk).update(name=f"{school_x.name} with {school_y.name}: {domain}")
    other = Network.objects.create(name=f"Ours: {domain}", kind="community")  # not brokered: left alone
    migration.strip_the_need(apps, None)
    network.refresh_from_db()
    other.refresh_from_db()
    assert network.name == f"{school_x.name} with {school_y.name}"
    assert other.name == f"Ours: {domain}"
    approach.refresh_from_db()
    assert approach.domain == domain  # the need stays with the approach, for system leaders
