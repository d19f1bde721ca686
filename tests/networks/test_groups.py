"""Groups from below (issue 23, item 3): any member of staff starts an informal group from the same
"Start a network" page, of the kinds the installation allows; the leaders over its members see it,
moderate it and close it; it can ask to become a formal network."""

import pytest
from django.core.exceptions import ValidationError

from kindred.audit.models import AuditEvent
from kindred.board.access import can_moderate
from kindred.board.services import thread_create
from kindred.networks.access import may_moderate_group
from kindred.networks.models import Network, NetworkRole
from kindred.networks.services import group_close, group_formal_request, group_start, network_role_add

pytestmark = pytest.mark.django_db


def _start(client, user, **fields):
    client.force_login(user)
    data = {"name": "Phonics leads", "kind": "subject", "subject": "Reading", "visibility": "public"}
    return client.post("/networks/new/", {**data, **fields})


def test_a_teacher_starts_an_informal_group_and_coordinates_it(client, teacher_x, school_x):
    client.force_login(teacher_x)
    page = client.get("/networks/new/")
    assert page.status_code == 200
    assert "Start an informal group" in page.text
    assert 'value="partnership"' not in page.text and 'value="cluster"' not in page.text
    assert 'name="region"' not in page.text  # its area is the founder's school's

    response = _start(client, teacher_x)

    group = Network.objects.get(name="Phonics leads")
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert group.informal and group.started_by == teacher_x
    assert group.region == school_x.region
    assert group.status == Network.Status.ACTIVE
    assert NetworkRole.objects.active().filter(network=group, user=teacher_x, role="coordinator").exists()
    assert "An informal group" in client.get(group.get_absolute_url()).text


def test_the_directory_offers_a_teacher_a_group_and_a_leader_a_network(client, teacher_x, school_leader_x):
    client.force_login(teacher_x)
    assert "Start an informal group" in client.get("/networks/").text
    client.force_login(school_leader_x)
    page = client.get("/networks/").text
    assert "Start a network" in page and "Start an informal group" not in page


def test_an_exams_officer_starts_an_exams_officers_group_by_default_and_not_where_it_is_off(
    client, school_x, settings
):
    from conftest import _staff

    officer = _staff("exams.x@example.org", school_x, "exams_officer")
    client.force_login(officer)
    assert 'value="exams_officers"' in client.get("/networks/new/").text

    response = _start(client, officer, name="Exams officers of Region A", kind="exams_officers", subject="")

    group = Network.objects.get(name="Exams officers of Region A")
    assert response.status_code == 302
    assert group.informal and group.kind == "exams_officers"
    assert "Exams officers&#x27; group" in client.get(group.get_absolute_url()).text
    settings.INFORMAL_GROUP_KINDS = ["subject"]
    assert 'value="exams_officers"' not in client.get("/networks/new/").text
    assert _start(client, officer, name="Second", kind="exams_officers").status_code == 400
    assert Network.objects.count() == 1


def test_a_kind_the_installation_does_not_allow_is_refused_and_nothing_is_made(client, teacher_x, settings):
    settings.INFORMAL_GROUP_KINDS = ["subject"]
    response = _start(client, teacher_x, kind="community")
    assert response.status_code == 400
    assert not Network.objects.exists()
    with pytest.raises(ValidationError):
        group_start(name="Cluster from below", kind="partnership", by=teacher_x)
    assert not Network.objects.exists()


def test_with_no_kinds_allowed_a_teacher_may_not_start_anything(client, teacher_x, no_school_user, settings):
    settings.INFORMAL_GROUP_KINDS = []
    client.force_login(teacher_x)
    assert client.get("/networks/new/").status_code == 403
    assert "Start an informal group" not in client.get("/networks/").text
    client.force_login(no_school_user)
    settings.INFORMAL_GROUP_KINDS = ["subject"]
    assert client.get("/networks/new/").status_code == 403  # staff of a school only


