"""`kindred demo --country wls`: the demo's people write in Welsh (networks, posts, events, library,
offers, the programme, the consultation, the plan), as Egypt's write in Arabic: no text the demo
stores is one of its English texts."""

import pytest

from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.board.models import Post, Thread
from kindred.demo.board import demo_threads_create
from kindred.demo.events import demo_programme_create
from kindred.demo.impact import demo_impact_create, impact_demo_create
from kindred.demo.networks import demo_networks_create
from kindred.demo.texts import ENGLISH, TEXTS, WELSH
from kindred.events.models import Event
from kindred.impact.models import Cost, Programme, Survey
from kindred.library.models import Resource
from kindred.networks.models import Network
from kindred.offers.models import Offer, SupportRequest
from kindred.schools.models import School
from kindred.voice.models import Question


def leaves(texts) -> list[str]:
    """Every string in a demo texts dictionary, in order."""
    if isinstance(texts, str):
        return [texts]
    values = texts.values() if isinstance(texts, dict) else texts
    return [leaf for value in values for leaf in leaves(value)]


def shape(texts):
    """The keys and list lengths of a demo texts dictionary, without its words."""
    if isinstance(texts, dict):
        return {key: shape(value) for key, value in texts.items()}
    if isinstance(texts, (list, tuple)):
        return [shape(value) for value in texts]
    return "text"


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_every_language_writes_every_text_the_demo_uses(language):
    assert shape(TEXTS[language]) == shape(ENGLISH)


# Written the same in both: addresses, and the English-named foundation's toolkit is not among them.
SHARED = {text for text in leaves(ENGLISH) if text.startswith("https://") or text == ""}
ENGLISH_TEXTS = set(leaves(ENGLISH)) - SHARED


def test_the_welsh_texts_are_not_the_english_ones():
    assert not ENGLISH_TEXTS & set(leaves(WELSH))


@pytest.fixture
def welsh_demo(region_a, settings):
    settings.COUNTRY = "wls"
    schools = [
        School.objects.create(registry_id=f"66{i:05d}", name=f"Ysgol Gynradd y Bryn {i}", region=region_a)
        for i in range(30)
    ]
    coordinator = User.objects.create_user(email="coordinator@demo.kindred.example", password=None)
    SchoolStaff.objects.create(user=coordinator, school=schools[0], role=SchoolStaff.Role.LEADER)
    teacher = User.objects.create_user(email="teacher@demo.kindred.example", password=None)
    SchoolStaff.objects.create(user=teacher, school=schools[1], role=SchoolStaff.Role.TEACHER)
    admin = User.objects.create_user(email="admin@demo.kindred.example", password=None, is_superuser=True)
    leader = User.objects.create_user(email="leader@demo.kindred.example", password=None, full_name="Sam")
    RegionalRole.objects.create(user=leader, region=region_a)
    networks = demo_networks_create(region=region_a, coordinator=coordinator, teacher=teacher, password="x")
    demo_threads_create(networks=networks)
    demo_programme_create(coordinator=coordinator, teacher=teacher, admin=admin)
    demo_impact_create(region=region_a, leader=leader, networks=networks)
    impact_demo_create(coordinator=coordinator, leader=leader, admin=admin)
    return networks


@pytest.mark.django_db
def test_the_welsh_demo_stores_what_its_people_write_in_welsh(welsh_demo):
    welsh = set(leaves(WELSH))
    stored = [
        *Network.objects.values_list("name", flat=True),
        *Network.objects.values_list("purpose", flat=True),
        *Thread.objects.values_list("title", flat=True),
        *Post.objects.values_list("body", flat=True),
        *Resource.objects.values_list("title", flat=True),
        *Offer.objects.values_list("description", flat=True),
        *SupportRequest.objects.values_list("needs", flat=True),
        *Programme.objects.values_list("name", flat=True),
        *Cost.objects.values_list("description", flat=True),
        *Survey.objects.values_list("title", flat=True),
        *Question.objects.values_list("text", flat=True),
    ]
    assert len(stored) > 40
    english = [text for text in stored if text in ENGLISH_TEXTS]
    assert not english, english
    assert {"Cymuned Ddysgu Glan yr Afon", "Rhwydwaith Adrannau Mathemateg"} <= set(stored)
    assert {thread.title for thread in Thread.objects.all()} <= welsh
    titles = list(Event.objects.values_list("title", flat=True))
    assert titles and not any(
        title.endswith(("network meeting", "TeachMeet", "netball tournament")) for title in titles
    )
    assert any(title.endswith("cyfarfod y rhwydwaith") for title in titles)
