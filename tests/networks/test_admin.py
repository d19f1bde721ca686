"""The admin for networks and boards: a network's fields change through its service (audited);
memberships, roles, requests, rota turns, posts and reports are history, shown and never edited;
people and schools are found through their indexed searches; lists cost a fixed number of queries."""

import pytest

from kindred.audit.models import AuditEvent
from kindred.board import services as board
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.networks.services import membership_add, membership_end

pytestmark = pytest.mark.django_db

HISTORY = ["membership", "networkrole", "membershiprequest", "rotaturn", "rotablockeddate", "connection"]


@pytest.fixture
def history(network_x, school_y, school_leader_x):
    membership = membership_add(network=network_x, school=school_y, by=school_leader_x)
    membership_end(membership=membership, reason="Moved away", by=school_leader_x)
    return membership


def test_a_network_changed_in_the_admin_is_changed_by_its_service_and_audited(client, site_admin, network_x):
    client.force_login(site_admin)
    url = f"/admin/networks/network/{network_x.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(name="Renamed Community", status="closed")
    assert client.post(url, data).status_code == 302
    network_x.refresh_from_db()
    assert (network_x.name, network_x.status) == ("Renamed Community", "closed")
    event = AuditEvent.objects.get(action="network.updated")
    assert event.actor == site_admin and set(event.details["changes"]) == {"name", "status"}


def test_networks_are_neither_added_nor_deleted_in_the_admin(client, site_admin, network_x):
    client.force_login(site_admin)
    assert client.get("/admin/networks/network/add/").status_code == 403
    assert client.post(f"/admin/networks/network/{network_x.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Network.objects.filter(pk=network_x.pk).exists()


@pytest.mark.parametrize("model", HISTORY)
def test_network_history_is_shown_and_never_added_in_the_admin(client, site_admin, history, model):
    client.force_login(site_admin)
    assert client.get(f"/admin/networks/{model}/").status_code == 200
    assert client.get(f"/admin/networks/{model}/add/").status_code == 403


def test_an_ended_membership_cannot_be_edited_or_deleted_in_the_admin(client, site_admin, history):
    client.force_login(site_admin)
    url = f"/admin/networks/membership/{history.pk}/"
    page = client.get(f"{url}change/").content.decode()
    assert "Moved away" in page and 'name="leave_reason"' not in page  # shown, not a field
    client.post(f"{url}change/", {"leave_reason": "Rewritten", "role": "lead"})
    assert client.post(f"{url}delete/", {"post": "yes"}).status_code == 403
    history.refresh_from_db()
    assert history.leave_reason == "Moved away" and history.left_at is not None


def test_memberships_are_found_by_school_or_network_and_roles_by_person(
    client, site_admin, history, network_x, school_x, django_assert_max_num_queries
):
    client.force_login(site_admin)
    with django_assert_max_num_queries(12):
        page = client.get("/admin/networks/membership/", {"q": "yew"}).content.decode()
    assert "Yew Tree Academy" in page and "Xavier Primary" not in page
    page = client.get("/admin/networks/membership/", {"q": "Learning Comm"}).content.decode()
    assert "Yew Tree Academy" in page and "Xavier Primary" in page
    coordinator = NetworkRole.objects.get(network=network_x)
    page = client.get("/admin/networks/networkrole/", {"q": coordinator.user.email}).content.decode()
    assert coordinator.user.email in page
    assert "Xavier" not in client.get("/admin/networks/networkrole/", {"q": "nobody-at-all"}).content.decode()


def test_board_history_is_read_only_and_posts_are_found_by_the_board_search(
    client, site_admin, network_x, teacher_x
):
    thread = board.thread_create(network=network_x, by=teacher_x, title="Phonics", body="Our reading scheme")
    post = thread.posts.get()
    client.force_login(site_admin)
    assert "Phonics" in client.get("/admin/board/post/", {"q": "reading"}).content.decode()
    assert "Phonics" not in client.get("/admin/board/post/", {"q": "maths"}).content.decode()
    for model in ("thread", "post", "postreport"):
        assert client.get(f"/admin/board/{model}/add/").status_code == 403
    assert client.post(f"/admin/board/post/{post.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Membership.objects.filter(network=network_x).exists() and thread.posts.count() == 1
