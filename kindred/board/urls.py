from django.urls import path

from kindred.board import views

urlpatterns = [
    path("", views.boards, name="board_home"),
    path("networks/<int:network_pk>/", views.board, name="board"),
    path("networks/<int:network_pk>/new/", views.thread_create, name="board_thread_create"),
    path("threads/<int:pk>/", views.thread_detail, name="board_thread"),
    path("threads/<int:pk>/reply/", views.post_reply, name="board_reply"),
    path("threads/<int:pk>/notifications/", views.thread_level, name="board_thread_level"),
    path("threads/<int:pk>/pin/", views.thread_pin, name="board_thread_pin"),
    path("posts/<int:pk>/edit/", views.post_edit, name="board_post_edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="board_post_delete"),
    path("posts/<int:pk>/hide/", views.post_hide, name="board_post_hide"),
    path("posts/<int:pk>/report/", views.post_report, name="board_post_report"),
    path("attachments/<int:pk>/", views.attachment, name="board_attachment"),
    path("search/", views.search_view, name="board_search"),
    path("notifications/", views.notifications, name="board_notifications"),
    path("notifications/settings/", views.notification_settings, name="board_notification_settings"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="board_unsubscribe"),
    path("push/subscribe/", views.push_subscribe, name="board_push_subscribe"),
    path("push/unsubscribe/", views.push_unsubscribe, name="board_push_unsubscribe"),
]
