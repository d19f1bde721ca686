from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kindred.schools.urls")),
    path("evidence/", include("kindred.evidence.urls")),
    path("", include("kindred.networks.urls")),
    path("accounts/", include("kindred.accounts.urls")),
    path("audit/", include("kindred.audit.urls")),
    path("jobs/", include("kindred.core.urls")),
    path("events/", include("kindred.events.urls")),
    path("library/", include("kindred.library.urls")),
    path("offers/", include("kindred.offers.urls")),
    path("admin/", admin.site.urls),
]
