"""England 2018/19, real files imported as docs/importing.md says, then recomputed as an installation
would: no pupil SD of 0, every percentage's SD within its unit, the self-check passes and the results
are published, and a measure one year cannot size gives no verdicts and says why (issue #19's proof;
the figures are in docs/methods.md). Slow: ten national files. Needs ../shared/data/england-2019."""

from pathlib import Path

import pytest
from django.core.management import call_command

from kindred.evidence.models import EvidenceRun, MeasureFit
from kindred.schools.catalogue import ENGLAND_2019_FILES
from kindred.schools.importing import schools_import

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "england-2019"


@pytest.fixture
def england(db):
    if not DATA.exists():
        pytest.skip("../shared/data/england-2019 is not beside the checkout")
    for mapping, file in ENGLAND_2019_FILES:
        report = schools_import(path=DATA / file, mapping=mapping)
        assert not report.problems, (mapping, report.problems[:3])
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)  # raises (exit 1 or 2) when not published


def test_england_2019_is_published_with_every_sd_possible_and_the_reasons_shown(
    england, client, django_user_model
):
    run = EvidenceRun.objects.get(kind="performance", status="current")
    assert run.checks["passed"] is True
    fits = {f.measure.code: f for f in MeasureFit.objects.filter(year__isnull=True).select_related("measure")}
    for fit in fits.values():
        if fit.status != MeasureFit.Status.SKIPPED:
            assert fit.pupil_sd and fit.pupil_sd > 0, fit.measure.code  # never an SD of 0
        if fit.unit in ("percent", "percent_pupils"):
            assert fit.pupil_sd <= 50, fit.measure.code
    for code in ("ks4_basics_pct", "persistent_absence_pct", "ks4_destination_pct"):
        assert fits[code].pupil_sd_method == "unit"
    # grade 5+ in English and maths: 80-97% of secondaries flagged when its SD came out as 0
    assert 0.1 < fits["ks4_basics_pct"].flagged_share < 0.6
    assert (fits["ks4_progress8"].pupil_sd_method, fits["ks4_progress8"].pupil_sd) == ("declared", 1.28)
    # one year and no declared SD: estimates, no verdicts, and why
    for code in ("ks4_attainment8", "ks2_reading_progress"):
        assert (fits[code].status, fits[code].reason) == ("withheld", "noise_unidentified")
        assert fits[code].strengths == fits[code].needs == 0
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    page = client.get("/evidence/model/").content.decode()
    assert "One year cannot tell luck from real differences between schools here" in page
