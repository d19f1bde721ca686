from django.urls import path

from kindred.pages import finder, organisations, views

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<str:registry_id>/", views.school_detail, name="school_detail"),
    path("organisations/", organisations.organisations, name="organisations"),
    path("organisations/<int:pk>/", organisations.organisation, name="organisation"),
    # Under /evidence/, where it has always been: the finder reads the evidence and the brokering app.
    path("evidence/good-practice/", finder.good_practice, name="good_practice"),
]
