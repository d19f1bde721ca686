"""Cursor pagination: a page of a list in a fixed order, and an opaque cursor to the next page.

Keyset pagination, not offsets: the cursor holds the last row's sort key, so every page is one
indexed range read however deep it is, and rows added meanwhile neither repeat nor are skipped.
"""

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from ninja.errors import HttpError

from kindred.api.schemas import Paging
from kindred.core.changes import FIELD as CHANGED


@dataclass
class Page:
    items: list
    next_cursor: str | None


def encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as error:
        raise HttpError(400, "The cursor is not one this API gave.") from error
    if not isinstance(values, list) or len(values) != size or not all(_storable(v) for v in values):
        raise HttpError(400, "The cursor is not one this API gave.")
    return values


def _storable(value: Any) -> bool:
    """A key value either database can compare: text without NUL, or an integer within 64 bits."""
    if isinstance(value, str):
        return "\x00" not in value
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def page(rows: QuerySet, *, keys: tuple[str, ...], cursor: str | None, limit: int) -> Page:
    """`limit` rows of `rows` in the order of `keys` (each ascending, the last unique), after `cursor`."""
    rows = rows.order_by(*keys)
    if cursor:
        values = _decode(cursor, len(keys))
        after = Q(pk__in=[])
        for i, key in enumerate(keys):
            later = Q(**{f"{key}__gt": values[i]})
            for j in range(i):
                later &= Q(**{keys[j]: values[j]})
            after |= later
        # The first key's bound alone as well: what the database reads as a range of its index
        # (the OR above, it reads as a filter on every row before the cursor: 40 ms half-way down
        # 38,000 schools on PostgreSQL, then 0.5 ms).
        try:
            rows = rows.filter(after, **{f"{keys[0]}__gte": values[0]})
        except (TypeError, ValueError) as error:  # text where the key is a number
            raise HttpError(400, "The cursor is not one this API gave.") from error
    items = list(rows[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode([_key(items[-1], key) for key in keys]) if more else None
    return Page(items=items, next_cursor=next_cursor)


def changed_since(rows: QuerySet, when: datetime | None, *, through: str = "") -> QuerySet:
    """`rows` changed at or after `when` (all of them when it is None): their `updated_at`
    (core/changes.py), or that of the row `through` leads to (`"school__"`)."""
    return rows if when is None else rows.filter(**{f"{through}{CHANGED}__gte": when})


def page_of(
    rows: QuerySet,
    paging: Paging,
    *,
    keys: tuple[str, ...] = ("id",),
    each: Callable[[Any], dict] | None = None,
    items: Callable[[list], list] | None = None,
) -> dict:
    """The answer of every cursor-paged list: `{"items": [...], "next_cursor": ...}` for the page of
    `rows` that `paging` asks (changed since when, after which cursor, how many), in the order of
    `keys`. Each row is written by `each`, or the page's rows all at once by `items` (a list that
    asks something of its page's rows in one query, as the schools' categories)."""
    found = page(
        changed_since(rows, paging.changed_since), keys=keys, cursor=paging.cursor, limit=paging.limit
    )
    if items is not None:
        written = items(found.items)
    elif each is not None:
        written = [each(row) for row in found.items]
    else:
        written = found.items
    return {"items": written, "next_cursor": found.next_cursor}


def _key(row: Any, key: str) -> Any:
    if isinstance(row, dict):  # a row of .values()
        return row[key]
    value = row
    for part in key.split("__"):
        value = getattr(value, part)
    return value
