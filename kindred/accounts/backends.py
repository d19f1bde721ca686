from axes.backends import AxesStandaloneBackend
from django.core.exceptions import PermissionDenied

from kindred.accounts import throttle


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
