from axes.backends import AxesStandaloneBackend


class SignInThrottleBackend(AxesStandaloneBackend):
    """django-axes' lock-out check, for sign-ins that arrive with a request (every web form does).

    Plain `authenticate()` calls without a request (the test client's `login()`, scripts) are
    left to the ordinary backend instead of raising AxesBackendRequestParameterRequired.
    """

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
