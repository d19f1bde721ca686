"""`kindred demo --country eg`: the demo's people write in Arabic (networks, posts, events, library,
offers, plans), and its places hold together: a school's town and its educational administration are in its
governorate."""

import re

import pytest
from django.test import Client

from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.board.models import Post, Thread
from kindred.demo.board import demo_threads_create
from kindred.demo.events import demo_programme_create
from kindred.demo.impact import demo_impact_create, impact_demo_create
from kindred.demo.networks import demo_networks_create
from kindred.engine.generate import REGIONS, generate_country
from kindred.engine.places import EGYPT_GOVERNORATES, EGYPT_TOWNS, localise
from kindred.events.models import Event, OccurrenceChange
from kindred.impact.models import Cost, Programme, SupportLetter, Survey
from kindred.library.models import Resource, ResourceVersion
from kindred.networks.models import Network
from kindred.networks.selectors import people_search
from kindred.offers.models import Offer, SupportRequest
from kindred.schools.models import School
from kindred.voice.models import Answer, Question

pytestmark = pytest.mark.django_db
LATIN = re.compile(r"[A-Za-z]")
ARABIC = re.compile(r"[\u0600-\u06FF]")


def arabic(text: str) -> bool:
    """Written in Arabic: Arabic letters, and no Latin word (addresses and markup aside)."""
    text = re.sub(r"https?://\S+|@\*\*[^*]*\*\*|\*+", "", text)
    return bool(ARABIC.search(text)) and not LATIN.search(text)


@pytest.fixture
def egyptian_demo(region_a, settings):
    settings.COUNTRY = "eg"
    schools = [
        School.objects.create(registry_id=f"7{i:05d}", name=f"مدرسة النور {i}", region=region_a)
        for i in range(30)
    ]
    coordinator = User.objects.create_user(email="coordinator@demo.kindred.example", password=None)
    SchoolStaff.objects.create(user=coordinator, school=schools[0], role=SchoolStaff.Role.LEADER)
    teacher = User.objects.create_user(email="teacher@demo.kindred.example", password=None)
    SchoolStaff.objects.create(user=teacher, school=schools[1], role=SchoolStaff.Role.TEACHER)
    admin = User.objects.create_user(email="admin@demo.kindred.example", password=None, is_superuser=True)
    leader = User.objects.create_user(
        email="leader@demo.kindred.example", password=None, full_name="سامي الشريف"
    )
    RegionalRole.objects.create(user=leader, region=region_a)
    networks = demo_networks_create(region=region_a, coordinator=coordinator, teacher=teacher, password="x")
    demo_threads_create(networks=networks)
    demo_programme_create(coordinator=coordinator, teacher=teacher, admin=admin)
    demo_impact_create(region=region_a, leader=leader, networks=networks)
    impact_demo_create(coordinator=coordinator, leader=leader, admin=admin)
    return networks, teacher


def test_the_egyptian_demo_writes_its_networks_posts_and_events_in_arabic(egyptian_demo):
    networks, teacher = egyptian_demo
    assert Network.objects.count() > len(networks)  # the informal group too
    for network in Network.objects.all():
        assert arabic(network.name) and arabic(network.purpose), network.name
    assert Thread.objects.exists() and all(arabic(t.title) for t in Thread.objects.all())
    assert all(arabic(p.body) for p in Post.objects.all())
    assert people_search(teacher, query="الرياضيات").exists()


def test_the_egyptian_demos_events_library_and_offers_are_in_arabic(egyptian_demo):
    # Exempt: addresses (the TeachMeet's online link, the library link's URL) and a file's type
    # (".txt"); every title, place, note, description, tag, file name and file's text is Arabic.
    events = Event.objects.all()
    assert events.count() >= 4
    for event in events:
        assert arabic(event.title) and (not event.place or arabic(event.place)), event.title
    assert Event.objects.exclude(place="").exists()
    notes = OccurrenceChange.objects.values_list("note", flat=True)
    assert notes and all(arabic(note) for note in notes)
    resources = Resource.objects.all()
    assert {r.kind for r in resources} == {"link", "file", "policy"}
    for resource in resources:
        assert arabic(resource.title), resource.title
        assert not resource.description or arabic(resource.description), resource.description
        assert not resource.tags or all(arabic(tag) for tag in resource.tag_list), resource.tags
    versions = ResourceVersion.objects.all()
    assert versions.count() == 4
    for version in versions:
        assert version.filename.endswith(".txt") and arabic(version.filename.removesuffix(".txt"))
        assert not version.note or arabic(version.note), version.note
        with version.file.open("rb") as file:
            assert arabic(file.read().decode()), version.filename
    offers, requests = Offer.objects.all(), SupportRequest.objects.all()
    assert offers.count() >= 2 and requests.count() >= 2
    assert all(arabic(offer.description) for offer in offers)
    assert all(arabic(request.needs) for request in requests)


