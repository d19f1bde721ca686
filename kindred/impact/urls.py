from django.urls import path

from kindred.impact import views, views_programmes

app_name = "impact"

urlpatterns = [
    path("networks/<int:pk>/", views.network_impact, name="network"),
    path("networks/<int:pk>/effects.csv", views.network_impact_csv, name="network_csv"),
    path("networks/<int:pk>/report.pdf", views.network_impact_pdf, name="network_pdf"),
    path("networks/<int:pk>/participation.csv", views.network_participation_csv, name="participation_csv"),
    path("networks/<int:pk>/pack/", views.network_pack_page, name="pack"),
    path("networks/<int:pk>/pack.csv", views.network_pack_csv, name="pack_csv"),
    path("networks/<int:pk>/pack.pdf", views.network_pack_pdf, name="pack_pdf"),
    path("networks/<int:pk>/pack/letters/", views.support_letter_add, name="letter_add"),
    path("networks/<int:pk>/pack/letters/<int:letter_pk>/", views.support_letter_download, name="letter"),
    path(
        "networks/<int:pk>/pack/letters/<int:letter_pk>/remove/",
        views.support_letter_delete,
        name="letter_delete",
    ),
    path("networks/<int:pk>/surveys/new/", views.survey_create, name="survey_create"),
    path(
        "networks/<int:pk>/surveys/<int:survey_pk>/after/", views.survey_post_start, name="survey_post_start"
    ),
    path("programmes/", views_programmes.programme_list, name="programmes"),
    path("programmes/new/", views_programmes.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views_programmes.programme_impact, name="programme"),
    path("programmes/<int:pk>/report.pdf", views_programmes.programme_impact_pdf, name="programme_pdf"),
    path("programmes/<int:pk>/change/", views_programmes.programme_edit, name="programme_edit"),
    path(
        "programmes/<int:pk>/networks/", views_programmes.programme_network_add, name="programme_network_add"
    ),
    path(
        "programmes/<int:pk>/networks/<int:network>/remove/",
        views_programmes.programme_network_remove,
        name="programme_network_remove",
    ),
    path(
        "programmes/<int:pk>/surveys/new/",
        views_programmes.programme_survey_create,
        name="programme_survey_create",
    ),
    path(
        "programmes/<int:pk>/surveys/<int:survey_pk>/after/",
        views_programmes.programme_survey_post_start,
        name="programme_survey_post_start",
    ),
    path("programmes/<int:pk>/costs/", views_programmes.programme_costs, name="programme_costs"),
    path(
        "programmes/<int:pk>/costs/<int:cost>/remove/",
        views_programmes.programme_cost_delete,
        name="programme_cost_delete",
    ),
    path(
        "programmes/<int:pk>/numbers.csv",
        views_programmes.programme_numbers_csv,
        name="programme_numbers_csv",
    ),
    path("programmes/<int:pk>/costs.csv", views_programmes.programme_costs_csv, name="programme_costs_csv"),
    path("programmes/<int:pk>/effects.csv", views_programmes.programme_effects_csv, name="programme_csv"),
    path(
        "programmes/<int:pk>/participation.csv",
        views_programmes.programme_participation_csv,
        name="programme_participation_csv",
    ),
    path(
        "programmes/<int:pk>/participation-by-year.csv",
        views_programmes.programme_years_csv,
        name="programme_years_csv",
    ),
]
