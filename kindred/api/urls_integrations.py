from django.urls import path

from kindred.api import views_integrations as views

urlpatterns = [
    path("", views.integration_list, name="api_integrations"),
    path("<int:pk>/", views.integration_detail, name="api_integration"),
    path(
        "<int:pk>/tokens/<int:token_pk>/revoke/",
        views.integration_token_revoke,
        name="api_integration_token_revoke",
    ),
    path("<int:pk>/deactivate/", views.integration_deactivate, name="api_integration_deactivate"),
]
