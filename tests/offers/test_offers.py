from datetime import date

import pytest
from django.core.exceptions import ValidationError

from kindred.evidence.models import EvidenceRun, Performance
from kindred.frameworks.models import SelfEvalSharing
from kindred.networks.models import Membership, Network
from kindred.offers.models import Offer, SupportRequest
from kindred.offers.selectors import suggestions
from kindred.offers.services import match_accept, match_propose, offer_create, request_create
from kindred.schools.models import MeasureDefinition, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(region_a):
    """A needy school at the origin; a near, a far and a strong school offering reading support."""

    def school(rid, name, lat, lon):
        return School.objects.create(registry_id=rid, name=name, region=region_a, latitude=lat, longitude=lon)

    return {
        "needy": school("1", "Needy", 51.50, -0.10),
        "near": school("2", "Near", 51.52, -0.10),
        "far": school("3", "Far", 52.50, -0.10),
        "strong": school("4", "Strong", 51.60, -0.10),
    }


def test_offers_are_ranked_by_strength_and_distance_with_their_reasons(schools, site_admin):
    measure = MeasureDefinition.objects.create(
        code="ks2_read", name="Reading", domain="reading", kind="outcome"
    )
    run = EvidenceRun.objects.create(kind=EvidenceRun.Kind.PERFORMANCE, status=EvidenceRun.Status.CURRENT)
    Performance.objects.create(
        run=run,
        school=schools["strong"],
        measure=measure,
        year=None,
        value=1,
        expected=0,
        effect=1,
        estimate=1,
        lower=0.5,
        upper=1.5,
        z=2.4,
    )
    for key in ("near", "far", "strong"):
        offer_create(school=schools[key], domain="Reading", format="mentoring", by=site_admin)
    support = request_create(
        school=schools["needy"], domain="reading", needs="Phonics in year 1", by=site_admin
    )
    ranked = suggestions(support)
    assert [s.offer.school.name for s in ranked] == ["Strong", "Near", "Far"]
    assert ranked[0].ranked.strength_z == pytest.approx(2.4)
    # 2.2 km as the crow flies, times the broker's road detour of 1.3.
    assert ranked[1].ranked.distance_km == pytest.approx(2.9, abs=0.1)


def test_a_request_matched_and_accepted_becomes_a_partnership_of_both_schools(schools, site_admin):
    offer = offer_create(school=schools["near"], domain="maths", format="visit", by=site_admin)
    support = request_create(school=schools["needy"], domain="maths", needs="Fractions", by=site_admin)
    match = match_propose(request=support, offer=offer, outcome="partnership", by=site_admin)
    assert match.requester_agreed_at and not match.agreed
    match = match_accept(match=match, by=site_admin)
    assert match.agreed and match.network.kind == Network.Kind.PARTNERSHIP
    assert set(Membership.objects.filter(network=match.network).values_list("school__name", "role")) == {
        ("Near", "mentor"),
        ("Needy", "mentee"),
    }
    assert SupportRequest.objects.get(pk=support.pk).status == "matched"


def test_an_accepted_match_can_become_an_event_hosted_by_the_offering_school(schools, site_admin):
    offer = offer_create(school=schools["near"], domain="maths", format="training", by=site_admin)
    support = request_create(school=schools["needy"], domain="maths", needs="Fractions", by=site_admin)
    match = match_accept(
        match=match_propose(request=support, offer=offer, outcome="event", by=site_admin), by=site_admin
    )
    assert match.event.host_school == schools["near"] and match.event.school == schools["near"]


def test_only_the_schools_leaders_make_offers(school_x, teacher_x):
    with pytest.raises(ValidationError, match="leaders"):
        offer_create(school=school_x, domain="maths", format="visit", by=teacher_x)


def test_a_request_needed_by_a_past_date_is_refused(school_x, school_leader_x):
    with pytest.raises(ValidationError, match="passed"):
        request_create(
            school=school_x, domain="maths", needs="x", by_date=date(2000, 1, 1), by=school_leader_x
        )
    assert not SupportRequest.objects.exists()


def test_an_offer_in_another_domain_cannot_be_proposed(schools, site_admin):
    offer = offer_create(school=schools["near"], domain="science", format="visit", by=site_admin)
    support = request_create(school=schools["needy"], domain="maths", needs="Fractions", by=site_admin)
    with pytest.raises(ValidationError, match="not among the suggestions"):
        match_propose(request=support, offer=offer, outcome="partnership", by=site_admin)


