from django.urls import path

from kindred.networks import views, views_links, views_partners, views_people

app_name = "networks"

urlpatterns = [
    path("networks/", views.directory, name="directory"),
    path("networks/new/", views.create, name="create"),
    path("networks/groups/", views.groups, name="groups"),
    path("networks/partners/", views_partners.partner_finder, name="partners"),
    path("networks/partners/profile/", views_partners.partner_profile, name="partner_profile"),
    path("networks/<int:pk>/", views.detail, name="detail"),
    path("networks/<int:pk>/group/formal/", views.group_formal_request, name="group_formal_request"),
    path("networks/<int:pk>/group/decide/", views.group_formal_decide, name="group_formal_decide"),
    path("networks/<int:pk>/group/close/", views.group_close, name="group_close"),
    path("networks/<int:pk>/edit/", views.edit, name="edit"),
    path("networks/<int:pk>/join/", views.join, name="join"),
    path("networks/<int:pk>/invite/", views.invite, name="invite"),
    path("networks/<int:pk>/requests/<int:request_pk>/", views.request_decide, name="request_decide"),
    path("networks/<int:pk>/members/<int:membership_pk>/leave/", views.leave, name="leave"),
    path("networks/<int:pk>/members/<int:membership_pk>/replace/", views.replace, name="replace"),
    path(
        "networks/<int:pk>/members/<int:membership_pk>/role/", views.membership_role, name="membership_role"
    ),
    path("networks/<int:pk>/people/", views.person_add, name="person_add"),
    path("networks/<int:pk>/partners/invite/", views.partner_invite, name="partner_invite"),
    path("networks/<int:pk>/people/<int:role_pk>/end/", views.person_end, name="person_end"),
    path("networks/<int:pk>/networks/", views_links.network_links, name="links"),
    path("networks/<int:pk>/networks/invite/", views_links.link_invite, name="link_invite"),
    path("networks/<int:pk>/networks/<int:link_pk>/decide/", views_links.link_decide, name="link_decide"),
    path("networks/<int:pk>/networks/<int:link_pk>/end/", views_links.link_end, name="link_end"),
    path("networks/<int:pk>/rota/", views.rota_page, name="rota"),
    path("networks/<int:pk>/rota/block/", views.rota_block, name="rota_block"),
    path("networks/<int:pk>/rota/<int:turn_pk>/swap/", views.rota_swap, name="rota_swap"),
    path("networks/<int:pk>/rota/<int:turn_pk>/skip/", views.rota_skip, name="rota_skip"),
    path("people/", views_people.people, name="people"),
    path("people/me/", views_people.profile_edit, name="profile_edit"),
    path("people/connections/", views_people.connections, name="connections"),
    path("people/connections/<int:pk>/", views_people.connection_decide, name="connection_decide"),
    path("people/<int:pk>/", views_people.person, name="person"),
    path("people/<int:pk>/connect/", views_people.connect, name="connect"),
    path("people/<int:pk>/invite/", views_people.invite_to_network, name="invite_person"),
]
