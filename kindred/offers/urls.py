from django.urls import path

from kindred.offers import views

app_name = "offers"

urlpatterns = [
    path("", views.index, name="index"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/propose/", views.match_propose, name="match_propose"),
    path("matches/<int:pk>/accept/", views.match_accept, name="match_accept"),
]
