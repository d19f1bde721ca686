from django.contrib import admin
from django.urls import include, path

from kindred.core import health, webapp

urlpatterns = [
    path("", include("kindred.pages.urls")),
    path("evidence/", include("kindred.evidence.urls")),
    path("", include("kindred.networks.urls")),
    path("", include("kindred.brokering.urls")),
    path("accounts/", include("kindred.accounts.urls")),
    path("audit/", include("kindred.accounts.urls_audit")),
    path("self-evaluation/", include("kindred.frameworks.urls")),
    path("plans/", include("kindred.plans.urls")),
    path("voice/", include("kindred.voice.urls")),
    path("jobs/", include("kindred.core.urls")),
    path("board/", include("kindred.board.urls")),
    path("events/", include("kindred.events.urls")),
    path("library/", include("kindred.library.urls")),
    path("offers/", include("kindred.offers.urls")),
    path("impact/", include("kindred.impact.urls")),
    # The HTTP API (/api/v1/, its schema and reference) and each person's tokens for it.
    path("api/", include("kindred.api.urls")),
    path("accounts/api-tokens/", include("kindred.api.urls_tokens")),
    path("accounts/integrations/", include("kindred.api.urls_integrations")),
    path("admin/", admin.site.urls),
    # Probes for load balancers and containers; HealthCheckMiddleware answers them first.
    path("health/", health.health, name="health"),
    path("ready/", health.ready, name="ready"),
    # The installable web app's manifest (its service worker is served at the root by whitenoise).
    path("manifest.webmanifest", webapp.manifest, name="webapp_manifest"),
]
