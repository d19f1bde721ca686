"""Finding partner schools across borders (issue 23, item 2): a school's leaders say which languages
it teaches in and what it would work on; the finder finds schools open to partners by subject or
interest, phase, language of instruction and country, in the reader's own country unless they ask
for other countries."""

import pytest
from django.core.exceptions import ValidationError

from kindred.accounts.models import SchoolStaff
from kindred.audit.models import AuditEvent
from kindred.networks.models import PartnerProfile
from kindred.networks.partner_finder import partner_profile_save, partner_schools


@pytest.fixture
def leader_cardiff(cardiff):
    from conftest import _staff

    return _staff("pennaeth@example.org", cardiff, SchoolStaff.Role.LEADER)


@pytest.fixture
def leader_cairo(cairo):
    from conftest import _staff

    return _staff("modir@example.org", cairo, SchoolStaff.Role.LEADER)


@pytest.fixture
def profiles(cairo, cardiff, school_x, leader_cairo, leader_cardiff, school_leader_x, three_countries):
    partner_profile_save(
        school=cairo,
        by=leader_cairo,
        instruction_languages=["ar", "en"],
        interests="science, robotics",
        open_to_partners=True,
    )
    partner_profile_save(
        school=cardiff,
        by=leader_cardiff,
        instruction_languages=["cy"],
        interests="science, music",
        open_to_partners=True,
    )
    partner_profile_save(
        school=school_x,
        by=school_leader_x,
        instruction_languages=["en"],
        interests="reading, science",
        open_to_partners=True,
    )


def names(schools) -> set[str]:
    return {school.name for school in schools}


def test_only_the_schools_leaders_write_its_partner_profile(cairo, teacher_cairo, three_countries):
    with pytest.raises(ValidationError):
        partner_profile_save(
            school=cairo, by=teacher_cairo, instruction_languages=["ar"], interests="", open_to_partners=True
        )
    assert not PartnerProfile.objects.exists()


def test_a_saved_profile_is_audited_and_keeps_codes(profiles, cairo):
    profile = PartnerProfile.objects.get(school=cairo)
    assert profile.language_codes == ["ar", "en"]
    assert profile.interests == "science, robotics"
    assert AuditEvent.objects.filter(action="school.partner_profile_saved").count() == 3


def test_the_finder_looks_in_the_readers_own_country_unless_asked(profiles, leader_cardiff):
    # The Welsh leader's own school is left out; no other Welsh school is looking.
    assert names(partner_schools(leader_cardiff)) == set()
    assert names(partner_schools(leader_cardiff, country="other")) == {
        "Nasr City Preparatory School",
        "Xavier Primary",
    }
    assert names(partner_schools(leader_cardiff, country="eg")) == {"Nasr City Preparatory School"}
    assert names(partner_schools(leader_cardiff, country="any")) == {
        "Nasr City Preparatory School",
        "Xavier Primary",
    }


def test_the_finder_filters_by_interest_phase_and_language(profiles, school_leader_x):
    other = {"country": "other"}
    assert names(partner_schools(school_leader_x, interest="robotics", **other)) == {
        "Nasr City Preparatory School"
    }
    assert names(partner_schools(school_leader_x, interest="science", **other)) == {
        "Nasr City Preparatory School",
        "Ysgol Uwchradd Caerdydd",
    }
    assert names(partner_schools(school_leader_x, phase="secondary", **other)) == {"Ysgol Uwchradd Caerdydd"}
    assert names(partner_schools(school_leader_x, language="cy", **other)) == {"Ysgol Uwchradd Caerdydd"}
    assert names(partner_schools(school_leader_x, language="en", **other)) == {"Nasr City Preparatory School"}


def test_a_school_not_looking_is_not_found(profiles, cairo, leader_cairo, school_leader_x):
    partner_profile_save(
        school=cairo,
        by=leader_cairo,
        instruction_languages=["ar"],
        interests="science",
        open_to_partners=False,
    )
    assert names(partner_schools(school_leader_x, country="other")) == {"Ysgol Uwchradd Caerdydd"}


def test_the_finder_page_across_borders(client, profiles, school_leader_x):
    client.force_login(school_leader_x)
    home = client.get("/networks/partners/").content.decode()
    assert "Nasr City Preparatory School" not in home
    page = client.get("/networks/partners/", {"country": "other", "language": "ar"}).content.decode()
    assert "Nasr City Preparatory School" in page
    assert "Preparatory" in page and "Egypt" in page and "Arabic, English" in page
    assert "Ysgol Uwchradd Caerdydd" not in page


def test_a_leader_saves_the_profile_on_the_page(client, cardiff, leader_cardiff, three_countries):
    client.force_login(leader_cardiff)
    page = client.get("/networks/partners/").content.decode()
    assert (
        "Your school&#x27;s partner profile" in page
        or "Proffil partner eich ysgol" in page
        or "partner" in page
    )
    response = client.post(
        "/networks/partners/profile/",
        {
            "school": cardiff.pk,
            "instruction_languages": ["cy", "en"],
            "interests": "music",
            "open_to_partners": "on",
        },
    )
    assert response.status_code == 302
    assert PartnerProfile.objects.get(school=cardiff).language_codes == ["cy", "en"]


def test_a_teacher_has_no_profile_form_and_cannot_post_one(client, cairo, teacher_cairo, three_countries):
    client.force_login(teacher_cairo)
    assert 'action="/networks/partners/profile/"' not in client.get("/networks/partners/").content.decode()
    response = client.post(
        "/networks/partners/profile/", {"school": cairo.pk, "instruction_languages": ["ar"], "interests": ""}
    )
    assert response.status_code == 400
    assert not PartnerProfile.objects.exists()


def test_one_country_installed_the_finder_has_no_country_filter(
    client, school_x, school_y, school_leader_x, settings
):
    settings.COUNTRIES = []
    from kindred.accounts.models import User

    leader_y = User.objects.create_user(email="head.y@example.org", password="x")
    SchoolStaff.objects.create(user=leader_y, school=school_y, role=SchoolStaff.Role.LEADER)
    partner_profile_save(
        school=school_y, by=leader_y, instruction_languages=["en"], interests="maths", open_to_partners=True
    )
    client.force_login(school_leader_x)
    page = client.get("/networks/partners/").content.decode()
    assert 'name="country"' not in page
    assert "Yew Tree Academy" in page
