"""One year of results and no declared pupil SD: estimated robustly, and every page showing the result says so."""

import pytest
from django.core.management import call_command

from kindred.accounts.generation import country_generate
from kindred.evidence.models import MeasureFit, Performance

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_year_country(db):
    country_generate(n_schools=300, seed=11, years=[2023], n_teachers=600)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser(email="admin@example.org", password="x")


def test_an_undeclared_pupil_sd_with_one_year_is_estimated_from_the_spread_by_cohort(one_year_country):
    fits = MeasureFit.objects.filter(measure__code="ks2_reading_progress")
    assert {f.pupil_sd_method for f in fits} == {"cohort spread"}
    # with the range of SDs the year allows, stored for the model page
    assert all(f.pupil_sd_low is not None and f.pupil_sd_low <= f.pupil_sd <= f.pupil_sd_high for f in fits)
    declared = MeasureFit.objects.filter(measure__code="ks4_progress8")
    assert {f.pupil_sd_method for f in declared} == {"declared"}
    shares = MeasureFit.objects.filter(measure__code="ks4_basics_pct")
    assert {f.pupil_sd_method for f in shares} == {"unit"}


def test_the_model_page_says_the_pupil_sd_came_from_one_year(client, one_year_country, admin):
    client.force_login(admin)
    page = client.get("/evidence/model/").content.decode()
    assert "estimated from one year&#x27;s spread by cohort size" in page or (
        "estimated from one year's spread by cohort size" in page
    )


def test_a_measure_whose_one_year_cannot_tell_luck_from_real_differences_gives_no_verdicts_and_says_why(
    client, one_year_country, admin
):
    fit = MeasureFit.objects.get(measure__code="ks2_reading_progress", year__isnull=True)
    assert fit.status == MeasureFit.Status.WITHHELD and fit.reason == "noise_unidentified"
    assert fit.strengths == fit.needs == 0
    assert not Performance.objects.filter(measure=fit.measure).exclude(flag="").exists()
    client.force_login(admin)
    page = client.get("/evidence/model/").content.decode()
    assert "No strengths or needs from this measure" in page
    assert "One year cannot tell luck from real differences between schools here" in page


def test_the_school_page_says_beside_the_result_that_its_interval_rests_on_one_year(
    client, one_year_country, admin
):
    row = Performance.objects.filter(measure__code="ks2_reading_progress", year__isnull=True).first()
    client.force_login(admin)
    page = client.get(row.school.get_absolute_url()).content.decode()
    assert "estimated from one year's results alone" in page
    # once per measure whose pupil SD came from one year, and Progress 8 (declared) is not one of them
    one_year = MeasureFit.objects.filter(year__isnull=True, pupil_sd_method="cohort spread")
    shown = Performance.objects.filter(
        school=row.school, year__isnull=True, measure__in=one_year.values("measure")
    )
    assert (
        page.count("estimated from one year&#x27;s results alone")
        + page.count("estimated from one year's results alone")
        == shown.count()
    )
