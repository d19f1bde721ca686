import csv
import io

import pytest

from kindred.accounts.models import RegionalRole
from kindred.evidence.models import Flag, Performance, SupportCategory
from kindred.schools.models import Region, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(django_user_model):
    return django_user_model.objects.create_user(email="reader@example.org", password="x")


def test_dashboard_asks_anonymous_visitors_to_sign_in(client, small_country):
    response = client.get("/evidence/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_dashboard_opens_on_the_system_leaders_region(client, small_country, reader):
    region = Region.objects.order_by("code").last()
    RegionalRole.objects.create(user=reader, region=region)
    client.force_login(reader)
    response = client.get("/evidence/dashboard/")
    assert response.status_code == 200
    listed = {school.region_id for school in response.context["page_obj"]}
    assert listed == {region.pk}
    assert "<svg" in response.content.decode()


def test_dashboard_filters_by_category_and_counts_add_up(client, small_country, reader, settings):
    settings.SUPPORT_CATEGORIES_VISIBLE_TO = "signed_in"  # the national picture, for this reader
    client.force_login(reader)
    response = client.get("/evidence/dashboard/", {"category": "red"})
    counts = response.context["counts"]
    assert counts["total"] == SupportCategory.objects.filter(category="red").count()
    assert all(s.support_category.category == "red" for s in response.context["page_obj"])


def test_dashboard_exports_the_filtered_schools_as_csv(client, small_country, reader, settings):
    settings.SUPPORT_CATEGORIES_VISIBLE_TO = "signed_in"  # the national picture, for this reader
    client.force_login(reader)
    response = client.get("/evidence/dashboard/", {"phase": "secondary", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == School.objects.filter(phase="secondary").exclude(status="closed").count()
    assert {row["phase"] for row in rows} == {"secondary"}


def test_dashboard_sorts_by_a_column(client, small_country, reader):
    client.force_login(reader)
    response = client.get("/evidence/dashboard/", {"sort": "-pupils", "region": ""})
    pupils = [s.pupils for s in response.context["page_obj"]]
    assert pupils == sorted(pupils, reverse=True)


def test_dashboard_page_uses_a_bounded_number_of_queries(
    client, small_country, reader, django_assert_max_num_queries
):
    client.force_login(reader)
    # + whether the reader is only a partner (accounts.access.is_partner_only, issue 23 item 4)
    with django_assert_max_num_queries(13):
        client.get("/evidence/dashboard/")


def test_the_dashboards_needs_are_looked_up_by_run_and_school_not_scanned(small_country):
    """Each school's needs come from its country's current run by the (run, school) index: joined to
    the runs instead, SQLite without statistics scanned every pooled row once per school (issue 23's
    three-country benchmark: 5.4 s for 950 schools, over 300 s for 31,500)."""
    from django.db import connection

    from kindred.evidence.selectors import DashboardFilters, dashboard_schools

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own query plan")
    sql, params = dashboard_schools(DashboardFilters(), sort="severity")[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [row[-1] for row in cursor.fetchall()]
    on_performance = [step for step in plan if "performance" in step]
    assert on_performance and all(step.startswith("SEARCH") for step in on_performance), plan


def test_school_page_states_strengths_and_needs_in_plain_sentences(client, small_country, reader):
    need = (
        Performance.objects.filter(year__isnull=True, flag=Flag.NEED, measure__higher_is_better=True)
        .select_related("school", "measure")
        .first()
    )
    client.force_login(reader)
    body = client.get(need.school.get_absolute_url()).content.decode()
    assert f"{need.measure.name} is reliably below schools with a similar intake" in body
    assert f"domain={need.measure.domain}" in body  # a link to find schools strong in it
    assert "Family of similar schools" in body


def test_school_page_keeps_evidence_for_signed_in_users(client, small_country):
    school = School.objects.filter(performance__isnull=False).first()
    body = client.get(school.get_absolute_url()).content.decode()
    assert "Family of similar schools" not in body and "Sign in" in body


def test_good_practice_lists_reliably_strong_schools_nearest_first(client, small_country, reader):
    strength = Performance.objects.filter(
        year__isnull=True, flag=Flag.STRENGTH, measure__code="ks2_maths_progress"
    ).first()
    start = School.objects.filter(phase="primary").exclude(pk=strength.school_id).first()
    client.force_login(reader)
    response = client.get("/evidence/good-practice/", {"domain": "maths", "school": start.registry_id})
    rows = response.context["results"]
    assert rows, "there is at least one reliable strength in maths"
    assert all(r.evidence.flag == Flag.STRENGTH and r.evidence.measure.domain == "maths" for r in rows)
    distances = [r.distance_km for r in rows]
    assert distances == sorted(distances)
    assert start not in [r.school for r in rows]


def test_good_practice_filters_by_distance_and_other_authority(client, small_country, reader):
    start = School.objects.filter(phase="primary").first()
    client.force_login(reader)
    near = client.get(
        "/evidence/good-practice/", {"domain": "maths", "school": start.registry_id, "max_km": "20"}
    )
    assert all(r.distance_km <= 20 for r in near.context["results"])
    other = client.get(
        "/evidence/good-practice/", {"domain": "maths", "school": start.registry_id, "other_authority": "on"}
    )
    assert all(r.school.local_authority_id != start.local_authority_id for r in other.context["results"])


def test_good_practice_from_a_school_with_a_latitude_but_no_longitude_orders_by_strength(
    client, small_country, reader
):
    # The admin lets someone clear one coordinate of a school; the finder then has no place to start from.
    start = School.objects.filter(phase="primary", latitude__isnull=False).first()
    School.objects.filter(pk=start.pk).update(longitude=None)
    client.force_login(reader)
    response = client.get("/evidence/good-practice/", {"domain": "maths", "school": start.registry_id})
    assert response.status_code == 200
    rows = response.context["results"]
    assert rows and all(r.distance_km is None for r in rows)
    assert [r.evidence.z for r in rows] == sorted((r.evidence.z for r in rows), reverse=True)


def test_good_practice_says_clearly_when_the_starting_school_is_unknown(client, small_country, reader):
    client.force_login(reader)
    response = client.get("/evidence/good-practice/", {"domain": "maths", "school": "nope"})
    assert response.status_code == 200
    assert "No school has the registry id nope" in response.content.decode()
    assert response.context["results"] is None


def test_school_page_with_evidence_uses_a_bounded_number_of_queries(
    client, small_country, reader, django_assert_max_num_queries
):
    school = School.objects.filter(performance__isnull=False, family_members__isnull=False).first()
    client.force_login(reader)
    # + the navigation's leader link (21.5), unread count (21.11), is_partner_only (23.4)
    with django_assert_max_num_queries(23):
        response = client.get(school.get_absolute_url())
    assert response.status_code == 200


def test_good_practice_page_uses_a_bounded_number_of_queries(
    client, small_country, reader, django_assert_max_num_queries
):
    start = School.objects.filter(phase="primary").first()
    client.force_login(reader)
    # 12, and two for the listed helpers' capacities (their own word; partnerships they support now)
    # + the navigation's leader link (21.5), unread count (21.11), is_partner_only (23.4)
    with django_assert_max_num_queries(17):
        client.get("/evidence/good-practice/", {"domain": "maths", "school": start.registry_id})


def test_good_practice_shows_categories_only_where_the_reader_may_see_them(
    client, small_country, reader, settings
):
    strength = Performance.objects.filter(
        year__isnull=True, flag=Flag.STRENGTH, measure__code="ks2_maths_progress"
    ).first()
    start = School.objects.filter(phase="primary").exclude(pk=strength.school_id).first()
    client.force_login(reader)
    query = {"domain": "maths", "school": start.registry_id, "categories": "all"}
    hidden = client.get("/evidence/good-practice/", query).content.decode()
    assert "not shown" in hidden and 'class="tag cat-' not in hidden
    settings.SUPPORT_CATEGORIES_VISIBLE_TO = "signed_in"
    shown = client.get("/evidence/good-practice/", query).content.decode()
    assert "not shown" not in shown and 'class="tag cat-' in shown


def test_a_school_with_two_needs_in_one_domain_gets_one_finder_link_for_it(client, small_country, reader):
    """Absence and persistent absence are both "attendance": one "Find schools nearby…" link (issue 21.17)."""
    from django.db.models import Count

    from kindred.evidence.models import Performance

    row = (
        Performance.objects.filter(year__isnull=True, flag="need", measure__domain="attendance")
        .values("school")
        .annotate(n=Count("pk"))
        .filter(n=2)
        .order_by("school")
        .first()
    )
    assert row is not None, "the generated country has a school weak in both attendance measures"
    school = School.objects.get(pk=row["school"])
    client.force_login(reader)
    page = client.get(school.get_absolute_url()).content.decode()
    assert page.count("Overall absence (%) is reliably higher (worse)") == 1
    assert page.count("Persistent absentees (%) is reliably higher (worse)") == 1
    assert page.count("?domain=attendance&amp;school=") == 1


def test_a_difference_is_in_points_not_the_measure_name_twice():
    """ "EBacc average point score points" said the unit twice (issue 21.17)."""
    from kindred.evidence.templatetags.evidence_format import difference_unit
    from kindred.schools.models import MeasureDefinition

    ebacc = MeasureDefinition(code="ks4_ebacc_aps", name="EBacc average point score", unit="score")
    assert difference_unit(ebacc) == "points"
    assert (
        difference_unit(MeasureDefinition(code="x", name="Share", unit="percent_pupils"))
        == "percentage points"
    )