def test_the_egyptian_demos_programme_survey_and_letters_are_in_arabic(egyptian_demo):
    # Exempt: a letter file's type (".txt"). The survey's rounds are titled by the interface
    # ("…: before"), in the language active when they were made: not checked here.
    programme = Programme.objects.get()
    assert all(arabic(text) for text in (programme.name, programme.funder, programme.description))
    costs = Cost.objects.values_list("description", flat=True)
    assert len(costs) == 3 and all(arabic(cost) for cost in costs)
    surveys = Survey.objects.all()
    assert len(surveys) == 2 and all(arabic(survey.title) for survey in surveys)
    assert Survey.objects.filter(programme=programme).exists()
    questions = Question.objects.values_list("text", flat=True)
    assert len(questions) == 14 and all(arabic(question) for question in questions)
    remarks = Answer.objects.exclude(text="").values_list("text", flat=True)
    assert remarks and all(arabic(remark) for remark in remarks)
    created = User.objects.filter(email__startswith="staff").values_list("full_name", flat=True)
    assert created and all(arabic(name) for name in created)
    letters = SupportLetter.objects.all()
    assert letters.count() == 2
    for letter in letters:
        assert arabic(letter.writer) and arabic(letter.filename.removesuffix(".txt")), letter.writer
        with letter.file.open("rb") as file:
            assert arabic(file.read().decode()), letter.writer


def test_egyptian_places_hold_together():
    country = localise(generate_country(n_schools=600, seed=4, years=[2022], n_teachers=600), "eg", seed=4)
    governorate = {code: i for i, (code, *_rest) in enumerate(REGIONS)}
    names = dict(country.regions)
    for region_code, town in zip(country.region, country.town, strict=True):
        index = governorate[region_code]
        assert names[region_code] == EGYPT_GOVERNORATES[index][0]
        assert re.sub(r" \d+$", "", town) in EGYPT_TOWNS[index], (town, names[region_code])
    for _code, name, region_code in country.authorities:
        main_town = re.sub(r" \d+$", "", name.removeprefix("إدارة ").removesuffix(" التعليمية"))
        assert main_town in EGYPT_TOWNS[governorate[region_code]], (name, names[region_code])


def test_the_egyptian_demos_people_read_their_e_mails_in_arabic(egyptian_demo):
    """People the demo makes get the country's language, so what is e-mailed to them is Arabic."""
    made = User.objects.filter(email__endswith="@demo.kindred.example").exclude(
        email__in=["coordinator@demo.kindred.example", "teacher@demo.kindred.example",
                   "admin@demo.kindred.example", "leader@demo.kindred.example"]
    )  # fmt: skip
    assert made.exists()
    assert set(made.values_list("language", flat=True)) == {"ar"}


def test_the_demos_own_accounts_read_arabic_in_egypt_and_follow_their_browser_elsewhere(region_a, settings):
    from kindred.demo.texts import demo_language

    settings.COUNTRY = "eg"
    assert demo_language() == "ar"
    settings.COUNTRY = "eng"
    assert demo_language() == ""


def test_the_egyptian_demos_programme_page_shows_its_survey_in_arabic(egyptian_demo):
    programme = Programme.objects.get()
    leader = User.objects.get(email="leader@demo.kindred.example")
    client = Client()
    client.force_login(leader)
    page = client.get(f"/impact/programmes/{programme.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "مدارس معًا: ما يراه المعلمون" in page and "غيّر البرنامج طريقة تدريسي" in page
    assert "ما يقوله الموظفون: الاستبيانات" in page
    assert "الإجابات أقل من أن تُعرض" not in page
