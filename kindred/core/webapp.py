"""The installable web app: its manifest, in the reader's language, linked from every page.

Its service worker (kindred/core/webroot/service-worker.js) must be served from `/` for its scope
to be the whole site (a worker's scope is at most the folder it is served from): whitenoise serves
the files of kindred/core/webroot/ at the root (`WHITENOISE_ROOT`), ahead of sessions and the
database, because browsers ask for it again on each visit to check for a new version. What it does
is in the file itself: push notifications only, no caching. The icons are drawn in the repository
(kindred/core/static/kindred/icons/); nothing is loaded from elsewhere.
"""

import json

from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

THEME_COLOUR = "#1b5e8c"  # --accent in kindred.css


def manifest_data() -> dict:
    """The web app manifest (W3C Web Application Manifest), in the reader's language."""
    return {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": _("School-to-school collaboration: networks, messageboards, events and evidence."),
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("kindred/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("kindred/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("kindred/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


@require_GET
def manifest(request):
    response = HttpResponse(
        json.dumps(manifest_data(), ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "max-age=3600"
    return response
