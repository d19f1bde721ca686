from django.urls import path

from kindred.brokering import views

urlpatterns = [
    path("brokering/", views.runs, name="brokering_runs"),
    path("brokering/runs/<int:pk>/", views.run_detail, name="brokering_run"),
    path("brokering/runs/<int:pk>/compute/", views.run_compute, name="brokering_run_compute"),
    path("brokering/runs/<int:pk>/move/", views.run_move, name="brokering_run_move"),
    path("brokering/runs/<int:pk>/lock/", views.run_lock, name="brokering_run_lock"),
    path("brokering/runs/<int:pk>/exclude/", views.run_exclude, name="brokering_run_exclude"),
    path("brokering/runs/<int:pk>/publish/", views.run_publish, name="brokering_run_publish"),
    path(
        "brokering/runs/<int:pk>/publish/confirm/",
        views.run_publish_confirm,
        name="brokering_run_publish_confirm",
    ),
    path("brokering/approaches/", views.approach, name="brokering_approach"),
    path("brokering/approaches/<int:pk>/propose/", views.approach_propose, name="brokering_approach_propose"),
    path("schools/<str:registry_id>/invitations/", views.invitations, name="brokering_invitations"),
    path("schools/<str:registry_id>/capacity/", views.capacity, name="brokering_capacity"),
    path(
        "schools/<str:registry_id>/invitations/<int:pk>/answer/",
        views.invitation_answer,
        name="brokering_invitation_answer",
    ),
]
