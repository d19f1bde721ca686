from django.urls import path

from kindred.frameworks import views

urlpatterns = [
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("peer-reviews/", views.peer_reviews_to_do, name="peer_reviews_to_do"),
    path("peer-reviews/<int:pk>/rate/", views.peer_review_rate, name="peer_review_rate"),
    path("networks/<int:pk>/", views.network_heatmap, name="network_heatmap"),
    path("schools/<str:registry_id>/", views.school_selfeval, name="selfeval_school"),
    path("schools/<str:registry_id>/rate/<str:kind>/", views.school_rate, name="selfeval_rate"),
    path("schools/<str:registry_id>/sharing/", views.sharing_set, name="selfeval_sharing"),
    path("schools/<str:registry_id>/peer-reviews/", views.peer_review_request, name="peer_review_request"),
    path("files/<int:pk>/", views.evidence_file, name="selfeval_file"),
    path("files/<int:pk>/delete/", views.evidence_file_delete, name="selfeval_file_delete"),
]
