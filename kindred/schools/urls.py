from django.urls import path

from kindred.schools import views

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<str:registry_id>/", views.school_detail, name="school_detail"),
]
