import csv

import pytest
from django.core.management import call_command

from kindred.core.models import Job
from kindred.evidence.models import FamilyMember, Flag, Performance, SupportCategory
from kindred.evidence.services import categories_import, families_recompute, performance_recompute
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


def test_every_school_gets_a_family_of_k_from_its_own_phase(small_country):
    schools = School.objects.exclude(status=School.Status.CLOSED)
    members = FamilyMember.objects.select_related("school", "member")
    assert members.exists()
    assert all(m.school.phase == m.member.phase for m in members)
    primary = schools.filter(phase=School.Phase.PRIMARY).first()
    ranks = list(FamilyMember.objects.filter(school=primary).values_list("rank", flat=True))
    assert ranks == list(range(1, 21))
    distances = list(FamilyMember.objects.filter(school=primary).values_list("distance", flat=True))
    assert distances == sorted(distances)


def test_recomputing_replaces_rather_than_adds(small_country):
    before = FamilyMember.objects.count(), Performance.objects.count(), SupportCategory.objects.count()
    families_recompute(fit=False)
    performance_recompute()
    assert (
        FamilyMember.objects.count(),
        Performance.objects.count(),
        SupportCategory.objects.count(),
    ) == before


def test_performance_has_yearly_and_pooled_rows_with_ordered_intervals(small_country):
    yearly = Performance.objects.filter(year__isnull=False)
    pooled = Performance.objects.filter(year__isnull=True)
    assert yearly.exists() and pooled.exists()
    assert not Performance.objects.filter(lower__gt=models_F("upper")).exists()
    for row in pooled.exclude(flag=Flag.NONE)[:50]:
        excludes_zero = row.lower > 0 or row.upper < 0
        assert excludes_zero, "a strength or need must have an interval that excludes zero"
    for row in pooled.filter(flag=Flag.NONE)[:50]:
        assert row.lower <= 0 <= row.upper


def models_F(name):
    from django.db.models import F

    return F(name)


def test_strength_respects_lower_is_better_measures(small_country):
    absence = Performance.objects.filter(year__isnull=True, measure__code="absence_pct", flag=Flag.STRENGTH)
    assert absence.exists()
    assert all(row.upper < 0 for row in absence), "lower absence than expected is the strength"


def test_every_school_with_results_gets_a_derived_category(small_country):
    with_results = Performance.objects.filter(year__isnull=True).values("school").distinct().count()
    assert SupportCategory.objects.filter(source=SupportCategory.Source.DERIVED).count() == with_results
    assert set(SupportCategory.objects.values_list("category", flat=True)) <= {
        "green",
        "yellow",
        "amber",
        "red",
    }


def test_an_imported_category_survives_a_recompute(small_country):
    school = School.objects.filter(performance__isnull=False).first()
    categories_import(published={school.registry_id: "Red", "no-such-school": "green"})
    performance_recompute()
    category = SupportCategory.objects.get(school=school)
    assert (category.category, category.source) == ("red", "imported")


def test_a_bad_published_category_stores_nothing(small_country):
    school = School.objects.filter(performance__isnull=False).first()
    before = list(SupportCategory.objects.order_by("pk").values_list("school", "category", "source"))
    with pytest.raises(ValueError, match="not a support category"):
        categories_import(published={school.registry_id: "purple"})
    assert list(SupportCategory.objects.order_by("pk").values_list("school", "category", "source")) == before


def test_commands_export_the_documented_columns(small_country, tmp_path):
    call_command("families", "--no-fit", "--k", "5", "--export", str(tmp_path / "f.csv"), verbosity=0)
    call_command("performance", "--export", str(tmp_path / "p.csv"), verbosity=0)
    with (tmp_path / "f.csv").open() as stream:
        families = list(csv.DictReader(stream))
    assert list(families[0]) == ["school_id", "similar_school_id", "rank", "distance"]
    assert {row["rank"] for row in families} == {"1", "2", "3", "4", "5"}
    with (tmp_path / "p.csv").open() as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == [
        "school_id",
        "measure",
        "year",
        "value",
        "expected",
        "estimate",
        "lower",
        "upper",
        "flag",
    ]
    assert {row["flag"] for row in rows} <= {"strength", "need", ""}
    assert any(row["year"] == "" for row in rows) and any(row["year"] == "2023" for row in rows)


def test_recompute_job_runs_in_the_background_and_records_its_summary(
    small_country, client, django_user_model, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    response = client.post("/evidence/recompute/")
    job = Job.objects.get(kind=Job.Kind.RECOMPUTE)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED
    assert job.outcome["summary"]["schools"] == School.objects.exclude(status=School.Status.CLOSED).count()


def test_recompute_is_for_site_administrators_only(small_country, client, django_user_model):
    teacher = django_user_model.objects.create_user(email="t@example.org", password="x")
    client.force_login(teacher)
    client.post("/evidence/recompute/")
    assert not Job.objects.exists()


def test_categories_command_imports_a_published_file_and_rejects_a_bad_one(small_country, tmp_path):
    from django.core.management.base import CommandError

    school = School.objects.filter(performance__isnull=False).first()
    good = tmp_path / "published.csv"
    good.write_text(f"school_id,category\n{school.registry_id},amber\n", encoding="utf-8")
    call_command("categories", str(good), verbosity=0)
    assert SupportCategory.objects.get(school=school).source == "imported"
    bad = tmp_path / "bad.csv"
    bad.write_text("urn,rating\n1,red\n", encoding="utf-8")
    with pytest.raises(CommandError, match="school_id and category"):
        call_command("categories", str(bad), verbosity=0)


def test_ratings_are_shown_but_not_estimated(small_country):
    from kindred.schools.models import MeasureDefinition, SchoolMeasure
    from kindred.schools.services import standard_measures_ensure

    rating = standard_measures_ensure(["inspection_rating"])["inspection_rating"]
    assert rating.unit == MeasureDefinition.Unit.RATING
    schools = list(School.objects.all()[:50])
    SchoolMeasure.objects.bulk_create(
        SchoolMeasure(school=s, measure=rating, year=2023, value=1 + i % 4, cohort=None)
        for i, s in enumerate(schools)
    )
    performance_recompute()
    assert not Performance.objects.filter(measure=rating).exists()


def test_schools_without_any_published_intake_get_no_estimate(small_country):
    from kindred.schools.models import SchoolMeasure

    school = School.objects.filter(performance__isnull=False).first()
    SchoolMeasure.objects.filter(school=school, measure__kind="context").delete()
    performance_recompute()
    assert not Performance.objects.filter(school=school).exists()
    assert not SupportCategory.objects.filter(school=school).exists()
