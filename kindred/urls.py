from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kindred.schools.urls")),
    path("evidence/", include("kindred.evidence.urls")),
    path("", include("kindred.networks.urls")),
    path("", include("kindred.brokering.urls")),
    path("accounts/", include("kindred.accounts.urls")),
    path("audit/", include("kindred.audit.urls")),
    path("self-evaluation/", include("kindred.frameworks.urls")),
    path("plans/", include("kindred.plans.urls")),
    path("voice/", include("kindred.voice.urls")),
    path("jobs/", include("kindred.core.urls")),
    path("board/", include("kindred.board.urls")),
    path("events/", include("kindred.events.urls")),
    path("library/", include("kindred.library.urls")),
    path("offers/", include("kindred.offers.urls")),
    path("admin/", admin.site.urls),
]