def test_one_person_runs_a_limited_number_of_open_groups(client, teacher_x, settings):
    settings.INFORMAL_GROUPS_PER_PERSON = 1
    first = group_start(name="Exams officers", kind="community", by=teacher_x)

    response = _start(client, teacher_x)
    assert response.status_code == 400
    assert "You already run 1 open informal group" in response.text
    assert Network.objects.count() == 1

    group_close(network=first, by=teacher_x, reason="merged")
    assert _start(client, teacher_x).status_code == 302
    assert Network.objects.filter(informal=True).count() == 2


def test_the_leaders_over_its_members_see_and_moderate_a_private_group(
    client, teacher_y, teacher_x, system_leader
):
    """Teacher Y (region B) starts a private group; region A's leader sees nothing of it until a
    teacher of region A belongs to it — then sees it, lists it, hides its posts and may close it."""
    group = group_start(name="Y's readers", kind="subject", by=teacher_y, visibility="private")
    client.force_login(system_leader)
    assert client.get(group.get_absolute_url()).status_code == 404
    assert not may_moderate_group(system_leader, group)
    assert "Y&#x27;s readers" not in client.get("/networks/groups/").text

    network_role_add(network=group, user=teacher_x, role=NetworkRole.Role.MEMBER, by=teacher_y)

    assert client.get(group.get_absolute_url()).status_code == 200
    assert may_moderate_group(system_leader, group)
    assert can_moderate(system_leader, group)
    assert "Y&#x27;s readers" in client.get("/networks/groups/").text
    thread = thread_create(network=group, title="Decodable books", body="Which ones?", by=teacher_x)
    post = thread.posts.get()
    assert client.post(f"/board/posts/{post.pk}/hide/", {"hidden": "1"}).status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is not None


def test_a_formal_network_is_moderated_by_its_coordinators_only(network_x, system_leader):
    assert not may_moderate_group(system_leader, network_x)
    assert not can_moderate(system_leader, network_x)


def test_a_group_asks_to_become_a_formal_network_and_a_leader_over_it_decides(
    client, teacher_x, teacher_y, system_leader
):
    group = group_start(name="Maths from below", kind="subject", by=teacher_x)
    network_role_add(network=group, user=teacher_y, role=NetworkRole.Role.MEMBER, by=teacher_x)

    client.force_login(teacher_y)  # a member, not its coordinator
    assert client.post(f"/networks/{group.pk}/group/formal/").status_code == 403
    client.force_login(teacher_x)
    asked = client.post(f"/networks/{group.pk}/group/formal/", {"message": "Nine schools plan together now"})
    assert asked.status_code == 302
    ask = group.formal_requests.get()
    assert ask.status == "pending" and ask.requested_by == teacher_x
    assert ask.message == "Nine schools plan together now"
    with pytest.raises(ValidationError):
        group_formal_request(network=group, by=teacher_x)  # asked once

    client.force_login(teacher_x)  # the founder does not decide
    assert client.post(f"/networks/{group.pk}/group/decide/", {"decision": "approve"}).status_code == 403
    client.force_login(system_leader)
    groups_page = client.get("/networks/groups/").text
    assert "Asks to become a formal network" in groups_page
    assert "Make it a formal network" in client.get(group.get_absolute_url()).text
    assert client.post(f"/networks/{group.pk}/group/decide/", {"decision": "approve"}).status_code == 302

    group.refresh_from_db()
    ask.refresh_from_db()
    assert not group.informal
    assert ask.status == "approved" and ask.decided_by == system_leader and ask.decided_at is not None
    actions = AuditEvent.objects.filter(action__startswith="group.", object_id=str(group.pk)).order_by("pk")
    assert list(actions.values_list("action", flat=True)) == [
        "group.formal_requested",
        "group.formal_approved",
    ]
    # A formal network is its coordinators' again: the leader no longer moderates it as a group.
    assert not may_moderate_group(system_leader, group)


