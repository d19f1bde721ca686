from django.urls import path

from kindred.api import views
from kindred.api.v1 import api

urlpatterns = [
    path("v1/docs/", views.reference, name="api_reference"),
    path("v1/", api.urls),
]