def test_the_offering_school_accepts_through_the_page(client, schools, school_x, school_leader_x, site_admin):
    offer = offer_create(school=school_x, domain="maths", format="visit", by=school_leader_x)
    support = request_create(school=schools["needy"], domain="maths", needs="Fractions", by=site_admin)
    match = match_propose(request=support, offer=offer, outcome="partnership", by=site_admin)
    client.force_login(school_leader_x)
    assert "Fractions" in client.get("/offers/").content.decode()
    response = client.post(f"/offers/matches/{match.pk}/accept/")
    match.refresh_from_db()
    assert match.agreed and response.url == match.network.get_absolute_url()


def test_an_offer_closes_when_as_many_schools_as_it_has_room_for_have_agreed(schools, site_admin):
    offer = offer_create(school=schools["near"], domain="maths", format="visit", capacity=1, by=site_admin)
    first = request_create(school=schools["needy"], domain="maths", needs="Fractions", by=site_admin)
    second = request_create(school=schools["far"], domain="maths", needs="Decimals", by=site_admin)
    late = match_propose(request=second, offer=offer, outcome="event", by=site_admin)
    match_accept(
        match=match_propose(request=first, offer=offer, outcome="event", by=site_admin), by=site_admin
    )
    assert Offer.objects.get(pk=offer.pk).status == "closed"
    with pytest.raises(ValidationError, match="room for"):
        match_accept(match=late, by=site_admin)


def test_a_self_evaluated_need_is_offered_first_the_school_that_rated_itself_strong_there(
    schools, site_admin
):
    from kindred.frameworks.models import Standard
    from kindred.frameworks.services import ratings_save
    from tests.frameworks.conftest import framework_example_load

    version = framework_example_load()
    behaviour = Standard.objects.filter(domain__version=version, domain__code="behaviour")
    for key, level in [("needy", 1), ("strong", 4), ("near", 3)]:
        ratings_save(
            school=schools[key],
            version=version,
            year=2025,
            kind="self",
            levels={s.pk: (level, "") for s in behaviour},
            by=site_admin,
        )
    for key in ("near", "strong"):
        offer_create(school=schools[key], domain="behaviour", format="visit", by=site_admin)
    support = request_create(
        school=schools["needy"], domain="Behaviour", needs="Our own evaluation says so", by=site_admin
    )
    # Not shared (docs/privacy.md): another school's request never reads it.
    assert all(s.ranked.self_evaluated_year is None for s in suggestions(support))
    for key in ("near", "strong"):
        SelfEvalSharing.objects.create(school=schools[key], with_networks=True)
    ranked = suggestions(support)
    # 11 km away, but rated strong by its own evaluation: ahead of a school 2 km away rated "secure".
    assert [s.offer.school.name for s in ranked] == ["Strong", "Near"]
    assert ranked[0].ranked.strength_z == pytest.approx(1.96)
    assert ranked[0].ranked.self_evaluated_year == 2025 and ranked[0].ranked.measured_z is None
    assert ranked[1].ranked.strength_z is None and ranked[1].ranked.self_evaluated_year is None


def test_a_request_page_names_a_self_evaluated_strength_with_its_year(client, schools, site_admin):
    from kindred.frameworks.models import Standard
    from kindred.frameworks.services import ratings_save
    from tests.frameworks.conftest import framework_example_load

    version = framework_example_load()
    ratings_save(
        school=schools["strong"],
        version=version,
        year=2025,
        kind="self",
        levels={s.pk: (4, "") for s in Standard.objects.filter(domain__code="behaviour")},
        by=site_admin,
    )
    offer_create(school=schools["strong"], domain="Behaviour and attendance", format="visit", by=site_admin)
    support = request_create(
        school=schools["needy"], domain="behaviour and attendance", needs="x", by=site_admin
    )
    client.force_login(site_admin)
    assert "A strength in its own evaluation" not in client.get(support.get_absolute_url()).content.decode()
    SelfEvalSharing.objects.create(school=schools["strong"], with_networks=True)
    page = client.get(support.get_absolute_url()).content.decode()
    assert "A strength in its own evaluation (self-evaluation 2025/26)" in page


def test_the_offer_and_request_forms_suggest_the_measured_and_self_evaluated_domains(
    client, school_x, school_admin_x
):
    from tests.frameworks.conftest import framework_example_load

    framework_example_load()
    MeasureDefinition.objects.create(code="ks2_read", name="Reading", domain="reading", kind="outcome")
    client.force_login(school_admin_x)
    html = client.get("/offers/").content.decode()
    assert '<datalist id="domains">' in html
    assert '<option value="reading">' in html and '<option value="behaviour">' in html