def test_a_declined_group_stays_informal_and_may_ask_again(client, teacher_x, system_leader):
    group = group_start(name="Science from below", kind="subject", by=teacher_x)
    group_formal_request(network=group, by=teacher_x, message="We meet every month")
    client.force_login(system_leader)
    client.post(
        f"/networks/{group.pk}/group/decide/", {"decision": "decline", "reason": "Join the maths hub instead"}
    )
    group.refresh_from_db()
    assert group.informal
    group_formal_request(network=group, by=teacher_x, message="The hub has closed")

    # Each ask and its answer stay in the group's history, on its page, the newest first.
    first, second = group.formal_requests.order_by("pk")
    assert (first.status, first.reason, second.status) == (
        "declined",
        "Join the maths hub instead",
        "pending",
    )
    client.force_login(teacher_x)
    page = client.get(group.get_absolute_url()).text
    assert page.index("The hub has closed") < page.index("We meet every month")
    assert "Join the maths hub instead" in page
    assert "Ask the leaders to make it a formal network" not in page  # one ask waits at a time


def test_closing_a_group_asks_first_then_stops_joining_and_posting(client, teacher_x, system_leader):
    group = group_start(name="History from below", kind="subject", by=teacher_x)
    client.force_login(system_leader)

    asked = client.post(f"/networks/{group.pk}/group/close/", {"reason": "inactive for a year"})
    assert asked.status_code == 200 and "Close History from below?" in asked.text
    group.refresh_from_db()
    assert group.status == Network.Status.ACTIVE  # nothing changed before confirming

    client.post(f"/networks/{group.pk}/group/close/", {"reason": "inactive for a year", "confirmed": "yes"})
    group.refresh_from_db()
    assert group.status == Network.Status.CLOSED
    event = AuditEvent.objects.get(action="group.closed")
    assert event.actor == system_leader and event.details == {"reason": "inactive for a year"}
    with pytest.raises(ValidationError):
        thread_create(network=group, title="Still here?", body="…", by=teacher_x)
    with pytest.raises(ValidationError):
        group_close(network=group, by=teacher_x)


def test_a_leader_not_over_its_members_may_not_close_or_decide(client, teacher_y, system_leader):
    group = group_start(name="Far away", kind="subject", by=teacher_y)  # region B, public
    client.force_login(system_leader)  # region A's leader
    assert client.get(group.get_absolute_url()).status_code == 200  # public: anyone signed in reads it
    assert client.post(f"/networks/{group.pk}/group/close/", {"confirmed": "yes"}).status_code == 403
    group_formal_request(network=group, by=teacher_y)
    assert client.post(f"/networks/{group.pk}/group/decide/", {"decision": "approve"}).status_code == 403
    group.refresh_from_db()
    assert group.informal and group.status == Network.Status.ACTIVE


def test_the_group_edit_form_cannot_move_it_or_make_it_another_kind(client, teacher_x, school_x, region_b):
    group = group_start(name="Art from below", kind="subject", by=teacher_x)
    client.force_login(teacher_x)
    response = client.post(
        f"/networks/{group.pk}/edit/",
        {"name": "Art from below", "kind": "partnership", "visibility": "public", "region": region_b.pk},
    )
    assert response.status_code == 400
    group.refresh_from_db()
    assert group.kind == "subject" and group.region == school_x.region


def test_a_teacher_sees_the_empty_groups_page_refused_and_a_leader_sees_what_to_do(
    client, teacher_x, system_leader
):
    client.force_login(teacher_x)
    assert client.get("/networks/groups/").status_code == 403
    client.force_login(system_leader)
    assert (
        "No member of staff in your area has started an informal group yet"
        in client.get("/networks/groups/").text
    )


def test_a_decision_without_approve_or_decline_changes_nothing(client, teacher_x, system_leader):
    group = group_start(name="Music from below", kind="subject", by=teacher_x)
    group_formal_request(network=group, by=teacher_x)
    client.force_login(system_leader)
    response = client.post(f"/networks/{group.pk}/group/decide/", {"decision": "perhaps"})
    assert response.status_code == 400
    group.refresh_from_db()
    assert group.informal and group.formal_requests.get().status == "pending"


def test_closing_a_group_withdraws_its_waiting_ask(teacher_x, system_leader):
    group = group_start(name="Drama from below", kind="subject", by=teacher_x)
    group_formal_request(network=group, by=teacher_x)
    group_close(network=group, by=system_leader, reason="inactive")
    ask = group.formal_requests.get()
    assert ask.status == "withdrawn" and ask.decided_by == system_leader
    with pytest.raises(ValidationError):
        group_formal_request(network=group, by=teacher_x)


