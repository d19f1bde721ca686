"""What every write endpoint shares (docs/api.md, "Writing").

A write acts as the token's person through the same services, permission layer and audit log as
the pages; what is here only says which token may write, keeps a region token to its region, and
checks what was sent with the page's own form, so that the API refuses exactly what the page does.
Refusals become answers in `api/v1.py`: PermissionDenied 403, a service's ValidationError 422
(429 for the per-person limits on writing), `Refused` (a form's errors) 422.
"""

from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpRequest

from kindred.accounts.models import User
from kindred.api.auth import caller
from kindred.api.models import ApiToken


class Refused(Exception):
    """What was sent is not what the page's form takes: nothing was written."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))
        self.errors = errors


def writer(request: HttpRequest) -> tuple[User, ApiToken]:
    """The person and token of a write: 403 for a read-only token, before anything is looked up."""
    user, token = caller(request)
    if token.scope != ApiToken.Scope.WRITE:
        raise PermissionDenied(
            "This token may only read: writing needs a token with the read-and-write scope."
        )
    return user, token


def within_region(token: ApiToken, *region_ids: int | None, what: str = "object") -> None:
    """404 when a region token writes to something outside its region (as it reads: not there)."""
    if token.region_id is not None and token.region_id not in region_ids:
        raise Http404(f"No such {what}.")


def cleaned(form: BaseForm) -> dict:
    """The form's cleaned data, or `Refused` with its errors by field ("__all__" for the whole form)."""
    if not form.is_valid():
        raise Refused({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    return form.cleaned_data
