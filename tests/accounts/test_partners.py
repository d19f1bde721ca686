"""Partners beyond schools (issue 23, item 4): organisations, their people, inviting them into a
network with a role, their events, and their own rule: no evidence on schools unless a school shares it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kindred.accounts.access import category_scope_for_user, is_partner_only, may_see_school_evidence
from kindred.accounts.models import Organisation, OrganisationPerson, SchoolStaff, User
from kindred.accounts.services import organisation_create, organisation_person_add
from kindred.audit.models import AuditEvent
from kindred.evidence.models import EvidenceRun, FamilyMember, SupportCategory
from kindred.networks.access import is_network_member
from kindred.networks.models import MembershipRequest, NetworkRole
from kindred.networks.services import membership_request_decide, partner_invite
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(school_x, school_y):
    """School X's category and family (school Y), as the evidence pages show them."""
    run = EvidenceRun.objects.create(kind="families", status="current")
    SupportCategory.objects.create(school=school_x, category="amber", source="derived")
    FamilyMember.all_runs.create(run=run, school=school_x, member=school_y, rank=1, distance=0.3)


def invited(network, partner, university, coordinator, role="expert"):
    return partner_invite(network=network, person=partner, organisation=university, role=role, by=coordinator)


def test_an_organisation_needs_a_name_and_a_known_kind_and_nothing_is_written_otherwise(region_a):
    with pytest.raises(ValidationError):
        organisation_create(name="  ", kind="university", by=None)
    with pytest.raises(ValidationError):
        organisation_create(name="Castle Museum", kind="castle", by=None)
    with pytest.raises(ValidationError):
        organisation_create(name="Two\nlines", kind="museum", by=None)
    assert not Organisation.objects.exists()
    museum = organisation_create(name="Castle Museum", kind="museum", region=region_a, by=None)
    assert museum.country == region_a.country
    assert AuditEvent.objects.filter(action="organisation.created").count() == 1


def test_a_person_of_an_organisation_alone_is_a_partner_and_a_school_role_makes_them_staff(partner, school_x):
    assert is_partner_only(partner) and not may_see_school_evidence(partner)
    SchoolStaff.objects.create(user=partner, school=school_x, role="teacher")
    again = User.objects.get(pk=partner.pk)  # a new request: the rule is asked again
    assert not is_partner_only(again) and may_see_school_evidence(again)


def test_a_coordinator_invites_a_partner_who_accepts_and_becomes_its_expert(
    client, network_x, school_leader_x, partner, university
):
    client.force_login(school_leader_x)
    response = client.post(
        f"/networks/{network_x.pk}/partners/invite/",
        {"email": partner.email, "role": "expert", "message": "Hello"},
    )
    assert response.status_code == 302
    invitation = MembershipRequest.objects.get(person=partner)
    assert (invitation.kind, invitation.organisation, invitation.partner_role) == (
        "invite",
        university,
        "expert",
    )
    client.force_login(partner)
    page = client.get(network_x.get_absolute_url()).content.decode()
    assert "You are invited to join as Expert, for University of Region A." in page
    assert "invites you as Expert" in client.get("/").content.decode()
    client.post(f"/networks/{network_x.pk}/requests/{invitation.pk}/", {"decision": "approve"})
    role = NetworkRole.objects.active().get(network=network_x, user=partner)
    assert (role.role, role.organisation) == ("expert", university)
    assert is_network_member(partner, network_x)
    assert AuditEvent.objects.filter(action="membership_request.partner_invited").exists()


def test_only_the_invited_person_answers_a_partners_invitation(
    client, network_x, school_leader_x, partner, university, teacher_x
):
    invitation = invited(network_x, partner, university, school_leader_x)
    for someone in (school_leader_x, teacher_x):
        client.force_login(someone)
        response = client.post(f"/networks/{network_x.pk}/requests/{invitation.pk}/", {"decision": "approve"})
        assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not NetworkRole.objects.filter(user=partner).exists()


def test_an_invited_partner_sees_a_private_network_to_decide_and_its_board_once_in(
    client, private_network_x, school_leader_x, partner, university
):
    client.force_login(partner)
    assert client.get(private_network_x.get_absolute_url()).status_code == 404
    invitation = invited(private_network_x, partner, university, school_leader_x, role="facilitator")
    assert client.get(private_network_x.get_absolute_url()).status_code == 200
    assert client.get(f"/board/networks/{private_network_x.pk}/").status_code == 403
    membership_request_decide(request=invitation, approve=True, by=partner)
    assert client.get(f"/board/networks/{private_network_x.pk}/").status_code == 200


@pytest.mark.parametrize(
    ("email", "role", "message"),
    [
        (
            "teacher.x@example.org",
            "expert",
            "Nobody with that e-mail address is one of a partner organisation",
        ),
        ("lecturer@university.example.org", "coordinator", "Select a valid choice"),
    ],
)
def test_a_partner_invitation_is_refused_for_someone_of_no_organisation_or_a_school_role(
    client, network_x, school_leader_x, partner, teacher_x, email, role, message
):
    client.force_login(school_leader_x)
    response = client.post(f"/networks/{network_x.pk}/partners/invite/", {"email": email, "role": role})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MembershipRequest.objects.filter(person__isnull=False).exists()


