"""Per-person limits on writing (posts, threads, join requests): counted from the rows a person
already wrote in a window, so they hold across processes and restarts without a cache.

`check` runs inside the write's transaction, before anything is written, and raises the
ValidationError the view shows; a limit of 0 turns it off (the settings are in README's table).
Locking the person's own row first makes concurrent writes by one person (60 replies sent at
once) wait for each other on PostgreSQL, so the count is exact; SQLite writes one at a time anyway.

Reads leave no row to count, so `window_hit` counts them on a row of their own (an API token's):
a fixed window held in two columns, moved on by conditional UPDATEs, so it too holds across
processes and restarts, and two requests at once cannot both take the last place.
"""

import math
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils import timezone

_suspended: ContextVar[bool] = ContextVar("ratelimit_suspended", default=False)


@contextmanager
def suspended():
    """Writes made by Kindred itself rather than by a person at a page (the demo's seeding) are
    not limited inside this block."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def is_suspended() -> bool:
    return _suspended.get()


def check(
    recent: QuerySet, *, person, limit: int, window: timedelta, message: str, field: str = "created_at"
) -> None:
    """Refuse with `message` (formatted with `n`, the limit) when `person` already wrote `limit` rows
    of `recent` in the last `window`."""
    if limit <= 0 or _suspended.get() or person is None or not getattr(person, "is_authenticated", False):
        return
    list(get_user_model().objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True))
    if recent.filter(**{f"{field}__gte": timezone.now() - window}).count() >= limit:
        raise ValidationError(message % {"n": limit}, code="rate_limited")


def window_hit(row: QuerySet, *, limit: int, window: timedelta, now: datetime | None = None, **also) -> int:
    """Count one request against the fixed window on `row` (a queryset of one row with the columns
    `window_started_at` and `window_count`), also setting the fields in `also` when it is counted.

    Returns 0 when the request is within `limit` (a limit of 0 turns it off), else the whole seconds
    until the window ends (for Retry-After).
    """
    if limit <= 0:
        return 0
    now = now or timezone.now()
    opened = now - window
    if row.filter(window_started_at__gt=opened, window_count__lt=limit).update(
        window_count=F("window_count") + 1, **also
    ):
        return 0
    if row.filter(Q(window_started_at__lte=opened) | Q(window_started_at__isnull=True)).update(
        window_started_at=now, window_count=1, **also
    ):
        return 0
    started = row.values_list("window_started_at", flat=True).first()
    if started is None:
        return 0  # the row is gone: nothing left to count against
    return max(1, math.ceil((started + window - now).total_seconds()))
