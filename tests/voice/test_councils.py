"""Advisory councils (issue 23, item 6): a standing group of people from member schools who advise an
organisation's or a region's leaders; its consultations go to those leaders, who publish back what
they make of the answers to the members."""

import pytest
from django.core.exceptions import ValidationError

from kindred.accounts.models import OrganisationPerson, RegionalRole, SchoolStaff, User
from kindred.accounts.services import organisation_create, organisation_person_add
from kindred.audit.models import AuditEvent
from kindred.schools.models import School
from kindred.voice.models import Consultation, Council, CouncilMember, Publication, Response
from kindred.voice.selectors import asked_of, published_results, results
from kindred.voice.services import (
    consultation_publish,
    consultation_status_set,
    council_create,
    council_invitation_answer,
    council_member_end,
    council_member_invite,
    response_save,
)
from tests.voice.conftest import council_consultation, council_with_members

pytestmark = pytest.mark.django_db


def _staff(email, school, role="teacher"):
    user = User.objects.create_user(email=email, password=None, full_name=email.split("@")[0])
    SchoolStaff.objects.create(user=user, school=school, role=role)
    return user


@pytest.fixture
def region_schools(region_a, school_x):
    others = [
        School.objects.create(
            registry_id=f"30000{i}",
            name=f"Council School {i}",
            region=region_a,
            local_authority=region_a.authorities.get(),
            country="England",
        )
        for i in (1, 2)
    ]
    return [school_x, *others]


@pytest.fixture
def members(region_schools, teacher_x):
    """Teacher X and two teachers of the region's other schools."""
    return [teacher_x] + [_staff(f"member{i}@example.org", s) for i, s in enumerate(region_schools[1:])]


def _answer(consultation, person, day="June", clear="4", change=""):
    place = CouncilMember.objects.active().get(council=consultation.council, user=person)
    q = list(consultation.questions.all())
    return response_save(
        consultation=consultation,
        school=place.school,
        by=person,
        answers={q[0].pk: day, q[1].pk: clear, q[2].pk: change},
    )


def test_a_system_leader_starts_a_council_for_their_region_and_a_teacher_cannot(
    client, system_leader, teacher_x, region_a, region_b
):
    client.force_login(system_leader)
    assert client.get("/voice/councils/new/").status_code == 200
    response = client.post(
        "/voice/councils/new/",
        {"name": "Region A heads' council", "purpose": "", "advises": f"region-{region_a.pk}"},
    )
    council = Council.objects.get()
    assert response.status_code == 302 and response["Location"] == council.get_absolute_url()
    assert council.region == region_a and council.created_by == system_leader
    assert AuditEvent.objects.filter(action="council.created").count() == 1

    refused = client.post("/voice/councils/new/", {"name": "B", "advises": f"region-{region_b.pk}"})
    assert refused.status_code == 400 and Council.objects.count() == 1
    with pytest.raises(ValidationError):
        council_create(name="B council", region=region_b, by=system_leader)
    client.force_login(teacher_x)
    assert client.get("/voice/councils/new/").status_code == 403
    assert Council.objects.count() == 1


def test_an_organisations_administrators_lead_its_council_and_its_other_people_do_not(
    client, school_x, teacher_x
):
    board = organisation_create(name="International Exam Board", kind="exam_board", by=None)
    officer = User.objects.create_user(email="officer@board.example.org", password=None)
    clerk = User.objects.create_user(email="clerk@board.example.org", password=None)
    organisation_person_add(
        organisation=board, user=officer, role=OrganisationPerson.Role.ADMINISTRATOR, by=None
    )
    organisation_person_add(organisation=board, user=clerk, by=None)
    council = council_with_members(officer, organisation=board, members=[teacher_x], name="Schools' council")

    client.force_login(officer)
    assert client.get(council.get_absolute_url()).status_code == 200
    client.force_login(clerk)
    assert client.get(council.get_absolute_url()).status_code == 404
    with pytest.raises(ValidationError):
        council_create(name="Clerk's council", organisation=board, by=clerk)
    # A council advising an organisation takes members from any school, in any region.
    assert council.members.get().school == school_x


