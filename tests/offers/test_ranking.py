"""The ranking of suggestions for a request: context similarity counts, and strong schools that made
no offer are suggested under the broker's rules (never red or amber, never weak in the domain)."""

import math

import pytest

from kindred.evidence.models import EvidenceRun, Flag, Performance, SupportCategory
from kindred.offers.selectors import suggestions
from kindred.offers.services import match_propose, offer_create, request_create
from kindred.schools.models import MeasureDefinition, School

pytestmark = pytest.mark.django_db


def _school(region, rid, name, lat, pupils=None):
    return School.objects.create(
        registry_id=rid, name=name, region=region, latitude=lat, longitude=-0.10, pupils=pupils
    )


def test_of_two_offers_alike_in_all_else_the_school_with_the_similar_intake_ranks_first(region_a, site_admin):
    """Worked by hand. The region's only context is the number of pupils (log(1 + pupils)): the
    asking school and "Alike" have 200, "Unlike" 800. Standardised over the three (mean and SD of
    a, a, b): the asking school sits at −1/√2, Alike at −1/√2, Unlike at +√2, so Unlike is
    3/√2 ≈ 2.121 away and Alike 0. Both are 2.2 km away (north and south on one meridian), with no
    evidence and no authority, so their costs differ by the context weight (0.5) × 2.121 = 1.061."""
    asking = _school(region_a, "1", "Asking", 51.50, pupils=200)
    unlike = _school(region_a, "2", "Unlike", 51.52, pupils=800)
    alike = _school(region_a, "3", "Alike", 51.48, pupils=200)
    for school in (unlike, alike):
        offer_create(school=school, domain="reading", format="visit", by=site_admin)
    support = request_create(school=asking, domain="reading", needs="Phonics", by=site_admin)
    first, second = suggestions(support)
    assert (first.school, second.school) == (alike, unlike)
    assert first.ranked.context_distance == pytest.approx(0.0)
    assert second.ranked.context_distance == pytest.approx(3 / math.sqrt(2))
    assert second.ranked.cost - first.ranked.cost == pytest.approx(0.5 * 3 / math.sqrt(2), abs=0.002)
    assert first.ranked.similar_context and not second.ranked.similar_context  # 2.121 > 1.5


def test_without_any_context_the_ranking_is_as_before(region_a, site_admin):
    asking = _school(region_a, "1", "Asking", 51.50)
    near, far = _school(region_a, "2", "Near", 51.51), _school(region_a, "3", "Far", 51.60)
    for school in (far, near):
        offer_create(school=school, domain="reading", format="visit", by=site_admin)
    support = request_create(school=asking, domain="reading", needs="Phonics", by=site_admin)
    ranked = suggestions(support)
    assert [s.school for s in ranked] == [near, far]
    assert [s.ranked.context_distance for s in ranked] == [0.0, 0.0]
    assert not any(s.ranked.similar_context for s in ranked)


@pytest.fixture
def evidence(region_a, region_b):
    """Schools of region A with pooled reading evidence, and one strong school in region B."""
    run = EvidenceRun.objects.create(kind=EvidenceRun.Kind.PERFORMANCE, status=EvidenceRun.Status.CURRENT)
    reading = MeasureDefinition.objects.create(code="read", name="Reading", domain="reading", kind="outcome")
    writing = MeasureDefinition.objects.create(
        code="read_fluency", name="Fluency", domain="reading", kind="outcome"
    )
    maths = MeasureDefinition.objects.create(code="maths", name="Maths", domain="maths", kind="outcome")

    def flag(school, measure, kind, z):
        Performance.objects.create(
            run=run,
            school=school,
            measure=measure,
            year=None,
            value=0,
            expected=0,
            effect=0,
            estimate=z,
            lower=z - 1.96,  # an interval never has width zero (evidence.Performance's constraint)
            upper=z + 1.96,
            z=z,
            flag=kind,
        )

    schools = {
        "asking": _school(region_a, "1", "Asking", 51.50),
        "strong": _school(region_a, "2", "Strong", 51.55),
        "stronger_far": _school(region_a, "3", "Stronger far away", 51.90),
        "mixed": _school(region_a, "4", "Strong but weak in fluency", 51.51),
        "red": _school(region_a, "5", "Strong but red", 51.51),
        "amber": _school(region_a, "6", "Strong but amber", 51.51),
        "maths": _school(region_a, "7", "Strong in maths only", 51.51),
        "elsewhere": _school(region_b, "8", "Strong in region B", 51.51),
        "offering": _school(region_a, "9", "Offering and strong", 51.52),
    }
    flag(schools["strong"], reading, Flag.STRENGTH, 2.5)
    flag(schools["stronger_far"], reading, Flag.STRENGTH, 3.5)
    flag(schools["mixed"], reading, Flag.STRENGTH, 3.0)
    flag(schools["mixed"], writing, Flag.NEED, -2.5)
    for key, category in (("red", "red"), ("amber", "amber")):
        flag(schools[key], reading, Flag.STRENGTH, 3.0)
        SupportCategory.objects.create(school=schools[key], category=category, source="derived")
    flag(schools["maths"], maths, Flag.STRENGTH, 3.0)
    flag(schools["elsewhere"], reading, Flag.STRENGTH, 3.0)
    flag(schools["offering"], reading, Flag.STRENGTH, 2.0)
    return schools


def test_strong_schools_without_an_offer_are_suggested_under_the_brokers_rules(evidence, site_admin):
    """Costs by hand (strength 1 × (4 − z) + travel 1 × minutes / 30): "Strong" z 2.5, 5.6 km;
    "Stronger far away" z 3.5 but 44.5 km; the offering school z 2.0, 2.2 km. Red, amber, weak in
    the domain, strong in another domain only, and another region's school are never suggested."""
    offer_create(school=evidence["offering"], domain="reading", format="mentoring", by=site_admin)
    support = request_create(school=evidence["asking"], domain="reading", needs="Phonics", by=site_admin)
    ranked = suggestions(support)
    by_name = {s.school.name: s for s in ranked}
    assert set(by_name) == {"Strong", "Stronger far away", "Offering and strong"}
    assert by_name["Offering and strong"].offer is not None
    assert by_name["Strong"].offer is None and by_name["Strong"].ranked.strength_z == pytest.approx(2.5)
    for s in ranked:  # each cost is the broker's: strength, then travel (no context, no authority)
        expected = (4 - s.ranked.strength_z) + s.ranked.minutes / 30
        assert s.ranked.cost == pytest.approx(expected, abs=0.001)
    assert [s.ranked.cost for s in ranked] == sorted(s.ranked.cost for s in ranked)


def test_a_school_without_an_offer_cannot_be_proposed_and_its_page_says_ask_them(
    client, evidence, school_leader_x, site_admin
):
    from kindred.accounts.models import SchoolStaff

    SchoolStaff.objects.create(user=school_leader_x, school=evidence["asking"], role="leader")
    support = request_create(school=evidence["asking"], domain="reading", needs="Phonics", by=site_admin)
    client.force_login(school_leader_x)
    page = client.get(support.get_absolute_url()).content.decode()
    assert "Strong in this domain by the evidence, but has made no offer" in page
    assert f"/schools/{evidence['strong'].registry_id}/" in page
    assert 'name="offer"' not in page  # nothing to propose: no school has offered
    offer = offer_create(school=evidence["offering"], domain="reading", format="visit", by=site_admin)
    assert match_propose(request=support, offer=offer, outcome="partnership", by=site_admin).cost > 0
