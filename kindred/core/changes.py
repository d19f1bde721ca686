"""Each row's time of last change (`updated_at`), kept by every way Kindred writes the row, so that
an integration can ask for what changed since its last sync (`?changed_since=` on the API's lists,
docs/api.md, "A nightly sync").

`auto_now` alone keeps it only on `Model.save()` without `update_fields`. The other write paths are
covered here, once, rather than at each call:

- `save(update_fields=[...])`: `ChangeTracked.save` adds `updated_at` to the fields written; a save
  of a row read from the database and changed in nothing keeps its time (an edit form sent back as
  it was);
- `QuerySet.update(...)` and `bulk_update(...)`: `ChangeTrackedQuerySet` sets it too (a custom
  queryset of a tracked model must derive from it; `tests/core/test_changes.py` checks they all do);
- `bulk_create`: Django's insert calls `pre_save`, which `auto_now` fills;
- plain-tuple inserts (`core/bulk.bulk_insert`, COPY on PostgreSQL) that do not name the column: the
  database's own default, `now()` (`db_default`);
- the importer's executemany UPDATE (`schools/importing/writing._update_rows`) sets it itself.

Times are the writer's clock at the write, not at the commit: a row written inside a long transaction
(an import of the whole registry) carries a time before the commit. A sync therefore asks from a
little before its previous run began (docs/api.md: the overlap), and applies rows idempotently.

Adding the column to an existing table is cheap on PostgreSQL (11 and later): a NOT NULL column whose
default is `now()` (stable, not volatile) is added without rewriting the table, every existing row
reading the migration's time; only its index is built by reading the table (docs/deploying.md,
migration notes).
"""

from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

FIELD = "updated_at"


class ChangeTrackedQuerySet(models.QuerySet):
    """`update` and `bulk_update` set `updated_at` as well, unless the caller sets it."""

    def update(self, **kwargs: Any) -> int:
        kwargs.setdefault(FIELD, timezone.now())
        return super().update(**kwargs)

    def bulk_update(
        self, objs: Iterable[models.Model], fields: Sequence[str], *args: Any, **kwargs: Any
    ) -> int:
        objs = list(objs)
        if FIELD not in fields:
            now = timezone.now()
            for obj in objs:
                setattr(obj, FIELD, now)
            fields = [*fields, FIELD]
        return super().bulk_update(objs, fields, *args, **kwargs)


class ChangeTracked(models.Model):
    """An abstract model with `updated_at`, the time of the row's last change (indexed)."""

    updated_at = models.DateTimeField(auto_now=True, db_default=Now(), db_index=True)

    objects = ChangeTrackedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Saved with its time of last change, unless nothing changed since it was read: an edit
        form sent back unchanged (a page's or the admin's) is no change for a sync. (Every column is
        written either way; only the time is kept.)"""
        fields = kwargs.get("update_fields")
        wanted = None if fields is None else {self._meta.get_field(f).attname for f in fields}
        stored = getattr(self, "_stored", None)
        now = self._values()
        names = [
            n for n in now if n not in (FIELD, self._meta.pk.attname) and (wanted is None or n in wanted)
        ]
        if stored is not None and not self._state.adding and all(now[n] == stored.get(n) for n in names):
            kwargs["update_fields"] = names
        elif fields is not None and FIELD not in fields:
            kwargs["update_fields"] = [*fields, FIELD]
        super().save(*args, **kwargs)
        self._stored = self._values()

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Any:
        row = super().from_db(db, field_names, values)
        row._stored = row._values()  # to tell a save that changes nothing (above)
        return row

    def _values(self) -> dict[str, Any]:
        """The loaded columns' values (copies of JSON ones, which may be changed in place)."""
        loaded = self._meta.concrete_fields
        values = self.__dict__
        return {
            f.attname: deepcopy(values[f.attname])
            if isinstance(values[f.attname], dict | list)
            else values[f.attname]
            for f in loaded
            if f.attname in values
        }


def touch(model: type[models.Model], pks: Iterable[int], *, at: datetime | None = None) -> int:
    """Mark these rows changed (e.g. a school whose support category changed, a column of another
    table shown with it); returns how many. In chunks, within any database's parameter limit."""
    pks = list(pks)
    at = at or timezone.now()
    done = 0
    for start in range(0, len(pks), 10_000):
        done += model._default_manager.filter(pk__in=pks[start : start + 10_000]).update(**{FIELD: at})
    return done