def test_membership_is_by_consent_and_its_history_is_kept(
    client, system_leader, region_a, teacher_x, members
):
    council = council_create(name="Heads' council", region=region_a, by=system_leader)
    client.force_login(system_leader)
    response = client.post(
        f"/voice/councils/{council.pk}/invite/", {"email": "TEACHER.X@example.org", "message": "Join us"}
    )
    assert response.status_code == 302
    place = CouncilMember.objects.get()
    assert place.status == "invited" and place.school.registry_id == "100001"

    client.force_login(teacher_x)
    page = client.get(council.get_absolute_url())
    assert page.status_code == 200 and "You are invited to sit on this council" in page.text
    assert (
        client.post(f"/voice/councils/places/{place.pk}/answer/", {"decision": "accept"}).status_code == 302
    )
    place.refresh_from_db()
    assert place.status == "active" and place.decided_at is not None

    # Leaving is confirmed first, then kept with its reason; the place is not deleted.
    url = f"/voice/councils/places/{place.pk}/end/"
    assert "Leave the council" in client.post(url, {"reason": "New job"}).text
    assert client.post(url, {"reason": "New job", "confirmed": "yes"}).status_code == 302
    place.refresh_from_db()
    assert (place.status, place.end_reason, place.ended_by) == ("left", "New job", teacher_x)
    assert client.get(council.get_absolute_url()).status_code == 404  # a past member
    client.force_login(system_leader)
    assert "New job" in client.get(council.get_absolute_url()).text
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="council.member").order_by("pk")
    ] == [
        "council.member_invited",
        "council.member_joined",
        "council.member_left",
    ]

    # Invited again later, they decline: a second row, the first kept.
    again = council_member_invite(council=council, person=teacher_x, by=system_leader)
    council_invitation_answer(member=again, accept=False, by=teacher_x)
    assert list(council.members.order_by("pk").values_list("status", flat=True)) == ["left", "declined"]


def test_bad_invitations_are_refused_and_change_nothing(
    client, system_leader, region_a, teacher_x, teacher_y, no_school_user, network_x, school_x
):
    council = council_create(name="Heads' council", region=region_a, by=system_leader)
    client.force_login(system_leader)
    for data in (
        {"email": "nobody-here@example.org"},  # no account
        {"email": no_school_user.email},  # on no school's staff
        {"email": teacher_y.email},  # a school of another region
        {"email": teacher_x.email, "school": "200002"},  # not a school of theirs
        {"email": teacher_x.email, "school": "no-such"},
        {"email": "not an address"},
    ):
        response = client.post(f"/voice/councils/{council.pk}/invite/", data)
        assert response.status_code == 400, data
    assert not CouncilMember.objects.exists()
    place = council_member_invite(council=council, person=teacher_x, network=network_x, by=system_leader)
    assert place.network == network_x
    with pytest.raises(ValidationError):
        council_member_invite(council=council, person=teacher_x, by=system_leader)  # already invited
    with pytest.raises(ValidationError):
        council_invitation_answer(member=place, accept=True, by=system_leader)  # not theirs to answer
    assert CouncilMember.objects.get().status == "invited"
    client.force_login(teacher_x)
    assert client.post(f"/voice/councils/{council.pk}/invite/", {"email": teacher_y.email}).status_code == 403


