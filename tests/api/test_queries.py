"""The list and the exports take a fixed number of queries however many schools they answer with
(a query per row is what made them slow at national scale: docs/api.md, "Speed"), and the export
asks the categories of each chunk it writes, one query a chunk, with the same rule."""

import csv
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kindred.api import routers_schools
from kindred.evidence.models import SupportCategory
from kindred.schools.models import School, SchoolMeasure
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

#: Queries of one request: the token (find it; count it against the rate limit in its minute), then
#: the endpoint's own; for anyone but a site admin, one more for the regional roles behind the rule
#: of who sees which category (accounts.access.category_scope_for_user) where categories are shown.
TOKEN = 2
LIST = TOKEN + 2  # the page's rows; the categories of those rows
SCHOOLS_CSV = TOKEN + 2  # the rows (one chunk here); the categories of the chunk
MEASURES_CSV = TOKEN + 2  # the measures' definitions; the values
ROLES = 1


@pytest.fixture(autouse=True)
def one_minute():
    """Time stands still, so every request after the first falls in the token's rate-limit window."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def _more_schools(api_world, region_a, region_b, count: int = 30) -> None:
    for i in range(count):
        region = (region_a, region_b)[i % 2]
        school = School.objects.create(
            registry_id=f"9{i:05}",
            name=f"School {i:02}",
            region=region,
            local_authority=region.authorities.get(),
        )
        SupportCategory.objects.create(school=school, category="green", source="derived")
        for year in (2023, 2024):
            SchoolMeasure.objects.create(
                school=school, measure=api_world["reading"], year=year, value=100.0 + i, cohort=30
            )


def _queries(client, url: str) -> int:
    client.get("/api/v1/schools?limit=1")  # opens the token's rate-limit window
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    ("persona", "roles"), [("teacher_x", ROLES), ("system_leader", ROLES), ("site_admin", 0)]
)
@pytest.mark.parametrize(
    ("url", "expected", "has_categories"),
    [
        ("/api/v1/schools?limit=1000", LIST, True),
        ("/api/v1/schools?limit=10&region=A", LIST, True),
        ("/api/v1/schools.csv", SCHOOLS_CSV, True),
        ("/api/v1/measures.csv", MEASURES_CSV, False),
    ],
)
def test_a_list_page_and_the_exports_take_the_same_few_queries_for_2_schools_or_32(
    persona, roles, url, expected, has_categories, api_world, region_a, region_b, request
):
    client = bearer(request.getfixturevalue(persona))
    expected += roles if has_categories else 0
    assert _queries(client, url) == expected
    _more_schools(api_world, region_a, region_b)
    assert _queries(client, url) == expected


def test_the_schools_csv_asks_the_categories_once_a_chunk_with_the_leaders_rule(
    api_world, region_a, region_b, system_leader, monkeypatch
):
    _more_schools(api_world, region_a, region_b)
    monkeypatch.setattr(routers_schools, "EXPORT_CHUNK", 10)
    client = bearer(system_leader)
    # 32 schools in chunks of 10: the rows, the person's roles, and the categories of each chunk
    assert _queries(client, "/api/v1/schools.csv") == TOKEN + 1 + ROLES + 4
    response = client.get("/api/v1/schools.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 32
    for row in rows:
        in_region_a = row["region"] == "A"
        assert bool(row["support_category"]) is in_region_a, row
