"""The integrations' pages (docs/api.md, "Integrations"): site administrators make a named system
its own account, grant it roles and make and revoke its tokens; everyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kindred.accounts.services import regional_role_add, staff_role_add
from kindred.api import selectors, services
from kindred.api.access import integration_for_user, integrations_for_user
from kindred.api.forms import IntegrationForm, RegionRoleForm, SchoolRoleForm, TokenForm
from kindred.core.actions import confirmation_page, confirmed, form_status, refusal_shown


@never_cache
@login_required
def integration_list(request: HttpRequest) -> HttpResponse:
    """Every integration, and a form for a new one."""
    integrations_for_user(request.user)
    form = IntegrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            integration = services.integration_create(by=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("The integration is made. Grant it roles, then make its token."))
            return redirect("api_integration", pk=integration.pk)
    return render(
        request,
        "api/integrations.html",
        {"form": form, "integrations": selectors.integrations_listed()},
        status=form_status(form),
    )


@never_cache
@login_required
def integration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One integration: its roles, its tokens, and forms to grant a role or make a token. A new
    token's secret is shown on this answer only."""
    integration = integration_for_user(request.user, pk)
    account = integration.account
    posted = request.POST.get("form") if request.method == "POST" else None
    token_form = TokenForm(request.POST if posted == "token" else None, user=request.user)
    region_form = RegionRoleForm(request.POST if posted == "region" else None)
    school_form = SchoolRoleForm(request.POST if posted == "school" else None)
    secret = ""
    if posted == "token" and token_form.is_valid():
        with refusal_shown(token_form) as attempt:
            _token, secret = services.token_create(user=account, by=request.user, **token_form.cleaned_data)
        if attempt.ok:
            token_form = TokenForm(user=request.user)
    elif posted == "region" and region_form.is_valid():
        with refusal_shown(region_form) as attempt:
            regional_role_add(user=account, region=region_form.cleaned_data["region"], by=request.user)
        if attempt.ok:
            return redirect("api_integration", pk=pk)
    elif posted == "school" and school_form.is_valid():
        with refusal_shown(school_form) as attempt:
            staff_role_add(user=account, by=request.user, **school_form.cleaned_data)
        if attempt.ok:
            return redirect("api_integration", pk=pk)
    invalid = next((f for f in (token_form, region_form, school_form) if f.is_bound and f.errors), None)
    response = render(
        request,
        "api/integration.html",
        {
            "integration": integration,
            "roles": selectors.roles_of(account),
            "tokens": selectors.tokens_of(account),
            "token_form": token_form,
            "region_form": region_form,
            "school_form": school_form,
            "secret": secret,
        },
        status=form_status(invalid),
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def integration_token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    integration = integration_for_user(request.user, pk)
    token = selectors.token_of(integration.account, token_pk)
    back = reverse("api_integration", args=[pk])
    if not confirmed(request):
        return confirmation_page(
            request,
            question=_("Revoke the token “%(name)s” of %(integration)s?")
            % {"name": token.name, "integration": integration.name},
            consequence=_("The system using it is refused from now on. You can make it a new token later."),
            button=_("Revoke the token"),
            back=back,
            back_label=_("No, keep the token"),
        )
    with refusal_shown(request) as attempt:
        services.token_revoke(token=token, by=request.user)
    if attempt.ok:
        messages.success(request, _("The token no longer works."))
    return redirect(back)


@login_required
@require_POST
def integration_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    integration = integration_for_user(request.user, pk)
    back = reverse("api_integration", args=[pk])
    if not confirmed(request):
        return confirmation_page(
            request,
            question=_("Deactivate the integration “%(name)s”?") % {"name": integration.name},
            consequence=_(
                "Every token of it is revoked and its account closed. Its roles and its history stay, "
                "to be read."
            ),
            button=_("Deactivate the integration"),
            back=back,
            back_label=_("No, keep it working"),
        )
    with refusal_shown(request) as attempt:
        services.integration_deactivate(integration=integration, by=request.user)
    if attempt.ok:
        messages.success(request, _("The integration is deactivated: none of its tokens works."))
    return redirect(back)
