from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from kindred.accounts import throttle
from kindred.accounts.models import User


class SignInDelayed(PermissionDenied):
    """A sign-in refused, without checking the password, because the account's delay is running."""


class SignInThrottleBackend(AxesStandaloneBackend):
    """The sign-in throttle (kindred.accounts.throttle), checked before the ordinary backend.

    Plain `authenticate()` calls without a request (the test client's `login()`, scripts) are
    left to the ordinary backend instead of raising AxesBackendRequestParameterRequired.
    """

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        username = throttle.sign_in_username(request, kwargs)
        if throttle.trusted_device(request, username) is None:
            wait = throttle.account_wait(username)
            if wait is not None:
                request.sign_in_wait = wait
                raise SignInDelayed("Sign-ins for this address are delayed.")
        # django-axes: the client IP's lock-out (trusted devices are on its allow list).
        return super().authenticate(request, *args, **kwargs)


def password_sign_in_allowed(email: str) -> bool:
    """Whether an account may sign in with a Kindred password: always, unless LOCAL_PASSWORDS is off;
    then only the break-glass administrator (BREAK_GLASS_ADMIN) may, and everyone else signs in
    through the organisation's identity provider (kindred/accounts/oidc.py)."""
    if settings.LOCAL_PASSWORDS:
        return True
    named = settings.BREAK_GLASS_ADMIN.strip().lower()
    return bool(named) and email.strip().lower() == named


class PeopleOnlyBackend(ModelBackend):
    """ModelBackend for people: an integration's account (a system's, docs/api.md "Integrations")
    is refused, at sign-in and when a session is loaded, so it never reaches a page even with a
    session made some other way. Its API tokens are checked elsewhere (api/auth.py)."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not getattr(user, "is_integration", False)


class PasswordBackend(PeopleOnlyBackend):
    """Django's e-mail-and-password check, refused for every account but the break-glass
    administrator when LOCAL_PASSWORDS is off (the sign-in page, the admin's and scripts alike)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username if username is not None else kwargs.get(User.USERNAME_FIELD)
        if email is None or not password_sign_in_allowed(str(email)):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class IdentityProviderBackend(PeopleOnlyBackend):
    """The backend recorded in the session of someone signed in through the identity provider.

    It checks no credentials itself (authenticate() always declines): the provider's ID token is
    checked in kindred/accounts/oidc.py, which then calls login() with this backend, so the session
    says how the person signed in and each request loads them as ModelBackend does.
    """

    def authenticate(self, request, **kwargs):
        return None
