"""The installable web app: a valid manifest with the repository's icons, and a service worker at
the site's root that shows push notifications and caches nothing (the browser checks are in
tests/browser/test_push_flow.py)."""

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from kindred.core import webapp

pytestmark = pytest.mark.django_db

STATIC = Path(webapp.__file__).parent / "static"
WORKER = Path(webapp.__file__).parent / "webroot" / "service-worker.js"


def test_the_manifest_names_the_app_its_start_its_display_and_its_icons(client, settings):
    settings.SITE_NAME = "Kindred"
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Kindred"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        path = STATIC / icon["src"].split("/static/", 1)[1]
        with Image.open(path) as image:
            assert icon["sizes"] == f"{image.width}x{image.height}" and image.format == "PNG"
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes  # what browsers ask of an installable app


def test_the_manifest_is_in_the_readers_language(client):
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="ar").content)
    assert manifest["lang"] == "ar" and manifest["dir"] == "rtl"
    english = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="en").content)
    assert manifest["description"] != english["description"]


def test_the_service_worker_is_served_from_the_root_before_sessions_and_the_database(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    source = b"".join(response.streaming_content).decode()
    assert source == WORKER.read_text()
    assert 'addEventListener("push"' in source and 'addEventListener("notificationclick"' in source
    assert "Set-Cookie" not in response


def test_the_service_worker_never_caches_a_page():
    """No fetch handler and no Cache API: a private page is never kept on the device."""
    code = re.sub(r"//.*", "", WORKER.read_text())  # the comments say what it does not do
    assert '"fetch"' not in code and "caches" not in code and "respondWith" not in code


def test_every_page_links_the_manifest_and_registers_the_worker_by_a_deferred_script(client):
    page = client.get("/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert re.search(r'<script src="/static/kindred/app\.js" defer></script>', page)
