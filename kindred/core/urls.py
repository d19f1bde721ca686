from django.urls import path

from kindred.core import views

urlpatterns = [
    path("<int:pk>/", views.job_detail, name="job_detail"),
]
