"""Evidence v2 in the app: runs, the declared model, the model and methods pages, a leader's dashboard."""

import re

import pytest
from django.core.management import call_command

from kindred.accounts.models import RegionalRole
from kindred.evidence.models import (
    EvidenceRun,
    FamilyGap,
    FamilyMember,
    Flag,
    MeasureFit,
    Performance,
    SupportCategory,
)
from kindred.evidence.services import _run_start, performance_recompute
from kindred.schools.models import MeasureDefinition, Region, School, SchoolMeasure
from kindred.schools.services import standard_measures_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(django_user_model, small_country):
    user = django_user_model.objects.create_user(email="leader@example.org", password="x")
    region = Region.objects.order_by("code").first()
    RegionalRole.objects.create(user=user, region=region)
    return user


def test_a_recompute_leaves_exactly_one_run_of_each_kind_and_no_rows_of_old_runs(small_country):
    performance_recompute()
    runs = EvidenceRun.objects.all()
    assert sorted(runs.values_list("kind", "status")) == [("families", "current"), ("performance", "current")]
    current = set(runs.values_list("pk", flat=True))
    assert set(Performance.all_runs.values_list("run_id", flat=True).distinct()) <= current
    assert set(FamilyMember.all_runs.values_list("run_id", flat=True).distinct()) <= current


def test_pages_read_the_current_run_while_a_new_one_is_being_written(small_country):
    shown = Performance.objects.count()
    building = _run_start(EvidenceRun.Kind.PERFORMANCE)
    row = Performance.objects.first()
    row.pk, row.run = None, building
    row.save()
    assert Performance.objects.count() == shown  # the half-written run is invisible
    assert Performance.all_runs.filter(run=building).count() == 1
    performance_recompute()
    assert not EvidenceRun.objects.filter(pk=building.pk).exists()  # and dropped with the old runs


def test_the_recompute_is_audited(small_country):
    from kindred.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="evidence.performance_recomputed").exists()
    assert AuditEvent.objects.filter(action="evidence.families_recomputed").exists()


def test_a_declared_pupil_sd_is_used_and_an_undeclared_one_is_estimated_and_said_to_be(small_country):
    MeasureDefinition.objects.filter(code="ks4_progress8").update(pupil_sd=1.25)
    MeasureDefinition.objects.filter(code="ks4_attainment8").update(pupil_sd=None)
    performance_recompute()
    progress8 = MeasureFit.objects.filter(measure__code="ks4_progress8", year__isnull=False)
    assert {(f.pupil_sd, f.pupil_sd_method) for f in progress8} == {(1.25, "declared")}
    attainment8 = MeasureFit.objects.filter(measure__code="ks4_attainment8", year__isnull=False)
    assert {f.pupil_sd_method for f in attainment8} == {"year-to-year"}


def test_values_outside_the_valid_range_are_refused_and_counted_on_the_model(small_country):
    absence = SchoolMeasure.objects.filter(measure__code="absence_pct", year=2023, value__isnull=False)
    bad = list(absence.values_list("pk", flat=True)[:3])
    SchoolMeasure.objects.filter(pk__in=bad).update(value=8028.0)
    outcome = performance_recompute()
    fit = MeasureFit.objects.get(measure__code="absence_pct", year=2023)
    assert fit.refused == 3
    assert outcome["summary"]["values refused"] == 3
    refused_schools = SchoolMeasure.objects.filter(pk__in=bad).values_list("school_id", flat=True)
    assert not Performance.objects.filter(
        measure__code="absence_pct", year=2023, school_id__in=refused_schools
    ).exists()


def test_every_outcome_measure_with_a_year_has_pooled_rows(small_country):
    yearly = set(Performance.objects.filter(year__isnull=False).values_list("measure_id", flat=True))
    pooled = set(Performance.objects.filter(year__isnull=True).values_list("measure_id", flat=True))
    assert yearly and yearly == pooled


def test_a_school_without_intake_gets_no_family_and_its_page_says_why(client, small_country, leader):
    school = School.objects.filter(phase="primary").first()
    SchoolMeasure.objects.filter(school=school, measure__kind=MeasureDefinition.Kind.CONTEXT).delete()
    call_command("families", "--no-fit", verbosity=0)
    assert FamilyGap.objects.get(school=school).reason == FamilyGap.Reason.NO_INTAKE
    assert not FamilyMember.objects.filter(school=school).exists()
    assert not FamilyMember.objects.filter(member=school).exists()
    client.force_login(leader)
    page = client.get(school.get_absolute_url()).content.decode()
    assert "No intake context was published for this school" in page


