"""How Kindred slows down password guessing without letting anyone lock a person out.

Three rules, each against one attack (see docs/accounts.md, "Signing in"):

1. **Per account, a progressive delay.** After LOGIN_FAILURE_LIMIT failed sign-ins for one
   e-mail address within LOGIN_LOCKOUT_MINUTES (from anywhere), each further attempt must wait
   30 s, then 60 s, 120 s ... up to LOGIN_LOCKOUT_MINUTES after the last failure. An attempt made
   while waiting is refused without checking the password. This is counted here, from
   django-axes' failure log (AccessFailureLog), because django-axes only has lock-outs with one
   limit for all its counters.
2. **Per client IP address, a lock-out** (django-axes): LOGIN_IP_FAILURE_LIMIT failures from
   one address, whatever e-mail addresses they tried, lock that address out for
   LOGIN_LOCKOUT_MINUTES. This stops password spraying (a few guesses at many accounts).
3. **Known browsers are exempt** from both: a browser that signed in to the account before
   holds a device cookie (`SignInDevice`), so the real person still gets in while their
   address is being attacked, even from an IP address shared with the attacker. A device
   that fails LOGIN_FAILURE_LIMIT times in a row loses the exemption. The cookie's value is
   Kindred's, never the browser's: a fresh random key at every sign-in, signed (a value the
   client chose or forged is ignored), and the browser's previous key for the account is
   replaced, so a key planted before someone signs in is worth nothing afterwards.

The client IP is REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n proxies in front of Kindred,
the n-th address from the right of X-Forwarded-For (what the nearest trusted proxy saw);
addresses further left were written by the client and are never trusted.
"""

import hashlib
import ipaddress
import secrets
from datetime import timedelta

from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kindred.accounts.models import SignInDevice, User

DEVICE_COOKIE = "kindred_device"
DEVICE_COOKIE_DAYS = 365
DEVICE_COOKIE_SALT = "kindred.accounts.sign-in-device"
FIRST_DELAY = timedelta(seconds=30)


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, trusting exactly TRUSTED_PROXY_COUNT proxies (AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote  # not through all our proxies: only the connection itself can be trusted
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def sign_in_username(request, credentials) -> str:
    """The address a sign-in tried, as django-axes records it (AXES_USERNAME_CALLABLE).

    Lower-cased, so that "A@x.org" and "a@x.org" are one account's failures, and cut to 254
    characters, the longest valid e-mail address, so that an absurdly long one is still counted
    instead of overflowing axes' 255-character column (an error on PostgreSQL).
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    return str(value or "").strip().lower()[:254]


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def device_key(request: HttpRequest | None) -> str:
    """The key in this browser's device cookie if Kindred issued it (signed and not expired), else ""."""
    if request is None:
        return ""
    return request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=DEVICE_COOKIE_SALT, max_age=DEVICE_COOKIE_DAYS * 24 * 3600
    )


def trusted_device(request: HttpRequest | None, username: str) -> SignInDevice | None:
    """The sign-in device of this browser for `username`, if it is still trusted."""
    key = device_key(request)
    if not key or not username:
        return None
    return (
        SignInDevice.objects.filter(
            key_hash=_key_hash(key), user__email__iexact=username, failures__lt=settings.LOGIN_FAILURE_LIMIT
        )
        .select_related("user")
        .first()
    )


def is_trusted_device(request, credentials) -> bool:
    """django-axes' AXES_WHITELIST_CALLABLE: known browsers are neither locked out nor counted by IP."""
    return trusted_device(request, sign_in_username(request, credentials)) is not None


def account_wait(username: str) -> timedelta | None:
    """How long a sign-in for `username` from an unknown browser must still wait (None: no wait)."""
    if not username:
        return None
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    now = timezone.now()
    failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=now - window)
    count = failures.count()
    if count < settings.LOGIN_FAILURE_LIMIT:
        return None
    last = failures.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    delay = min(FIRST_DELAY * 2 ** (count - settings.LOGIN_FAILURE_LIMIT), window)
    wait = last + delay - now
    return wait if wait > timedelta(0) else None


def device_failed(request: HttpRequest | None, username: str) -> None:
    """Count a failed sign-in against this browser's device for the account, if it has one."""
    key = device_key(request)
    if key and username:
        SignInDevice.objects.filter(key_hash=_key_hash(key), user__email__iexact=username).update(
            failures=F("failures") + 1
        )


def device_remember(request: HttpRequest, response: HttpResponse, user: User) -> None:
    """After a successful sign-in: trust this browser for `user` (and clear its failures).

    The key is always new (never the value the browser sent) and the cookie is signed; the
    browser's previous device for this account, if its cookie was Kindred's, is given the new key
    rather than kept beside it."""
    key = secrets.token_urlsafe(32)
    previous = device_key(request)
    rotated = 0
    if previous:
        rotated = SignInDevice.objects.filter(key_hash=_key_hash(previous), user=user).update(
            key_hash=_key_hash(key), failures=0, last_used_at=timezone.now()
        )
    if not rotated:
        SignInDevice.objects.create(key_hash=_key_hash(key), user=user)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        key,
        salt=DEVICE_COOKIE_SALT,
        max_age=DEVICE_COOKIE_DAYS * 24 * 3600,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
