"""The proof of issue 23 item 1, at small scale: a generated installation with three countries
(England, Wales, Egypt) in one database computes, for each country, exactly the evidence the same
country gets generated alone (families, relative performance with its model, categories), bit for bit.
benchmarks/three_countries.py runs the same comparison at national scale."""

import pytest
from django.core.management import call_command

from kindred.accounts.generation import country_make, country_write
from kindred.accounts.models import User
from kindred.evidence.models import EvidenceRun
from kindred.evidence.selectors import country_evidence
from kindred.evidence.services import evidence_recompute, performance_recompute, recompute_countries
from kindred.schools.models import LocalAuthority, Region, School

pytestmark = pytest.mark.django_db

# (profile code, schools, seed, first registry id): small, but enough for every country's evidence to be
# estimated and published
COUNTRIES = (("eng", 400, 11, 9_000_000), ("wls", 250, 12, 9_100_000), ("eg", 300, 13, 9_200_000))


def generate(places: str, n: int, seed: int, first: int) -> None:
    country = country_make(
        n_schools=n, seed=seed, years=[2021, 2022, 2023], n_teachers=n, places=places, registry_from=first
    )
    country_write(country=country)


def emptied() -> None:
    School.objects.all().delete()
    LocalAuthority.objects.all().delete()
    Region.objects.all().delete()
    User.objects.all().delete()
    EvidenceRun.objects.all().delete()


def test_each_country_in_a_three_country_installation_has_the_evidence_it_has_alone(settings):
    alone = {}
    for code, n, seed, first in COUNTRIES:
        settings.COUNTRY, settings.COUNTRIES = code, []
        generate(code, n, seed, first)
        outcome = evidence_recompute()
        assert outcome["published"] and "countries" not in outcome  # one country: as it always was
        alone[code] = country_evidence(code)
        emptied()

    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls", "eg"]
    for code, n, seed, first in COUNTRIES:
        generate(code, n, seed, first)
    assert recompute_countries() == ["eng", "wls", "eg"]
    messages = []
    outcome = evidence_recompute(progress=lambda done, total, message: messages.append(message))
    assert outcome["published"] and set(outcome["countries"]) == {"eng", "wls", "eg"}
    assert outcome["summary"]["schools"] == 950
    assert any(message.startswith("wls: ") for message in messages)

    for code, n, _seed, _first in COUNTRIES:
        together = country_evidence(code)
        assert len(together["families"]) + len(together["gaps"]) == n
        assert together["performance"] and together["fits"] and together["categories"]
        # every family member of a school is in the school's own country
        members = {member for family in together["families"].values() for member, _d in family}
        assert members <= set(School.objects.filter(country_code=code).values_list("registry_id", flat=True))
        for part in ("families", "gaps", "performance", "fits", "categories", "runs"):
            assert together[part] == alone[code][part], f"{code}: {part} differ"


def test_each_country_has_its_own_current_runs_and_a_recompute_of_one_keeps_the_others(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["eg"]
    generate("eng", 200, 3, 9_000_000)
    generate("eg", 200, 4, 9_200_000)
    call_command("families", "--no-fit", verbosity=0)
    current = EvidenceRun.objects.filter(status=EvidenceRun.Status.CURRENT)
    assert sorted(current.values_list("kind", "country_code")) == [("families", "eg"), ("families", "eng")]
    call_command("performance", verbosity=0)
    assert current.filter(kind="performance").count() == 2
    first = set(current.values_list("pk", flat=True))
    call_command("families", "--no-fit", verbosity=0)  # each country's new run replaces its own old one
    assert current.count() == 4 and EvidenceRun.objects.count() == 4
    assert set(current.filter(kind="performance").values_list("pk", flat=True)) <= first
    run = current.get(kind="families", country_code="eg")
    assert run.summary["country"] == "eg" and run.summary["summary"]["schools"] == 200
    egypt = School.objects.filter(country_code="eg").first()
    assert not egypt.family_members.exclude(member__country_code="eg").exists()


def test_the_model_page_shows_one_country_at_a_time(settings, client, django_user_model):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls"]
    generate("eng", 200, 3, 9_000_000)
    generate("wls", 200, 4, 9_100_000)
    evidence_recompute()
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    page = client.get("/evidence/model/")
    assert page.status_code == 200 and page.context["country"] == "eng"
    assert 'href="?country=wls"' in page.content.decode()
    wales = client.get("/evidence/model/?country=wls")
    assert wales.context["country"] == "wls"
    assert {f.run.country_code for m in wales.context["measures"] for f in m.fits} == {"wls"}


def test_a_countrys_unpublished_recompute_is_judged_and_shown_under_that_country_only(
    settings, client, django_user_model
):
    # England's results are published; Wales's five schools are too few to estimate anything, so its run
    # is kept off the pages. The model page must say so under Wales, never on England's page, even when
    # Wales has no other run (relative performance recomputed alone: `kindred performance`).
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls"]
    generate("eng", 200, 3, 9_000_000)
    generate("wls", 5, 4, 9_100_000)
    outcome = performance_recompute()
    assert outcome["countries"]["eng"]["published"] and not outcome["countries"]["wls"]["published"]
    wales_run = EvidenceRun.objects.get(kind="performance", country_code="wls")
    assert wales_run.status == EvidenceRun.Status.FAILED and wales_run.summary["summary"]["schools"] == 5
    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    client.force_login(admin)
    england = client.get("/evidence/model/")
    assert england.context["country"] == "eng" and england.context["unpublished"] is None
    assert "The latest recompute was not published" not in england.content.decode()
    assert england.context["runs"]["performance"].checks["passed"]
    assert 'href="?country=wls"' in england.content.decode()
    wales = client.get("/evidence/model/?country=wls")
    assert wales.context["country"] == "wls" and wales.context["unpublished"] == wales_run
    assert "performance" not in wales.context["runs"]
    assert "The latest recompute was not published" in wales.content.decode()
    assert "No results are published yet." in wales.content.decode()
