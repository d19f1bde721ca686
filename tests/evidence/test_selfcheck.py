"""The planted-truth self-check: run by a command or a site admin's background job, stored, shown on the
model page; the planted country lives in memory only."""

import functools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kindred.accounts.models import RegionalRole
from kindred.audit.models import AuditEvent
from kindred.core.models import Job
from kindred.evidence import tasks
from kindred.evidence.models import SelfCheck
from kindred.evidence.services import selfcheck_run
from kindred.schools.models import MeasureDefinition, Region, School, SchoolMeasure
from kindred.schools.services import standard_measures_ensure

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(django_user_model):
    user = django_user_model.objects.create_user(email="leader@example.org", password="x")
    region = Region.objects.create(code="R1", name="North")
    RegionalRole.objects.create(user=user, region=region)
    return user


def run_command(*args: str) -> int:
    """Exit status of `kindred selfcheck` with these arguments (0, or a CommandError's)."""
    try:
        call_command("selfcheck", *args, verbosity=0)
    except CommandError as error:
        return error.returncode
    return 0


def test_the_command_stores_coverage_rmse_and_flags_and_adds_nothing_to_the_registry():
    standard_measures_ensure()
    status = run_command("--schools", "200", "--years", "2", "--seed", "4")
    check = SelfCheck.objects.get()
    assert (check.schools, check.seed, check.years) == (200, 4, [2022, 2023])
    assert status == (0 if check.passed else 2)
    coverage = check.results["coverage"]
    for which in ("yearly", "pooled"):
        assert 0.5 < coverage[which]["overall"]["share"] <= 1.0
        assert coverage[which]["overall"]["count"] > 200
        assert set(coverage[which]["bands"]) == {"<15", "15-30", "30-60", "60+"}
        assert "primary" in coverage[which]["phases"]
        assert check.results["rmse"][which]["shrunk"] < check.results["rmse"][which]["raw"]
    assert 0 <= check.results["flags"]["strengths_true"] <= 1
    # Progress 8's SD is declared by the catalogue; the others are estimated, from the two years
    assert "ks4_progress8" not in check.results["pupil_sd"]
    assert check.results["pupil_sd"]["ks2_reading_progress"]["method"] == "year-to-year"
    assert check.seconds > 0 and check.finished_at >= check.started_at
    assert not School.objects.exists() and not SchoolMeasure.objects.exists()
    assert AuditEvent.objects.filter(action="evidence.self_checked").exists()


def test_a_missed_target_is_stored_and_the_command_exits_with_status_2():
    # an administrator declares KS2 reading's pupil SD as a third of the planted 6.0: its intervals are
    # far too narrow, and the planted self-check, which uses the live declarations, says so
    standard_measures_ensure()
    MeasureDefinition.objects.filter(code="ks2_reading_progress").update(pupil_sd=2.0)
    assert run_command("--schools", "600", "--years", "2") == 2
    check = SelfCheck.objects.get()
    assert not check.passed and any("coverage" in failure for failure in check.results["failures"])


def test_bad_arguments_are_refused_and_nothing_is_stored():
    assert run_command("--years", "0") == 1
    assert run_command("--schools", "10") == 1
    assert not SelfCheck.objects.exists()


def test_the_model_page_says_how_to_run_the_self_check_before_there_is_one(client, leader):
    client.force_login(leader)
    page = client.get("/evidence/model/").content.decode()
    assert "No self-check has been run yet" in page and "kindred selfcheck" in page
    assert "/evidence/model/selfcheck/" not in page  # the button is the site admin's


def test_the_model_page_shows_the_latest_self_check(client, leader):
    standard_measures_ensure()
    SelfCheck.objects.create(  # an older one, not shown
        started_at="2020-01-01T00:00Z",
        finished_at="2020-01-01T00:01Z",
        seconds=60,
        schools=99,
        seed=1,
        years=[2019],
        passed=True,
        results={},
    )
    latest = selfcheck_run(n_schools=250, seed=5, years=(2023,))
    client.force_login(leader)
    response = client.get("/evidence/model/")
    page = response.content.decode()
    assert "Self-check against a planted truth" in page
    assert "250 schools with results from 2023/24 to 2023/24" in page and "99 schools" not in page
    share = latest.results["coverage"]["pooled"]["overall"]["share"]
    assert f"{100 * share:.1f}%" in page
    assert "cohort under 15" in page and "Primary" in page
    assert ("Every target met." in page) == latest.passed


def test_a_site_admin_runs_the_self_check_as_a_background_job(
    client, django_user_model, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(
        tasks, "selfcheck_run", functools.partial(selfcheck_run, n_schools=150, years=(2023,))
    )
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    assert "/evidence/model/selfcheck/" in client.get("/evidence/model/").content.decode()
    response = client.post("/evidence/model/selfcheck/")
    job = Job.objects.get(kind=Job.Kind.SELFCHECK)
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == Job.Status.SUCCEEDED
    check = SelfCheck.objects.get()
    assert check.by == admin and job.outcome["summary"]["schools"] == 150


def test_only_a_site_admin_may_start_the_self_check(client, leader):
    client.force_login(leader)
    assert client.post("/evidence/model/selfcheck/").status_code == 403
    assert not Job.objects.exists()
