from django.contrib.auth import views as auth_views
from django.urls import path

from kindred.accounts import oidc, two_factor, views
from kindred.accounts.forms import ThrottledPasswordResetForm

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Signing in with the organisation's identity provider (OpenID Connect): accounts/oidc.py.
    path("oidc/start/", oidc.oidc_start, name="oidc_start"),
    path("oidc/callback/", oidc.oidc_callback, name="oidc_callback"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ThrottledPasswordResetForm,
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "password-change/",
        views.PasswordChangeView.as_view(template_name="accounts/password_change_form.html"),
        name="password_change",
    ),
    path(
        "password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("language/", views.language_choose, name="language_choose"),
    path("profile/", views.profile, name="profile"),
    path("profile/data.json", views.personal_data, name="personal_data"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("verify-email/", views.email_verification_send, name="email_verification_send"),
    path("verify-email/<str:token>/", views.email_verify, name="email_verify"),
    path("two-factor/", two_factor.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor.two_factor_verify, name="two_factor_verify"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("schools/<str:registry_id>/join/", views.join_request, name="join_request"),
    path("schools/<str:registry_id>/staff/", views.school_staff, name="school_staff"),
    path("schools/<str:registry_id>/staff/invite/", views.staff_invite, name="staff_invite"),
    path("schools/<str:registry_id>/staff/<int:pk>/remove/", views.staff_remove, name="staff_remove"),
    path(
        "schools/<str:registry_id>/join-requests/<int:pk>/",
        views.join_request_decide,
        name="join_request_decide",
    ),
]
