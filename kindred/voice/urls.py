from django.urls import path

from kindred.voice import views

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
]
