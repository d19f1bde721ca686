from django.urls import path

from kindred.events import views

app_name = "events"

urlpatterns = [
    path("mine/", views.my_calendar, name="mine"),
    path("networks/<int:pk>/", views.network_calendar, name="network_calendar"),
    path("networks/<int:pk>/new/", views.event_create, name="create"),
    path("regions/<int:pk>/", views.region_calendar, name="region_calendar"),
    path("regions/<int:pk>/new/", views.event_create_region, name="create_region"),
    path("schools/<str:registry_id>/new/", views.event_create_school, name="create_school"),
    path("<int:pk>/", views.event_detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/places/", views.capacity, name="capacity"),
    path("<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/occurrences/", views.occurrence_change, name="occurrence_change"),
    path("registrations/<int:pk>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("registrations/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("feed/", views.feed_settings, name="feed_settings"),
    path("feeds/networks/<int:pk>.ics", views.feed_network, name="feed_network"),
    path("feeds/schools/<str:registry_id>.ics", views.feed_school, name="feed_school"),
    path("feeds/<str:token>.ics", views.feed_person, name="feed_person"),
]
