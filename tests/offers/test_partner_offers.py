"""A partner organisation offers expertise (issue 23, item 4): its people make its offers, listed on
the offers page and its own; the ranked suggestions and matches stay between schools."""

import pytest
from django.core.exceptions import ValidationError

from kindred.audit.models import AuditEvent
from kindred.offers.models import Offer
from kindred.offers.selectors import suggestions
from kindred.offers.services import match_propose, offer_create, request_create

pytestmark = pytest.mark.django_db


def test_an_organisations_person_offers_its_expertise_from_the_offers_page(client, partner, university):
    client.force_login(partner)
    page = client.get("/offers/").content.decode()
    assert "Offer your organisation&#x27;s expertise" in page or "Offer your organisation's expertise" in page
    response = client.post(
        "/offers/offers/new/",
        {"organisation": university.pk, "domain": "Reading", "format": "training", "capacity": 5},
    )
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.organisation, offer.school, offer.domain) == (university, None, "reading")
    assert AuditEvent.objects.filter(action="offers.offer_created").exists()
    assert "University of Region A" in client.get("/offers/").content.decode()
    assert "Training" in client.get(f"/organisations/{university.pk}/").content.decode()


def test_only_the_organisations_own_people_offer_for_it(client, teacher_x, university, school_admin_x):
    with pytest.raises(ValidationError):
        offer_create(organisation=university, domain="reading", format="training", by=teacher_x)
    with pytest.raises(ValidationError):
        offer_create(
            organisation=university,
            school=school_admin_x.school_roles.get().school,
            domain="reading",
            format="training",
            by=school_admin_x,
        )
    client.force_login(teacher_x)
    client.post(
        "/offers/offers/new/", {"organisation": university.pk, "domain": "reading", "format": "training"}
    )
    assert not Offer.objects.exists()


def test_an_organisations_offer_is_not_among_a_schools_suggestions_nor_matched(
    partner, university, school_y, school_admin_x, site_admin
):
    offer = offer_create(organisation=university, domain="reading", format="training", by=partner)
    request = request_create(school=school_y, domain="reading", needs="Phonics", by=site_admin)
    assert all(s.offer != offer for s in suggestions(request))
    with pytest.raises(ValidationError):
        match_propose(request=request, offer=offer, outcome="event", by=site_admin)
