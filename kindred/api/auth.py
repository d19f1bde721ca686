"""Who is calling: the bearer token of every API request, checked and counted (docs/api.md, "Tokens").

`Authorization: Bearer kd_...` names a live token (not revoked, not expired, its person active);
anything else is 401. Each request is counted against the token's rate limit, a fixed window of a
minute (`API_REQUESTS_PER_MINUTE`) held on the token's own row by `core.ratelimit.window_hit`, so
it holds across processes; past it the answer is 429 with `Retry-After`. The request then acts as
the token's person (`request.user`), through the same permission layer as the pages.
"""

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from kindred.accounts.models import User
from kindred.api.models import ApiToken
from kindred.api.selectors import token_presented
from kindred.core import ratelimit


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Rate limit reached; retry after {retry_after} s.")
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    openapi_description = "A Kindred API token (kd_...), made on your account's API tokens page."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = token_presented(token)
        if found is None:
            return None
        now = timezone.now()
        wait = ratelimit.window_hit(
            ApiToken.objects.filter(pk=found.pk),
            limit=settings.API_REQUESTS_PER_MINUTE,
            window=timedelta(minutes=1),
            now=now,
            last_used_at=now,
        )
        if wait:
            raise RateLimited(wait)
        request.user = found.user
        return found


def caller(request: HttpRequest) -> tuple[User, ApiToken]:
    """The person a request acts as and the token it came with (after TokenAuth let it in)."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.user, token