def test_a_measure_published_without_cohorts_says_so_beside_its_results(small_country):
    SchoolMeasure.objects.filter(measure__code="absence_pct").update(cohort=None)
    performance_recompute()
    rows = Performance.objects.filter(measure__code="absence_pct")
    assert rows.exists() and not rows.filter(cohort_estimated=False).exists()
    assert MeasureFit.objects.get(measure__code="absence_pct", year=2023).cohort_estimated > 0


def test_selective_context_is_used_when_a_country_publishes_it(small_country):
    standard_measures_ensure(["selective"])
    selective = MeasureDefinition.objects.get(code="selective")
    secondaries = School.objects.filter(phase="secondary")
    SchoolMeasure.objects.bulk_create(
        [
            SchoolMeasure(school=s, measure=selective, year=2023, value=float(i % 10 == 0))
            for i, s in enumerate(secondaries)
        ]
    )
    performance_recompute()
    fit = MeasureFit.objects.get(measure__code="ks4_progress8", year=2023)
    assert "selective" in fit.predictors


def test_declared_predictors_choose_the_context_of_a_measure(small_country):
    MeasureDefinition.objects.filter(code="ks2_reading_progress").update(predictors=["fsm_pct", "eal_pct"])
    performance_recompute()
    fit = MeasureFit.objects.get(measure__code="ks2_reading_progress", year=2023)
    assert fit.predictors == ["fsm_pct", "eal_pct"]


def test_the_model_page_shows_each_measure_and_year_to_a_system_leader(client, leader):
    client.force_login(leader)
    response = client.get("/evidence/model/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Progress 8" in page and "2022/23" in page and "Out-of-sample R²" in page
    assert "declared" in page and "Self-check" in page


def test_the_model_page_is_hidden_from_a_teacher(client, django_user_model, small_country):
    client.force_login(django_user_model.objects.create_user(email="t@example.org", password="x"))
    assert client.get("/evidence/model/").status_code == 404


def test_the_dashboard_links_to_the_methods_page_and_defines_the_categories(client, leader):
    client.force_login(leader)
    page = client.get("/evidence/dashboard/").content.decode()
    assert "/evidence/methods/#categories" in page and "(see Methods)" not in page
    assert "Two or more serious needs" in page
    assert client.get("/evidence/methods/").status_code == 200


def test_paging_and_sorting_links_keep_the_leaders_region(client, leader):
    region = leader.regional_roles.get().region
    client.force_login(leader)
    page = client.get("/evidence/dashboard/").content.decode()
    links = re.findall(r'href="\?([^"]*sort=[^"]*)"', page)
    assert links and all(f"region={region.pk}" in link.replace("&amp;", "&") for link in links)
    sorted_page = client.get("/evidence/dashboard/", {"region": region.pk, "sort": "-pupils", "page": 1})
    assert {s.region_id for s in sorted_page.context["page_obj"]} == {region.pk}


def test_the_list_is_sorted_by_severity_by_default_and_shows_needs(client, leader):
    client.force_login(leader)
    response = client.get("/evidence/dashboard/", {"region": ""})
    listed = list(response.context["page_obj"])
    order = {"red": 0, "amber": 1, "yellow": 2, "green": 3}
    ranks = [order.get(getattr(getattr(s, "support_category", None), "category", None), 4) for s in listed]
    assert ranks == sorted(ranks)
    assert SupportCategory.objects.filter(category="red").exists()
    red = [s for s in listed if s.severity == 0]
    counts = [s.need_count for s in red]
    assert counts == sorted(counts, reverse=True)
    with_needs = [s for s in listed if s.needs_listed]
    assert with_needs
    page = response.content.decode()
    assert with_needs[0].needs_listed[0].measure.name in page
    assert Performance.objects.filter(flag=Flag.NEED, year__isnull=True).exists()


def test_estimates_carry_their_unit_and_years_are_written_one_way(client, leader):
    school = School.objects.filter(phase="secondary", performance__isnull=False).first()
    client.force_login(leader)
    page = client.get(school.get_absolute_url()).content.decode()
    assert "<small>points</small>" in page or "<small>percentage points</small>" in page
    assert "Progress 8 points" not in page  # the measure's name is beside it already (issue 21.17)
    assert "2021/22" in page and "better →" in page


def test_the_model_page_uses_a_bounded_number_of_queries(client, leader, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        assert client.get("/evidence/model/").status_code == 200
