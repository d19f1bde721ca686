"""Names Kindred made are answered as the pages show them, in the request's language (its
Accept-Language): a survey round's title (Consultation.display_title), a formed network's name
(Network.display_name), never the English stored beside them for the admin and exports."""

import pytest
from django.utils import translation

from kindred.networks.models import Network
from kindred.voice.models import Consultation
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "cy", "ar"])
def test_a_survey_rounds_title_is_the_one_its_pages_show_in_the_requests_language(
    api_world, system_leader, language
):
    consultation = api_world["consultation"]
    Consultation.objects.filter(pk=consultation.pk).update(
        survey_round=Consultation.Round.BEFORE,
        title_params={"title": "Reading survey"},
        title="Stored English",
    )
    consultation.refresh_from_db()
    with translation.override(language):
        shown = consultation.display_title
    client = bearer(system_leader)
    listed = client.get("/api/v1/consultations", HTTP_ACCEPT_LANGUAGE=language).json()["items"]
    results = client.get(f"/api/v1/consultations/{consultation.pk}/results", HTTP_ACCEPT_LANGUAGE=language)
    assert [c["title"] for c in listed] == [shown] and results.json()["title"] == shown
    assert "Reading survey" in shown and shown != "Stored English"


@pytest.mark.parametrize("language", ["en", "cy", "ar"])
def test_a_formed_networks_name_is_the_one_its_page_shows_in_the_requests_language(
    api_world, network_x, site_admin, language
):
    Network.objects.filter(pk=network_x.pk).update(
        made_by=Network.Made.FORMATION,
        name_params={"region": "Region A", "number": 3, "host": "Xavier Primary"},
        name="Stored English",
    )
    network_x.refresh_from_db()
    with translation.override(language):
        shown = network_x.display_name
    client = bearer(site_admin)
    answer = client.get(f"/api/v1/networks/{network_x.pk}", HTTP_ACCEPT_LANGUAGE=language).json()
    listed = client.get("/api/v1/networks", HTTP_ACCEPT_LANGUAGE=language).json()["items"]
    assert answer["name"] == shown and shown in [n["name"] for n in listed]
    assert "Xavier Primary" in shown and shown != "Stored English"