def test_the_leader_of_a_members_school_is_over_the_group(client, teacher_y, teacher_x, school_leader_x):
    """Teacher Y (school Y) starts a private group; school X's leader sees nothing of it until
    teacher X (of school X) belongs to it — then sees it among the groups of their staff, reads its
    board, hides a post, removes a member and closes it; they may not post on its board."""
    group = group_start(name="Y's phonics", kind="subject", by=teacher_y, visibility="private")
    client.force_login(school_leader_x)
    assert client.get(group.get_absolute_url()).status_code == 404
    assert not may_moderate_group(school_leader_x, group)

    role_x = network_role_add(network=group, user=teacher_x, role=NetworkRole.Role.MEMBER, by=teacher_y)
    thread = thread_create(network=group, title="Decodable books", body="Which ones?", by=teacher_x)

    assert may_moderate_group(school_leader_x, group)
    assert "Y&#x27;s phonics" in client.get("/networks/").text
    assert "Y&#x27;s phonics" in client.get("/networks/groups/").text
    page = client.get(group.get_absolute_url()).text
    assert "Decodable books" in page  # the board's panel
    assert "Remove teacher.x from the group" in page
    assert client.get(f"/board/threads/{thread.pk}/").status_code == 200
    assert client.post(f"/board/networks/{group.pk}/new/", {"title": "Hi", "body": "x"}).status_code == 403
    post = thread.posts.get()
    assert client.post(f"/board/posts/{post.pk}/hide/", {"hidden": "1"}).status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is not None

    assert client.post(f"/networks/{group.pk}/people/{role_x.pk}/end/").status_code == 302
    role_x.refresh_from_db()
    assert role_x.ended_at is not None
    # With school X's teacher gone, its leader is over the group no longer.
    assert not may_moderate_group(school_leader_x, group)
    assert client.get(group.get_absolute_url()).status_code == 404


def test_a_leader_over_a_member_school_removes_it_from_the_group(client, teacher_x, school_y, region_b):
    from kindred.accounts.models import RegionalRole, User
    from kindred.networks.services import membership_add

    leader_b = User.objects.create_user(email="leader.b@example.org", password=None)
    RegionalRole.objects.create(user=leader_b, region=region_b)
    group = group_start(name="Across regions", kind="community", by=teacher_x)
    membership = membership_add(network=group, school=school_y, by=teacher_x)
    client.force_login(leader_b)
    assert "Remove from the group" in client.get(group.get_absolute_url()).text
    response = client.post(
        f"/networks/{group.pk}/members/{membership.pk}/leave/", {"reason": "Not a group for us"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.left_at is not None and membership.leave_reason == "Not a group for us"


def test_an_authoritys_leader_is_over_its_own_schools_only(teacher_x, school_x, region_a):
    from kindred.accounts.models import RegionalRole, User
    from kindred.schools.models import LocalAuthority

    group = group_start(name="Authority readers", kind="subject", by=teacher_x)
    own = User.objects.create_user(email="la.a1@example.org", password=None)
    RegionalRole.objects.create(user=own, local_authority=school_x.local_authority)
    other_authority = LocalAuthority.objects.create(code="A2", name="Authority A2", region=region_a)
    other = User.objects.create_user(email="la.a2@example.org", password=None)
    RegionalRole.objects.create(user=other, local_authority=other_authority)
    assert may_moderate_group(own, group)
    assert not may_moderate_group(other, group)


def test_a_stranger_may_not_remove_a_member_of_a_public_group(client, teacher_x, teacher_y, no_school_user):
    group = group_start(name="Open readers", kind="subject", by=teacher_x)
    role_y = network_role_add(network=group, user=teacher_y, role=NetworkRole.Role.MEMBER, by=teacher_x)
    client.force_login(no_school_user)
    assert client.post(f"/networks/{group.pk}/people/{role_y.pk}/end/").status_code == 403
    role_y.refresh_from_db()
    assert role_y.ended_at is None
