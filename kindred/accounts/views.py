"""Pages for people: profile, invitations, join requests, a school's staff page."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts import access, backends, oidc, selectors, services, throttle
from kindred.accounts.forms import (
    AccountFromInvitationForm,
    ConfirmForm,
    DecisionForm,
    DeleteAccountForm,
    InvitationForm,
    JoinRequestForm,
    SignInForm,
)
from kindred.accounts.models import User
from kindred.core.actions import form_status, problem_page, refusal_shown, refusal_text
from kindred.schools.models import School


class SignInView(auth_views.LoginView):
    """Django's sign-in page, which also remembers the browser for the throttle's exemption."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # LoginView names the site after the request's host; Kindred's name is SITE_NAME.
        context = {**super().get_context_data(**kwargs), "site_name": settings.SITE_NAME}
        # The organisation's identity provider's button, when one is set up (accounts/oidc.py).
        context["identity_provider_button"] = oidc.button_label() if oidc.enabled() else ""
        # With LOCAL_PASSWORDS off the password form is only for the break-glass administrator: it
        # is shown on asking (?password=1), or again after a refused attempt.
        context["local_passwords"] = settings.LOCAL_PASSWORDS
        context["password_form_shown"] = (
            settings.LOCAL_PASSWORDS or "password" in self.request.GET or self.request.method == "POST"
        )
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.device_remember(self.request, response, form.get_user())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, refused when Kindred's passwords are switched off for the person
    (LOCAL_PASSWORDS off: they sign in through the identity provider)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not backends.password_sign_in_allowed(request.user.email):
            return problem_page(
                request,
                _("Passwords are switched off here: you sign in with your organisation's account."),
                back=reverse("profile"),
                back_label=_("Back to your profile"),
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@never_cache
@require_GET
@login_required
def profile(request):
    """The signed-in person's account and roles."""
    return render(
        request,
        "accounts/profile.html",
        {
            **selectors.roles_of(user=request.user),
            "is_site_admin": access.is_site_admin(request.user),
            # Someone who only ever signed in through the identity provider has no password to change.
            "has_password": backends.password_sign_in_allowed(request.user.email)
            and request.user.has_usable_password(),
        },
    )


@never_cache
@require_GET
@login_required
def personal_data(request):
    """Everything Kindred holds about the signed-in person, as a JSON download."""
    response = HttpResponse(
        json.dumps(selectors.personal_data(user=request.user), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="kindred-personal-data.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def account_delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.account_delete(user=request.user)
        if attempt.ok:
            logout(request)
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
    context = {"form": form, "hand_over": services.schools_left_without_administrator(request.user)}
    return render(request, "accounts/account_delete.html", context, status=form_status(form))


@require_POST
@login_required
def email_verification_send(request):
    services.email_verification_send(user=request.user, base_url=_base_url(request))
    messages.success(
        request, _("We have sent a confirmation link to %(email)s.") % {"email": request.user.email}
    )
    return redirect("profile")


@require_GET
@login_required
def email_verify(request, token: str):
    with refusal_shown() as attempt:
        services.email_verify(user=request.user, token=token)
    if not attempt.ok:
        return problem_page(request, attempt.message)
    messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("profile")


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """Accept an invitation: a new person creates their account; an existing one signs in first."""
    try:
        invitation = selectors.invitation_for_token(token)
    except services.InvitationInvalid as error:
        status = 404 if error.code == "unknown" else 410
        return problem_page(request, refusal_text(error), status=status)
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            with refusal_shown() as attempt:
                services.invitation_accept(invitation=invitation, user=request.user)
            if not attempt.ok:
                return problem_page(request, attempt.message)
            messages.success(request, _("Welcome to %(school)s.") % {"school": invitation.school.name})
            return redirect("home")
    elif not has_account and backends.password_sign_in_allowed(invitation.email):
        form = AccountFromInvitationForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            with refusal_shown(form) as attempt:
                user = services.account_create_from_invitation(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
            if attempt.ok:
                login(request, user, backend="kindred.accounts.backends.PasswordBackend")
                messages.success(request, _("Welcome to %(school)s.") % {"school": invitation.school.name})
                return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": has_account,
            "token": token,
            # LOCAL_PASSWORDS off: a new person signs in with the organisation's account first.
            "identity_provider_button": oidc.button_label() if oidc.enabled() else "",
        },
        status=400 if form is not None and form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def join_request(request, registry_id: str):
    """Ask to join a school's staff; its administrators decide."""
    school = get_object_or_404(School, registry_id=registry_id)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.join_request_create(
                user=request.user,
                school=school,
                role=form.cleaned_data["role"],
                message=form.cleaned_data["message"],
            )
        if attempt.ok:
            messages.success(request, _("Your request has gone to %(school)s.") % {"school": school.name})
            return redirect("profile")
    return render(
        request,
        "accounts/join_request.html",
        {"school": school, "form": form},
        status=form_status(form),
    )


def _staff_page(request, school: School, *, invite_form=None, status: int = 200):
    can_manage = access.school_access(request.user, school) == access.Access.WRITE
    return render(
        request,
        "accounts/school_staff.html",
        {
            "school": school,
            "staff": selectors.school_staff(school=school),
            "can_manage": can_manage,
            "join_requests": selectors.school_join_requests_pending(school=school) if can_manage else [],
            "invitations": selectors.school_invitations_pending(school=school) if can_manage else [],
            "invite_form": invite_form or InvitationForm(),
        },
        status=status,
    )


@never_cache
@require_GET
@login_required
def school_staff(request, registry_id: str):
    """A school's staff, and for its administrators: invitations and join requests."""
    return _staff_page(request, access.school_for_user(request.user, registry_id))


@require_POST
@login_required
def staff_invite(request, registry_id: str):
    school = access.school_for_user(request.user, registry_id, write=True)
    form = InvitationForm(request.POST)
    if form.is_valid():
        with refusal_shown(form) as attempt:
            services.invitation_create(
                school=school,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                base_url=_base_url(request),
            )
        if attempt.ok:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("school_staff", registry_id=school.registry_id)
    return _staff_page(request, school, invite_form=form, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def staff_remove(request, registry_id: str, pk: int):
    """Remove someone's role, after a confirmation page (a plain form: no JavaScript needed)."""
    staff = access.staff_for_user(request.user, registry_id, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(request) as attempt:
            services.staff_role_remove(staff=staff, by=request.user)
        if attempt.ok:
            messages.success(
                request,
                _("%(person)s is no longer %(role)s.")
                % {"person": staff.user, "role": staff.get_role_display().lower()},
            )
        return redirect("school_staff", registry_id=registry_id)
    return render(
        request,
        "accounts/staff_remove_confirm.html",
        {"staff": staff, "school": staff.school, "form": form},
        status=form_status(form),
    )


@require_POST
@login_required
def join_request_decide(request, registry_id: str, pk: int):
    join_request = access.join_request_for_user(request.user, registry_id, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline."))
        return redirect("school_staff", registry_id=registry_id)
    with refusal_shown(request) as attempt:
        services.join_request_decide(
            join_request=join_request, approve=form.cleaned_data["decision"] == "approve", by=request.user
        )
    if attempt.ok:
        messages.success(request, _("Decision recorded."))
    return redirect("school_staff", registry_id=registry_id)


@require_POST
def language_choose(request):
    """The language switch: remember the choice (on the account, and in a cookie for everyone) and go back.

    Works for anonymous visitors too, and without JavaScript: each language is a submit button.
    """
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return problem_page(request, _("Choose one of the languages offered."))
    if request.user.is_authenticated:
        services.language_set(user=request.user, language=language)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    response = redirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
