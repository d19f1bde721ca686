"""TOTP two-factor sign-in pages (django-otp) and the middleware that asks for the second step."""

from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts import access, services
from kindred.accounts.forms import TokenForm


def two_factor_required_for(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and (access.is_site_admin(user) or access.is_system_leader(user))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Turn TOTP two-factor sign-in on (scan a QR code, type a code) or off."""
    user = request.user
    form = TokenForm(request.POST or None)
    if user_has_device(user):
        if request.method == "POST" and form.is_valid():
            if two_factor_required_for(user):
                messages.error(request, _("Two-factor sign-in is required for your role."))
            elif match_token(user, form.cleaned_data["token"]) is None:
                form.add_error("token", _("That code is not right."))
            else:
                services.two_factor_disable(user=user, by=user)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("profile")
        return render(
            request,
            "accounts/two_factor_setup.html",
            {"enabled": True, "form": form},
            status=400 if form.errors else 200,
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="authenticator app", confirmed=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_enable(device=device, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("profile")
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(
        encoding="unicode"
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"enabled": False, "form": form, "qr_svg": mark_safe(svg), "secret": _base32(device)},
        status=400 if form.errors else 200,
    )


def _base32(device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the authenticator app."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("That code is not right. Try the newest code your app shows."))
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


EXEMPT_URL_NAMES = {"two_factor_setup", "two_factor_verify", "logout", "login"}


class TwoFactorMiddleware:
    """Sends a signed-in person who has not passed the second step to it.

    Applies to everyone with a confirmed device, and, when TWO_FACTOR_REQUIRED is on, to site
    administrators and system leaders without one (they are sent to set it up).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in EXEMPT_URL_NAMES and not match.namespace:
            return None
        if user_has_device(user):
            return redirect(
                f"{resolve_url('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}"
            )
        if two_factor_required_for(user):
            messages.warning(request, _("Your role needs two-factor sign-in. Set it up to continue."))
            return redirect("two_factor_setup")
        return None
