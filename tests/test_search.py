"""One search interface (kindred/core/search.py), the same claims for every kind of thing it finds.

Each kind has a SQLite back end and a PostgreSQL one; the suite runs on both databases (CI runs it
twice), so this one test file checks both. What differs between kinds is stated per kind: whether
a blank search finds everything (people, schools, resources) or nothing (posts).
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from kindred.accounts.models import User
from kindred.board.models import Post
from kindred.board.services import thread_create
from kindred.core.search import SEARCHES, VENDORS, matching, search_of
from kindred.library.models import Resource
from kindred.library.services import resource_create
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


@dataclass
class Kind:
    name: str
    #: Make one row of this kind whose searchable text is `text`; return its primary key.
    make: Any
    #: The queryset the search narrows.
    rows: Any
    blank_finds_everything: bool
    scope: dict


def _person(world, text: str) -> int:
    n = User.objects.count()
    return User.objects.create_user(email=f"p{n}@example.org", password="x", full_name=text).pk


def _school(world, text: str) -> int:
    n = School.objects.count()
    return School.objects.create(registry_id=f"77{n:04d}", name=text, region=world["region"]).pk


def _post(world, text: str) -> int:
    thread = thread_create(network=world["network"], by=world["leader"], title="Notes", body=text)
    return thread.posts.get().pk


def _resource(world, text: str) -> int:
    return resource_create(
        by=world["leader"],
        network=world["network"],
        kind="link",
        title=text,
        licence="CC0-1.0",
        url="https://example.org/",
    ).pk


KINDS = [
    Kind("people", _person, lambda: User.objects.all(), True, {}),
    Kind("schools", _school, lambda: School.objects.all(), True, {}),
    Kind("posts", _post, lambda: Post.objects.all(), False, {"everywhere": True}),
    Kind("resources", _resource, lambda: Resource.objects.all(), True, {}),
]


@pytest.fixture
def world(region_a, network_x, school_leader_x):
    return {"region": region_a, "network": network_x, "leader": school_leader_x}


def found(kind: Kind, text: str) -> set[int]:
    return set(matching(kind.name, kind.rows(), text, **kind.scope).values_list("pk", flat=True))


@pytest.fixture(params=KINDS, ids=[k.name for k in KINDS])
def kind(request, world):
    return request.param


def test_every_kind_is_registered_with_a_back_end_for_each_database():
    assert set(SEARCHES) >= {k.name for k in KINDS}
    for k in KINDS:
        assert set(search_of(k.name).backends) == set(VENDORS)
    assert connection.vendor in VENDORS


def test_a_word_finds_the_rows_that_have_it_and_no_others(kind, world):
    wanted = kind.make(world, "Ysgol Brynmawr reading")
    kind.make(world, "Oakfield writing")
    assert found(kind, "Brynmawr") == {wanted}


def test_every_word_typed_must_be_found(kind, world):
    both = kind.make(world, "Brynmawr Zebedee")
    kind.make(world, "Brynmawr Quimby")
    assert found(kind, "Brynmawr Zebedee") == {both}


def test_case_does_not_matter(kind, world):
    wanted = kind.make(world, "Brynmawr reading")
    assert found(kind, "BRYNMAWR") == {wanted}
    assert found(kind, "brynmawr") == {wanted}


def test_a_word_nobody_wrote_finds_nothing(kind, world):
    kind.make(world, "Brynmawr reading")
    assert found(kind, "Xylophonist") == set()


def test_a_blank_search_finds_everything_or_nothing_as_the_kind_says(kind, world):
    kind.make(world, "Brynmawr reading")
    every = set(kind.rows().values_list("pk", flat=True))
    assert found(kind, "   ") == (every if kind.blank_finds_everything else set())


def test_a_search_refuses_rows_of_another_kind():
    with pytest.raises(TypeError, match=r"people search finds accounts\.user"):
        matching("people", School.objects.all(), "x")
    with pytest.raises(LookupError, match="No search of 'pupils'"):
        matching("pupils", School.objects.all(), "x")
