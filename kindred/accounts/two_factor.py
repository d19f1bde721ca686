"""TOTP two-factor sign-in pages (django-otp) and the middleware that asks for the second step."""

from datetime import datetime
from math import ceil
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from kindred.accounts import access, services
from kindred.accounts.forms import TokenForm
from kindred.core.actions import form_status, refusal_shown

# The secret offered on the set-up page, kept in the session until the app's first code confirms it:
# a visit stores no device (issue 20, item 9).
PENDING_KEY = "two_factor_pending_key"


def throttled_until(user) -> datetime | None:
    """When every confirmed device of `user` refuses codes for a while after wrong ones (django-otp's
    throttle, doubling from OTP_TOTP_THROTTLE_FACTOR seconds), the time they may try again."""
    until = []
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if allowed:
            return None
        until.append((data or {}).get("locked_until") or timezone.now())
    return min(until) if until else None


def throttled_message(until: datetime) -> str:
    seconds = max(1, ceil((until - timezone.now()).total_seconds()))
    return _("Too many wrong codes: wait %(seconds)s seconds (until %(time)s) and try again.") % {
        "seconds": seconds,
        "time": timezone.localtime(until).strftime("%H:%M:%S"),
    }


def two_factor_required_for(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and (access.is_site_admin(user) or access.is_system_leader(user))


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup(request):
    """Turn TOTP two-factor sign-in on (scan a QR code, type a code) or off."""
    user = request.user
    form = TokenForm(request.POST or None)
    status = None
    if user_has_device(user):
        if request.method == "POST" and form.is_valid():
            until = throttled_until(user)
            if two_factor_required_for(user):
                messages.error(request, _("Two-factor sign-in is required for your role."))
            elif until is not None:
                form.add_error("token", throttled_message(until))
                status = 429
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
            status=status or form_status(form),
        )
    key = request.session.get(PENDING_KEY, "")
    if len(key) != 40 or any(c not in "0123456789abcdef" for c in key):
        key = request.session[PENDING_KEY] = random_hex(20)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form, field="token") as attempt:
            device = services.two_factor_enable(user=user, key=key, token=form.cleaned_data["token"])
        if attempt.ok:
            request.session.pop(PENDING_KEY, None)
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("profile")
    device = TOTPDevice(user=user, name="authenticator app", key=key, confirmed=False)  # never saved
    svg = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).to_string(
        encoding="unicode"
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"enabled": False, "form": form, "qr_svg": mark_safe(svg), "secret": _base32(device)},
        status=form_status(form),
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
    status = None
    if request.method == "POST" and form.is_valid():
        until = throttled_until(request.user)
        device = None if until else match_token(request.user, form.cleaned_data["token"])
        if until is not None:
            # A right code is refused while throttled: say so, and when to try again.
            form.add_error("token", throttled_message(until))
            status = 429
        elif device is None:
            form.add_error("token", _("That code is not right. Try the newest code your app shows."))
        else:
            otp_login(request, device)
            return redirect(next_url)
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url},
        status=status or form_status(form),
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
