from axes.backends import AxesStandaloneBackend
from django.conf import settings


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, for sign-ins that arrive with a request (every web form does).

    Plain `authenticate()` calls without a request (the test client's `login()`, scripts) are
    left to the ordinary backend instead of raising AxesBackendRequestParameterRequired.
    """

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def sign_in_username(request, credentials) -> str:
    """The address a sign-in tried, as django-axes records it (AXES_USERNAME_CALLABLE).

    Cut to 254 characters, the longest valid e-mail address, so that an absurdly long one is
    still counted instead of overflowing axes' 255-character column (an error on PostgreSQL).
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    return str(value or "")[:254]
