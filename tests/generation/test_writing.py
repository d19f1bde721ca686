"""Writing a generated country to the database: right counts, one transaction, refusal on clashes."""

import csv

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from kindred.accounts.generation import country_generate, country_write
from kindred.accounts.models import SchoolStaff, User
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.demo.tasks import generate_country_job
from kindred.engine.generate import CONTEXT_MEASURES, generate_country
from kindred.schools.models import LocalAuthority, Region, School, SchoolMeasure

pytestmark = pytest.mark.django_db

N = 300


@pytest.fixture
def country():
    return generate_country(n_schools=N, seed=21)


def nothing_written() -> bool:
    return not (
        Region.objects.exists()
        or LocalAuthority.objects.exists()
        or SchoolMeasure.objects.exists()
        or User.objects.exists()
        or SchoolStaff.objects.exists()
    )


def test_writing_a_small_country_stores_every_school_measure_and_teacher(country):
    summary = country_write(country=country)
    n_context = sum(int((~np.isnan(v)).sum()) for v in country.context.values())
    n_outcomes = sum(len(o.value) for o in country.outcomes)
    assert School.objects.count() == summary.schools == N
    assert Region.objects.count() == 9
    assert LocalAuthority.objects.count() == len(country.authorities)
    assert SchoolMeasure.objects.count() == summary.measures == n_context + n_outcomes
    assert User.objects.count() == SchoolStaff.objects.count() == country.n_teachers
    assert SchoolStaff.objects.filter(role=SchoolStaff.Role.LEADER).count() == N


def test_every_generated_school_has_one_leader_and_its_share_of_teachers(country):
    country_write(country=country)
    school = School.objects.get(registry_id=country.registry_id[7])
    assert school.staff.filter(role=SchoolStaff.Role.LEADER).count() == 1
    assert school.staff.count() == country.teachers[7]
    assert school.local_authority.region == school.region


def test_schools_keep_the_generated_attributes(country):
    country_write(country=country)
    school = School.objects.select_related("local_authority", "region").get(registry_id="9000010")
    assert school.name == country.name[10] and school.phase == country.phase[10]
    assert school.latitude == pytest.approx(country.latitude[10])
    assert school.urban_rural == ("urban" if country.urban[10] else "rural")
    assert school.local_authority.code == country.local_authority[10]
    assert school.pupils == country.pupils[10]


def test_outcome_values_and_cohorts_match_the_engine(country):
    country_write(country=country)
    series = next(o for o in country.outcomes if o.measure == "absence_pct" and o.year == 2022)
    i = int(np.flatnonzero(~np.isnan(series.value))[3])
    stored = SchoolMeasure.objects.get(
        school__registry_id=country.registry_id[series.school_index[i]],
        measure__code="absence_pct",
        year=2022,
    )
    assert stored.value == pytest.approx(series.value[i]) and stored.cohort == series.cohort[i]


def test_context_is_stored_once_for_the_latest_year(country):
    country_write(country=country)
    context = SchoolMeasure.objects.filter(measure__code__in=CONTEXT_MEASURES)
    assert set(context.values_list("year", flat=True)) == {2023}
    assert context.filter(measure__code="fsm_pct").count() == N


def test_suppressed_value_is_stored_as_suppressed_not_zero():
    country = generate_country(n_schools=N, seed=28)  # a seed with tiny cohorts
    country_write(country=country)
    suppressed = SchoolMeasure.objects.filter(suppressed=True)
    expected = sum(int(np.isnan(o.value).sum()) for o in country.outcomes)
    assert expected > 0
    assert suppressed.count() == expected
    assert not suppressed.filter(value__isnull=False).exists()
    assert not suppressed.filter(cohort__gte=6).exists()


def test_teacher_accounts_cannot_sign_in_with_a_password_until_reset(country):
    country_write(country=country)
    user = User.objects.get(email=f"t000000.{country.registry_id[0]}@teachers.kindred.example")
    assert not user.has_usable_password()
    assert user.full_name == f"{country.teacher_first_name[0]} {country.teacher_last_name[0]}"
    assert user.is_active and not user.is_staff
    assert User.objects.values("password").distinct().count() == country.n_teachers


