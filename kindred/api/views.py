"""The person's API tokens page, and the API's human-readable reference drawn from its schema."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.api import selectors, services
from kindred.api.forms import TokenForm
from kindred.api.reference import operations
from kindred.api.v1 import api
from kindred.core.actions import confirmation_page, confirmed, form_status, refusal_shown


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The person's tokens, and a form for a new one; a new token's secret is shown on this answer only."""
    form = TokenForm(request.POST or None, user=request.user)
    secret = ""
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            _token, secret = services.token_create(user=request.user, **form.cleaned_data)
        if attempt.ok:
            form = TokenForm(user=request.user)
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": selectors.tokens_of(request.user), "secret": secret},
        status=form_status(form),
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = selectors.token_of(request.user, pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            question=_("Revoke the token “%(name)s”?") % {"name": token.name},
            consequence=_("Every program using it is refused from now on. You can make a new token later."),
            button=_("Revoke the token"),
            back=reverse("api_tokens"),
            back_label=_("No, keep the token"),
        )
    with refusal_shown(request) as attempt:
        services.token_revoke(token=token, by=request.user)
    if attempt.ok:
        messages.success(request, _("The token no longer works."))
    return redirect("api_tokens")


def reference(request: HttpRequest) -> HttpResponse:
    """Every endpoint, its parameters and the fields it answers with, from the OpenAPI document."""
    return render(request, "api/reference.html", {"operations": operations(api.get_openapi_schema())})
