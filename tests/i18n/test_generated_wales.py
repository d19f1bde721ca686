"""`kindred generate --country wls`: a Welsh national trial. Schools, towns, authorities and teachers
get Welsh names in nine areas of Wales; networks, posts, threads and events are written in Welsh, and
the generated people read Welsh (their e-mails), as Egypt's are Arabic (test_generated_egypt.py)."""

import re

import pytest
from django.core.management import call_command

from kindred import countries
from kindred.engine.places_wales import WALES_FIRST_NAMES, WALES_PHASE_PATTERNS, WALES_REGIONS

pytestmark = pytest.mark.django_db

# Words an English-language trial writes (kindred/demo/national_words.py ENGLISH) that Welsh does not.
ENGLISH_WORDS = {
    "the", "and", "with", "our", "for", "of", "to", "in", "what", "works", "ideas", "sharing", "visit",
    "practice", "network", "meeting", "school", "schools", "community", "cluster", "partnership",
    "reading", "writing", "maths", "science", "training", "reminder", "thanks", "could", "we", "has",
    "anyone", "tried", "run", "competition", "festival", "fair", "joined", "nearer",
}  # fmt: skip


def _english_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[A-Za-z]+", text.lower())} & ENGLISH_WORDS


def test_a_generated_welsh_trial_writes_in_welsh_and_its_people_read_welsh(db, settings):
    from kindred.accounts.models import User
    from kindred.board.models import Post, Thread
    from kindred.events.models import Event
    from kindred.networks.models import Membership, Network
    from kindred.schools.models import LocalAuthority, Region, School

    settings.COUNTRY = "wls"
    call_command(
        "generate", schools=60, seed=4, country="wls", teachers=120, networks=5, posts=40, verbosity=0
    )

    patterns = (*(pattern.split("{}")[0] for pattern in WALES_PHASE_PATTERNS.values()), "Ysgol ")
    assert all(name.startswith(patterns) for name in School.objects.values_list("name", flat=True))
    assert set(Region.objects.values_list("name", flat=True)) <= {region[0] for region in WALES_REGIONS}
    assert all(name.startswith("Cyngor ") for name in LocalAuthority.objects.values_list("name", flat=True))
    bounds = countries.load("wls").bounds
    assert all(bounds.contains(lat, lon) for lat, lon in School.objects.values_list("latitude", "longitude"))
    assert set(User.objects.exclude(first_name="").values_list("first_name", flat=True)) <= set(
        WALES_FIRST_NAMES
    )
    assert set(User.objects.values_list("language", flat=True)) == {"cy"}

    texts = [
        *Network.objects.values_list("name", flat=True),
        *Network.objects.values_list("purpose", flat=True),
        *Thread.objects.values_list("title", flat=True),
        *Post.objects.values_list("body", flat=True),
        *Event.objects.values_list("title", flat=True),
        *Membership.objects.exclude(leave_reason="").values_list("leave_reason", flat=True),
    ]
    assert Network.objects.count() == 5 and Post.objects.count() == 40 and Event.objects.exists()
    english = {text: _english_words(text) for text in texts if _english_words(text)}
    assert english == {}
    assert any(name.startswith("Clwstwr ") for name in Network.objects.values_list("name", flat=True))
    assert set(Network.objects.values_list("purpose", flat=True)) == {"Rhannu ymarfer rhwng ysgolion cyfagos"}


def test_the_same_seed_gives_the_same_outcomes_in_wales_as_in_england(db):
    from kindred.engine.generate import generate_country
    from kindred.engine.places import localise

    england = generate_country(n_schools=50, seed=9, years=[2022], n_teachers=50)
    wales = localise(england, "wls", seed=9)
    assert (wales.pupils == england.pupils).all()
    assert (wales.outcomes[0].value == england.outcomes[0].value).all()
    assert wales.places == "wls" and (wales.name != england.name).all()
