"""The admin stays light with a national-scale number of people (finding 10).

A generated country with 34,348 teachers (the number in the browser review, many sharing a
name). Every admin page with a foreign key to people or schools must be under 200 KB and
answer in under 300 ms: the keys are search-as-you-type (`autocomplete_fields`), never a
dropdown of every row (which made that page 1.6 MB and 3.9 s). Times are the best of three
requests. On a loaded machine (CI shares two cores) every page slows down alike, so the 300 ms
is for a machine where the admin's index page answers in 60 ms, and grows in proportion when
the index, timed just before each page, is slower; a page over its limit is timed again (up to
three times) with a fresh baseline. The full-scale figures (870,000 people) come from
benchmarks/bench_admin.py.
"""

import json
import time

import pytest
from django.contrib.auth import get_user_model

from kindred.accounts.generation import country_generate
from kindred.accounts.models import Invitation, JoinRequest, RegionalRole, SchoolStaff
from kindred.schools.models import School

PEOPLE = 34_348
MAX_SECONDS = 0.300
UNLOADED_INDEX_SECONDS = 0.060  # the admin index on an unloaded machine (bench_admin.py: 49 ms)
MAX_BYTES = 200_000


@pytest.fixture
def national(db):
    """A generated country of 1,500 schools and 34,348 teachers, a site admin, and one of each role."""
    from django.utils import timezone

    country_generate(n_schools=1500, seed=11, years=[2021], n_teachers=PEOPLE)
    admin = get_user_model().objects.create_superuser(email="scale.admin@example.org", password=None)
    someone = (
        get_user_model().objects.filter(email__endswith="@teachers.kindred.example").order_by("pk").first()
    )
    school = School.objects.order_by("pk").first()
    RegionalRole.objects.create(user=someone, region=school.region)
    JoinRequest.objects.create(user=someone, school=school)
    Invitation.objects.create(
        email="x@example.org", school=school, role="teacher", token_hash="0" * 64, expires_at=timezone.now()
    )
    return admin


def best_of_three(client, url):
    times, response = [], None
    for _ in range(3):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    return response, min(times)


def admin_pages():
    role = RegionalRole.objects.order_by("pk").first()
    staff = SchoolStaff.objects.order_by("pk").first()
    return [
        "/admin/accounts/regionalrole/add/",
        f"/admin/accounts/regionalrole/{role.pk}/change/",
        "/admin/accounts/regionalrole/",
        f"/admin/accounts/user/{staff.user_id}/change/",
        "/admin/accounts/user/",
        f"/admin/accounts/joinrequest/{JoinRequest.objects.get().pk}/change/",
        f"/admin/accounts/invitation/{Invitation.objects.get().pk}/change/",
        "/admin/otp_totp/totpdevice/add/",
        f"/admin/schools/school/{staff.school_id}/change/",
        "/admin/schools/schoollink/add/",
        "/admin/schools/localauthority/add/",
        "/admin/schools/schoolmeasure/add/",
        "/admin/audit/auditevent/",
    ]


def timed_against_the_index(client, url, tries=3):
    """(response, best of three seconds, limit) for `url`, its limit scaled by the admin index timed
    just before it. A page over its limit is timed again with a fresh baseline, up to `tries` times:
    a moment's load on a shared machine passes, a page that is really slow (a dropdown of every
    person took 3.9 s) does not."""
    for _ in range(tries):
        _, index_seconds = best_of_three(client, "/admin/")
        limit = MAX_SECONDS * max(1.0, index_seconds / UNLOADED_INDEX_SECONDS)
        response, seconds = best_of_three(client, url)
        if seconds <= limit:
            break
    return response, seconds, limit


@pytest.mark.slow
def test_admin_pages_stay_under_300_ms_and_200_kb_with_a_national_number_of_people(client, national):
    assert get_user_model().objects.count() > PEOPLE
    client.force_login(national)
    measured, slow_or_heavy = [], []
    for url in admin_pages():
        response, seconds, limit = timed_against_the_index(client, url)
        assert response.status_code == 200, url
        size = len(response.content)
        measured.append(f"{url}: {seconds * 1000:.0f} ms (limit {limit * 1000:.0f} ms), {size / 1000:.0f} KB")
        if seconds > limit or size > MAX_BYTES:
            slow_or_heavy.append(measured[-1])
    print("\n".join(measured))
    assert slow_or_heavy == []

    # Choosing a person: search-as-you-type by e-mail, and the answer shows the address.
    person = (
        get_user_model().objects.filter(email__endswith="@teachers.kindred.example").order_by("-pk").first()
    )
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "accounts", "model_name": "regionalrole", "field_name": "user", "term": person.email},
    )
    results = json.loads(response.content)["results"]
    assert results == [{"id": str(person.pk), "text": f"{person.full_name} <{person.email}>"}]
