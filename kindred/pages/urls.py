from django.urls import path

from kindred.pages import finder, views

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<str:registry_id>/", views.school_detail, name="school_detail"),
    # Under /evidence/, where it has always been: the finder reads the evidence and the brokering app.
    path("evidence/good-practice/", finder.good_practice, name="good_practice"),
]
