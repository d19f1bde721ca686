"""Signing in with the organisation's identity provider through OpenID Connect.

The authorisation-code flow, with PKCE (S256), a `state` and a `nonce`, all done by Authlib's
Django client; nothing here parses or checks a token by hand:

1. `oidc_start` sends the browser to the provider's authorisation endpoint (read, with the token
   endpoint and the signing keys, from the provider's discovery document,
   `OIDC_ISSUER/.well-known/openid-configuration`). Authlib keeps the state, nonce and PKCE
   verifier in the session; the page to return to is kept there too.
2. `oidc_callback` receives the code, and Authlib exchanges it at the token endpoint (server to
   server, authenticated with the client secret) and checks the ID token: its signature against
   the provider's published keys, its issuer, audience, expiry and nonce.
3. `services.account_for_identity` finds the person: by the provider's subject identifier when
   they signed in this way before, else by the verified e-mail address, else makes an account
   (`OIDC_CREATE_ACCOUNTS`). Roles are never taken from the provider: they are granted in Kindred.
4. Django's `login()` with `IdentityProviderBackend`: the audit log records the sign-in, and
   Kindred's own two-factor step still applies to those who have it.

Every refusal (the provider's error, a stale or forged state, an unverified address, a closed
account, the provider unreachable) shows a page saying what happened, changes nothing and is
recorded in the audit log as a failed sign-in. Settings: README's table, `OIDC_*`; operators'
guide: docs/deploying.md; people's: docs/accounts.md.
"""

import logging
from functools import cache

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError

from kindred.accounts import services, throttle
from kindred.core.actions import problem_page, refusal_text

logger = logging.getLogger(__name__)

NEXT_SESSION_KEY = "kindred_oidc_next"
BACKEND = "kindred.accounts.backends.IdentityProviderBackend"


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def button_label() -> str:
    """What the sign-in page's button says."""
    if settings.OIDC_PROVIDER_NAME:
        return _("Sign in with %(provider)s") % {"provider": settings.OIDC_PROVIDER_NAME}
    return _("Sign in with your organisation's account")


@cache
def _client_for(issuer: str, client_id: str, client_secret: str, scopes: str, timeout: int):
    """Authlib's client for one configuration, kept for the life of the process, so the discovery
    document and the provider's keys are fetched once (Authlib fetches the keys again when a token
    is signed with a key it has not seen: the provider rotated its keys)."""
    registry = OAuth()
    return registry.register(
        name="identity_provider",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "default_timeout": timeout},
    )


def client():
    return _client_for(
        settings.OIDC_ISSUER,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_SCOPES,
        settings.OIDC_TIMEOUT_SECONDS,
    )


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _unavailable(request):
    return problem_page(
        request,
        _(
            "The sign-in service of your organisation did not answer. Try again in a few minutes; "
            "if it goes on, tell your site's administrator."
        ),
        back=reverse("login"),
        back_label=_("Back to sign-in"),
        status=502,
    )


@never_cache
@require_GET
def oidc_start(request):
    """Send the browser to the identity provider's sign-in page."""
    if not enabled():
        return problem_page(
            request, _("Signing in with an organisation's account is not set up here."), status=404
        )
    request.session[NEXT_SESSION_KEY] = _safe_next(request, request.GET.get("next"))
    try:
        return client().authorize_redirect(request, request.build_absolute_uri(reverse("oidc_callback")))
    except (requests.RequestException, OAuthError, ValueError, KeyError):
        logger.warning("The identity provider's discovery document could not be read.", exc_info=True)
        return _unavailable(request)


def _refused(request, message: str, *, reason: str, email: str = "", status: int = 403):
    services.identity_sign_in_refused(email=email, reason=reason, ip=throttle.client_ip(request))
    return problem_page(
        request, message, back=reverse("login"), back_label=_("Back to sign-in"), status=status
    )


@never_cache
@require_GET
def oidc_callback(request):
    """Where the identity provider sends the browser back: check the answer and sign the person in."""
    if not enabled():
        return problem_page(
            request, _("Signing in with an organisation's account is not set up here."), status=404
        )
    if "error" in request.GET:
        # The person cancelled at the provider, or the provider refused them.
        return _refused(
            request,
            _("Your organisation's sign-in service did not sign you in (it said: %(error)s).")
            % {"error": request.GET.get("error_description") or request.GET["error"]},
            reason=f"provider:{request.GET['error'][:60]}",
        )
    try:
        token = client().authorize_access_token(request)
    except MismatchingStateError:
        return _refused(
            request,
            _(
                "This sign-in link has expired or was opened in another browser. Start again from the sign-in page."
            ),
            reason="state",
            status=400,
        )
    except requests.RequestException:
        logger.warning("The identity provider's token endpoint could not be reached.", exc_info=True)
        return _unavailable(request)
    except (OAuthError, JoseError, ValueError, KeyError) as error:
        logger.warning("The identity provider's answer was refused: %s", error)
        return _refused(
            request,
            _(
                "Your organisation's sign-in service gave an answer Kindred could not trust. Start again from the sign-in page."
            ),
            reason="token",
            status=400,
        )
    claims = dict(token.get("userinfo") or {})
    try:
        user = services.account_for_identity(issuer=settings.OIDC_ISSUER, claims=claims)
    except ValidationError as error:
        return _refused(
            request,
            refusal_text(error),
            reason=error.code or "refused",
            email=str(claims.get("email", ""))[:254],
        )
    next_url = request.session.pop(NEXT_SESSION_KEY, None)
    login(request, user, backend=BACKEND)
    return redirect(_safe_next(request, next_url))
