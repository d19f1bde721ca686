from django.urls import path

from kindred.accounts import views_audit as views

urlpatterns = [
    path("", views.event_list, name="audit_log"),
    path("export.csv", views.event_export, name="audit_export"),
]