def test_the_services_refuse_a_partner_role_without_the_organisation_and_twice(
    network_x, school_leader_x, partner, university, teacher_x
):
    with pytest.raises(ValidationError):
        partner_invite(network=network_x, person=teacher_x, organisation=university, role="expert", by=None)
    with pytest.raises(ValidationError):
        partner_invite(network=network_x, person=partner, organisation=university, role="member", by=None)
    invited(network_x, partner, university, school_leader_x)
    with pytest.raises(ValidationError):
        invited(network_x, partner, university, school_leader_x, role="partner")
    assert MembershipRequest.objects.filter(person=partner).count() == 1


def test_a_partner_never_sees_evidence_on_schools(client, partner, school_x, evidence, settings):
    settings.SUPPORT_CATEGORIES_VISIBLE_TO = "signed_in"
    client.force_login(partner)
    page = client.get(school_x.get_absolute_url()).content.decode()
    assert "Yew Tree Academy" not in page and "Amber" not in page
    assert "not shown to partner organisations" in page
    assert client.get("/evidence/dashboard/").status_code == 404
    assert client.get("/evidence/good-practice/").status_code == 404
    assert not School.objects.filter(category_scope_for_user(partner)).exists()


def test_a_teacher_sees_what_a_partner_does_not(client, teacher_x, school_x, evidence):
    client.force_login(teacher_x)
    page = client.get(school_x.get_absolute_url()).content.decode()
    assert "Yew Tree Academy" in page and "Amber" in page
    assert client.get("/evidence/dashboard/").status_code == 200


def test_a_partner_in_a_network_sees_a_schools_self_evaluation_only_when_the_school_shares_it(
    network_x, school_x, school_leader_x, partner, university
):
    from kindred.frameworks.access import selfeval_visible
    from kindred.frameworks.services import sharing_set

    membership_request_decide(
        request=invited(network_x, partner, university, school_leader_x), approve=True, by=partner
    )
    assert selfeval_visible(partner, [school_x], network=network_x) == set()
    sharing_set(school=school_x, with_networks=True, by=school_leader_x)
    assert selfeval_visible(partner, [school_x], network=network_x) == {school_x.pk}
    assert selfeval_visible(partner, [school_x]) == set()  # outside the network's pages: never


def test_an_organisation_hosts_an_event_of_a_network_it_takes_part_in(
    client, network_x, school_leader_x, partner, university, region_a
):
    from kindred.events.services import event_create

    start = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    when = {"starts_at": start, "ends_at": start + timedelta(hours=2)}
    with pytest.raises(ValidationError):
        event_create(
            by=school_leader_x,
            network=network_x,
            kind="training",
            title="Talk",
            host_organisation=university,
            **when,
        )
    membership_request_decide(
        request=invited(network_x, partner, university, school_leader_x), approve=True, by=partner
    )
    event = event_create(
        by=school_leader_x,
        network=network_x,
        kind="training",
        title="Lecture on reading",
        host_organisation=university,
        **when,
    )
    assert event.host_school is None
    client.force_login(partner)
    assert "University of Region A" in client.get(event.get_absolute_url()).content.decode()
    assert "Lecture on reading" in client.get(f"/organisations/{university.pk}/").content.decode()
    other = organisation_create(name="Castle Museum", kind="museum", region=region_a, by=None)
    with pytest.raises(ValidationError):
        event_create(
            by=school_leader_x,
            network=network_x,
            kind="training",
            title="Visit",
            host_organisation=other,
            **when,
        )


def test_the_new_event_form_offers_the_networks_partner_organisations_as_hosts(
    client, network_x, school_leader_x, partner, university
):
    client.force_login(school_leader_x)
    assert "host_organisation" not in client.get(f"/events/networks/{network_x.pk}/new/").content.decode()
    membership_request_decide(
        request=invited(network_x, partner, university, school_leader_x), approve=True, by=partner
    )
    assert "University of Region A" in client.get(f"/events/networks/{network_x.pk}/new/").content.decode()


def test_an_organisations_page_lists_its_people_to_them_only_and_the_networks_each_viewer_sees(
    client, private_network_x, school_leader_x, partner, university, teacher_y
):
    membership_request_decide(
        request=invited(private_network_x, partner, university, school_leader_x), approve=True, by=partner
    )
    client.force_login(partner)
    page = client.get(f"/organisations/{university.pk}/").content.decode()
    assert "Private Cluster X" in page and "Its people" in page
    client.force_login(teacher_y)
    page = client.get(f"/organisations/{university.pk}/").content.decode()
    assert "Private Cluster X" not in page and "Its people" not in page
    assert "University of Region A" in client.get("/organisations/").content.decode()
    assert client.get("/organisations/999999/").status_code == 404


def test_a_person_added_twice_keeps_one_row_and_a_new_role(university, teacher_x):
    organisation_person_add(organisation=university, user=teacher_x, by=None)
    organisation_person_add(organisation=university, user=teacher_x, role="administrator", by=None)
    assert list(OrganisationPerson.objects.values_list("role", flat=True)) == ["administrator"]
