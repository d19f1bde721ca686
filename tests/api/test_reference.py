"""The API reference page (/api/v1/docs/) reads in the reader's language; the OpenAPI document it is
drawn from stays English, the machine contract (docs/api.md)."""

import pytest
from django.utils import translation

from kindred.api.reference import translated
from kindred.api.v1 import api

pytestmark = pytest.mark.django_db


def _words(document: dict) -> list[str]:
    """Every summary, description and parameter description the reference page shows."""
    words = []
    for methods in document["paths"].values():
        for spec in methods.values():
            words += [spec.get("summary", ""), spec.get("description", "")]
            words += [p.get("description", "") for p in spec.get("parameters", [])]
    return [w for w in words if w]


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_every_word_of_the_reference_has_a_translation(language):
    words = _words(api.get_openapi_schema())
    assert len(words) > 60
    with translation.override(language):
        untranslated = [w for w in words if translated(w) == w]
    assert untranslated == [], "mark these with gettext_noop and translate them (docs/translating.md)"


def test_the_reference_page_is_in_the_readers_language_and_the_schema_stays_english(client):
    welsh = client.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Ysgolion, fesul tudalen" in welsh and "Schools, a page at a time" not in welsh
    assert "Cyfnod: <code>nursery</code>, <code>primary</code>" in welsh  # words translated, codes kept
    arabic = client.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "المدارس، صفحةً صفحة" in arabic
    schema = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert schema["paths"]["/api/v1/schools"]["get"]["summary"] == "Schools, a page at a time"
    english = client.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Schools, a page at a time" in english
