"""`kindred demo --country eg`: the demo's people write in Arabic (networks, posts, events, plans),
and its places hold together: a school's town and its educational administration are in its
governorate."""

import re

import pytest

from kindred.accounts.models import SchoolStaff, User
from kindred.board.models import Post, Thread
from kindred.demo.board import demo_threads_create
from kindred.demo.events import demo_programme_create
from kindred.demo.networks import demo_networks_create
from kindred.engine.generate import REGIONS, generate_country
from kindred.engine.places import EGYPT_GOVERNORATES, EGYPT_TOWNS, localise
from kindred.networks.selectors import people_search
from kindred.schools.models import School

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
    networks = demo_networks_create(region=region_a, coordinator=coordinator, teacher=teacher, password="x")
    demo_threads_create(networks=networks)
    demo_programme_create(coordinator=coordinator, teacher=teacher, admin=admin)
    return networks, teacher


def test_the_egyptian_demo_writes_its_networks_posts_and_events_in_arabic(egyptian_demo):
    networks, teacher = egyptian_demo
    for network in networks:
        assert arabic(network.name) and arabic(network.purpose), network.name
    assert Thread.objects.exists() and all(arabic(t.title) for t in Thread.objects.all())
    assert all(arabic(p.body) for p in Post.objects.all())
    assert people_search(teacher, query="الرياضيات").exists()


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