def test_objects_created_after_generation_get_fresh_ids(country):
    country_write(country=country)
    region = Region.objects.get(code="XR01")
    School.objects.create(registry_id="100001", name="Real School", region=region)
    User.objects.create_user(email="someone@example.org", password="x")
    assert School.objects.count() == N + 1


def test_refuses_when_a_generated_registry_id_exists_and_writes_nothing(country):
    School.objects.create(registry_id="9000123", name="Already here")
    with pytest.raises(ValidationError, match="9000123 is already in the registry"):
        country_write(country=country)
    assert School.objects.count() == 1
    assert nothing_written()


def test_refuses_when_generated_teacher_accounts_exist_and_writes_nothing(country):
    User.objects.create_user(email="t000001.9000000@teachers.kindred.example", password=None)
    with pytest.raises(ValidationError, match="teacher accounts"):
        country_write(country=country)
    assert not School.objects.exists() and User.objects.count() == 1


def test_a_failure_midway_rolls_everything_back(country, monkeypatch):
    import kindred.accounts.generation as generation

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generation, "teachers_write", broken)
    with pytest.raises(RuntimeError):
        country_write(country=country)
    assert not School.objects.exists() and nothing_written()


def test_bad_arguments_are_refused_with_a_clear_error():
    with pytest.raises(ValidationError, match="Every school needs a teacher"):
        country_generate(n_schools=10, seed=1, n_teachers=3)
    assert not School.objects.exists()


def test_generate_command_writes_the_country_and_the_truth_file(tmp_path):
    truth = tmp_path / "truth.csv"
    call_command("generate", schools=120, seed=9, truth=truth, teachers=500, years=[2022, 2023], verbosity=0)
    assert School.objects.count() == 120 and User.objects.count() == 500
    assert set(SchoolMeasure.objects.values_list("year", flat=True)) == {2022, 2023}
    with open(truth, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["school_id"] for r in rows} <= set(School.objects.values_list("registry_id", flat=True))
    assert {r["measure"] for r in rows} >= {"ks2_maths_progress", "absence_pct"}


def test_generate_command_on_a_clash_fails_and_writes_no_truth_file(tmp_path):
    School.objects.create(registry_id="9000000", name="Already here")
    truth = tmp_path / "truth.csv"
    with pytest.raises(CommandError, match="already in the registry"):
        call_command("generate", schools=50, seed=9, truth=truth, verbosity=0)
    assert not truth.exists() and School.objects.count() == 1


def test_generate_command_refuses_a_truth_file_in_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("generate", schools=50, seed=9, truth=tmp_path / "no" / "truth.csv", verbosity=0)
    assert not School.objects.exists()


def test_generation_runs_as_a_background_job_with_progress(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    job = job_create(kind=Job.Kind.GENERATE, label="Generate 80 schools")
    generate_country_job.enqueue(job.pk, 80, 2, [2023])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.outcome["summary"]["schools"] == 80
    assert job.done == job.total > 80
    assert School.objects.count() == 80


def test_authorities_left_by_an_earlier_country_take_the_new_names(country):
    region = Region.objects.create(code="XR09", name="South West")
    LocalAuthority.objects.create(code="X001", name="Old Name Council", region=region)
    country_write(country=country)
    code, name, region_code = country.authorities[0]
    authority = LocalAuthority.objects.get(code=code)
    assert (authority.name, authority.region.code) == (name, region_code)
    assert LocalAuthority.objects.count() == len(country.authorities)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"schools": 0}, "at least one school"),
        ({"schools": 10, "teachers": 5}, "Every school needs a teacher"),
        ({"schools": 10, "years": [23]}, "academic years"),
    ],
)
def test_generate_command_refuses_bad_options_and_writes_nothing(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate", seed=1, verbosity=0, **options)
    assert not School.objects.exists() and nothing_written()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's planner statistics")
def test_the_registrys_tables_have_planner_statistics_once_written(country):
    # Autovacuum may be off or late: without statistics PostgreSQL plans the schools table blind.
    country_write(country=country)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN "
            "('schools_school', 'schools_region', 'schools_localauthority')"
        )
        statistics = dict(cursor.fetchall())
    assert statistics == {
        "schools_school": N,
        "schools_region": 9,
        "schools_localauthority": len(country.authorities),
    }
