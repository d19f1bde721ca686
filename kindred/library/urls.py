from django.urls import path

from kindred.library import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/versions/", views.version_add, name="version_add"),
    path("<int:pk>/versions/<int:number>/download/", views.download, name="download"),
    path("<int:pk>/open/", views.open_link, name="open_link"),
    path("<int:pk>/agree/", views.policy_agree, name="policy_agree"),
    path("<int:pk>/adopt/", views.policy_adopt, name="policy_adopt"),
]