def test_the_council_is_asked_the_leaders_read_and_publish_back_and_members_read_it(
    client, system_leader, region_a, members, teacher_y
):
    council = council_with_members(system_leader, region=region_a, members=members)
    other_leader = User.objects.create_user(email="leader2.a@example.org", password=None)
    RegionalRole.objects.create(user=other_leader, region=region_a)
    consultation = council_consultation(council, system_leader)
    assert consultation.answered_by == "person" and consultation.min_respondents == 3

    teacher_x = members[0]
    assert (consultation, members[0].school_roles.get().school) in asked_of(teacher_x)
    _answer(consultation, members[0], "June", "4", "Earlier results")
    _answer(consultation, members[1], "November", "2", "Fewer forms")
    with pytest.raises(ValidationError):  # only the council's members answer it
        response_save(
            consultation=consultation, school=teacher_y.school_roles.get().school, by=teacher_y, answers={}
        )
    _answer(consultation, members[1], "June", "3", "Fewer forms")  # one answer per person: replaced
    assert Response.objects.filter(consultation=consultation).count() == 2

    # Members never see the results page; every leader of the region does.
    client.force_login(teacher_x)
    assert client.get(f"/voice/{consultation.pk}/results/").status_code == 404
    page = client.get(f"/voice/{consultation.pk}/response/")
    assert (
        page.status_code == 200 and "The consultation is open" in page.text and "Earlier results" in page.text
    )
    assert "Fewer forms" not in page.text
    client.force_login(other_leader)
    results_page = client.get(f"/voice/{consultation.pk}/results/")
    assert results_page.status_code == 200 and "Earlier results" in results_page.text
    assert "teacher.x" not in results_page.text  # anonymous: no name beside an answer
    client.force_login(teacher_y)
    assert client.get(f"/voice/{consultation.pk}/response/").status_code == 404

    # Published once closed; with two answers of a minimum of three, no numbers go with it.
    with pytest.raises(ValidationError):
        consultation_publish(consultation=consultation, text="Thanks", with_results=True, by=system_leader)
    _answer(consultation, members[2], "June", "5", "")
    consultation_status_set(consultation=consultation, status="closed", by=system_leader)
    with pytest.raises(ValidationError):
        consultation_publish(consultation=consultation, text="   ", with_results=True, by=system_leader)
    with pytest.raises(ValidationError):
        consultation_publish(consultation=consultation, text="Mine", with_results=True, by=members[0])
    client.force_login(other_leader)
    response = client.post(
        f"/voice/{consultation.pk}/publish/",
        {"text": "We will keep June and write shorter forms.", "with_results": "on"},
    )
    assert response.status_code == 302
    publication = Publication.objects.get(consultation=consultation)
    assert publication.published_by == other_leader and publication.with_results

    client.force_login(teacher_x)
    page = client.get(f"/voice/{consultation.pk}/response/")
    assert "We will keep June and write shorter forms." in page.text
    assert "Mean 4.00 of 5 from 3 people" in page.text
    assert "Fewer forms" not in page.text  # never another member's words
    teacher_x.language = "cy"
    teacher_x.save(update_fields=["language"])
    welsh = client.get(f"/voice/{consultation.pk}/response/").text
    assert "We will keep June and write shorter forms." in welsh  # as typed
    assert "What the leaders make of the answers" not in welsh  # the page's own words in Welsh
    assert [e.action for e in AuditEvent.objects.filter(action="consultation.response_published")]


def test_published_results_are_withheld_below_the_minimum(system_leader, region_a, members):
    council = council_with_members(system_leader, region=region_a, members=members)
    consultation = council_consultation(council, system_leader)
    _answer(consultation, members[0])
    _answer(consultation, members[1])
    assert published_results(consultation) is None
    _answer(consultation, members[2])
    assert published_results(consultation)[0].overall.counts == {"June": 3, "November": 0}


def test_a_named_council_consultation_shows_its_leaders_who_answered(
    client, system_leader, region_a, members
):
    council = council_with_members(system_leader, region=region_a, members=members)
    consultation = council_consultation(council, system_leader, named=True)
    _answer(consultation, members[0], change="Earlier results")
    client.force_login(system_leader)
    page = client.get(f"/voice/{consultation.pk}/results/").text
    assert "teacher.x · Xavier Primary" in page
    export = client.get(f"/voice/{consultation.pk}/results.csv").content.decode()
    assert "teacher.x" in export.splitlines()[-1]


