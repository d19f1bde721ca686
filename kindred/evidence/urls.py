from django.urls import path

from kindred.evidence import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("recompute/", views.recompute, name="evidence_recompute"),
    path("model/", views.model, name="evidence_model"),
    path("model/selfcheck/", views.selfcheck, name="evidence_selfcheck"),
    path("methods/", views.methods, name="evidence_methods"),
]
