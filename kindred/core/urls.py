from django.urls import path

from kindred.core import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("schedule/", views.job_schedule, name="job_schedule"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/problems.csv", views.job_errors, name="job_errors"),
]