def test_a_member_who_leaves_is_no_longer_asked(system_leader, region_a, members):
    council = council_with_members(system_leader, region=region_a, members=members)
    consultation = council_consultation(council, system_leader)
    place = CouncilMember.objects.get(council=council, user=members[0])
    council_member_end(member=place, by=system_leader, reason="Term over")
    assert CouncilMember.objects.get(pk=place.pk).status == "removed"
    assert all(c != consultation for c, _school in asked_of(members[0]))
    with pytest.raises(ValidationError):
        response_save(consultation=consultation, school=place.school, by=members[0], answers={})


def test_only_a_councils_leaders_ask_it(system_leader, region_a, members, school_leader_x):
    council = council_with_members(system_leader, region=region_a, members=members)
    with pytest.raises(ValidationError):
        council_consultation(council, school_leader_x)
    with pytest.raises(ValidationError):
        council_consultation(council, members[0])
    assert not Consultation.objects.exists()


def test_a_consultation_may_ask_every_member_of_staff_by_name(
    client, system_leader, region_a, school_x, teacher_x
):
    client.force_login(system_leader)
    response = client.post(
        "/voice/new/",
        {
            "title": "Workload",
            "audience": "region",
            "region": region_a.pk,
            "answered_by": "person",
            "named": "named",
        },
    )
    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert consultation.answered_by == "person" and consultation.named
    # Named answers are only a person's: a school's consultation is never "named".
    client.post(
        "/voice/new/", {"title": "Dates", "audience": "region", "region": region_a.pk, "named": "named"}
    )
    assert not Consultation.objects.get(title="Dates").named


def test_anonymous_answers_are_shown_by_school_and_country_only_in_groups_large_enough(
    system_leader, region_a, region_schools
):
    from kindred.voice.services import consultation_create, question_add

    consultation = consultation_create(
        title="Workload",
        audience="region",
        region=region_a,
        answered_by="person",
        min_respondents=3,
        by=system_leader,
    )
    question_add(consultation=consultation, kind="scale", text="How heavy?", scale_top=5, by=system_leader)
    consultation_status_set(consultation=consultation, status="open", by=system_leader)
    question = consultation.questions.get()
    big, small = region_schools[1], region_schools[0]
    small.country = "Wales"
    small.save()
    for i in range(3):
        response_save(
            consultation=consultation,
            school=big,
            by=_staff(f"big{i}@example.org", big),
            answers={question.pk: "4"},
        )
    response_save(
        consultation=consultation,
        school=small,
        by=_staff("small@example.org", small),
        answers={question.pk: "1"},
    )

    _n, (found,) = results(consultation)
    assert list(found.by_school) == [big.name]  # the school with one answer is not broken out
    assert list(found.by_country) == ["England"]  # nor Wales, with one
    assert found.withheld == 2
    consultation.named = True
    consultation.save(update_fields=["named"])
    _n, (found,) = results(consultation)
    assert set(found.by_school) == {big.name, small.name}
    assert set(found.by_country) == {"England", "Wales"}
    assert found.by_country["Wales"].mean == 1


def test_the_home_page_shows_a_council_invitation_and_a_question_waiting_until_answered(
    client, system_leader, region_a, members
):
    council = council_with_members(system_leader, region=region_a, members=members[1:])
    place = council_member_invite(council=council, person=members[0], by=system_leader)
    client.force_login(members[0])
    assert "Heads&#x27; advisory council invites you to sit on it." in client.get("/").text
    council_invitation_answer(member=place, accept=True, by=members[0])
    consultation = council_consultation(council, system_leader)
    assert "asks you: Exam entry dates" in client.get("/").text
    _answer(consultation, members[0])
    page = client.get("/").text
    assert "asks you: Exam entry dates" not in page and "invites you to sit on it" not in page
