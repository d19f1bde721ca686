from django.urls import path

from kindred.voice import views, views_councils

urlpatterns = [
    path("", views.consultation_list, name="consultation_list"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/questions/", views.question_add, name="consultation_question_add"),
    path("<int:pk>/status/", views.consultation_status, name="consultation_status"),
    path("<int:pk>/results/", views.consultation_results, name="consultation_results"),
    path("<int:pk>/results.csv", views.consultation_export, name="consultation_export"),
    path("<int:pk>/themes/", views.answer_tag, name="consultation_answer_tag"),
    path("<int:pk>/answer/<str:registry_id>/", views.response_edit, name="consultation_answer"),
    path("<int:pk>/publish/", views_councils.consultation_publish, name="consultation_publish"),
    path("<int:pk>/response/", views_councils.consultation_publication, name="consultation_publication"),
    # Advisory councils (issue 23, item 6)
    path("councils/", views_councils.council_list, name="council_list"),
    path("councils/new/", views_councils.council_create, name="council_create"),
    path("councils/<int:pk>/", views_councils.council_detail, name="council_detail"),
    path("councils/<int:pk>/invite/", views_councils.council_invite, name="council_invite"),
    path(
        "councils/<int:pk>/consultations/new/",
        views_councils.council_consultation_create,
        name="council_consultation_create",
    ),
    path("councils/places/<int:pk>/answer/", views_councils.place_answer, name="council_place_answer"),
    path("councils/places/<int:pk>/end/", views_councils.place_end, name="council_place_end"),
]
