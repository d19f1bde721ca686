"""`kindred generate --country eg` (and so `kindred demo --country eg`): Arabic names, governorates."""

import re

import pytest
from django.core.management import call_command

from kindred import countries
from kindred.engine.places import EGYPT_GOVERNORATES
from kindred.schools.models import LocalAuthority, Region, School
from kindred.schools.selectors import school_search

pytestmark = pytest.mark.django_db
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture
def egypt(db, settings):
    settings.COUNTRY = "eg"
    call_command("generate", schools=80, seed=3, country="eg", teachers=80, verbosity=0)


def test_schools_regions_and_authorities_get_arabic_names(egypt):
    assert School.objects.count() == 80
    assert all(ARABIC.search(name) for name in School.objects.values_list("name", flat=True))
    assert all(ARABIC.search(name) for name in Region.objects.values_list("name", flat=True))
    assert set(Region.objects.values_list("name", flat=True)) <= {g[0] for g in EGYPT_GOVERNORATES}
    assert all(name.startswith("إدارة ") for name in LocalAuthority.objects.values_list("name", flat=True))
    assert School.objects.values("name").distinct().count() == 80


def test_generated_schools_lie_in_egypt(egypt):
    bounds = countries.load("eg").bounds
    for latitude, longitude in School.objects.values_list("latitude", "longitude"):
        assert bounds.contains(latitude, longitude)


def test_generated_arabic_names_are_found_however_they_are_typed(egypt):
    school = School.objects.filter(name__contains="ة").first()
    assert school is not None
    typed = school.name.replace("ة", "ه").replace("أ", "ا").replace("إ", "ا")
    assert school in school_search(query=typed)


def test_the_same_seed_gives_the_same_outcomes_whatever_the_country(db):
    from kindred.engine.generate import generate_country
    from kindred.engine.places import localise

    england = generate_country(n_schools=50, seed=9, years=[2022], n_teachers=50)
    egypt = localise(england, "eg", seed=9)
    assert (egypt.pupils == england.pupils).all()
    assert (egypt.outcomes[0].value == england.outcomes[0].value).all()
    assert (egypt.name != england.name).all()


def test_a_country_without_generated_places_is_refused(db):
    from kindred.engine.generate import generate_country
    from kindred.engine.places import localise

    with pytest.raises(ValueError, match="eg, eng"):
        localise(generate_country(n_schools=20, seed=1, years=[2022], n_teachers=20), "fr")


def test_the_egyptian_dashboard_speaks_arabic_and_its_own_words(egypt, client, site_admin):
    client.force_login(site_admin)
    page = client.get("/evidence/dashboard/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page and "الإدارة التعليمية" in page and "المحافظة" in page


def test_a_generated_egyptian_trial_writes_in_arabic_and_its_people_read_arabic(db, settings):
    """`kindred generate --country eg --networks --posts`: networks, their purposes, posts, threads
    and events are written in Arabic; every generated teacher's language is Arabic (their e-mails)."""
    from kindred.accounts.models import User
    from kindred.board.models import Post, Thread
    from kindred.events.models import Event
    from kindred.networks.models import Membership, Network

    settings.COUNTRY = "eg"
    call_command(
        "generate", schools=60, seed=4, country="eg", teachers=120, networks=5, posts=40, verbosity=0
    )
    latin = re.compile(r"[A-Za-z]")

    def arabic(text: str) -> bool:
        return bool(ARABIC.search(text)) and not latin.search(text)

    assert Network.objects.count() == 5
    assert all(arabic(n.name) and arabic(n.purpose) for n in Network.objects.all())
    assert all(arabic(t) for t in Thread.objects.values_list("title", flat=True))
    assert Post.objects.count() == 40 and all(arabic(b) for b in Post.objects.values_list("body", flat=True))
    assert Event.objects.exists() and all(arabic(t) for t in Event.objects.values_list("title", flat=True))
    reasons = Membership.objects.exclude(leave_reason="").values_list("leave_reason", flat=True)
    assert all(arabic(r) for r in reasons)
    assert set(User.objects.values_list("language", flat=True)) == {"ar"}


def test_a_generated_english_trial_is_unchanged_and_its_people_follow_their_browser(db):
    from kindred.accounts.models import User
    from kindred.networks.models import Network

    call_command("generate", schools=30, seed=4, teachers=40, networks=2, posts=10, verbosity=0)
    assert sorted(Network.objects.values_list("name", flat=True))[0].endswith(" 1")
    assert set(Network.objects.values_list("purpose", flat=True)) == {
        "Sharing practice between neighbouring schools"
    }
    assert set(User.objects.values_list("language", flat=True)) == {""}
