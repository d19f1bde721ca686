from django.urls import path

from kindred.plans import views

urlpatterns = [
    path("networks/<int:pk>/", views.network_plans, name="network_plans"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/priorities/", views.priority_add, name="plan_priority_add"),
    path("priorities/<int:pk>/actions/", views.action_add, name="plan_action_add"),
    path("actions/<int:pk>/progress/", views.progress_add, name="plan_progress_add"),
]
