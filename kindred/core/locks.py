"""Named locks for long work that must not run twice at once (a recompute), on SQLite and PostgreSQL.

A lock is a `core.Lock` row with a unique name: taking it inserts the row, and the database's unique
constraint lets only one of two concurrent takers in (on PostgreSQL the second insert waits for the
first transaction, then fails). The row expires `ttl` after it was last renewed; the holder renews it
whenever it reports progress, and a crashed holder (killed worker, power cut) stops renewing, so the
next taker finds it expired, removes it and takes the lock. A holder that ends, well or badly, removes
its own row (and only its own: each taking has its own token).
"""

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kindred.core.models import Lock

#: A held lock lapses this long after its holder last renewed it.
DEFAULT_TTL = timedelta(minutes=20)


class LockHeld(Exception):
    """The lock is held by someone else; the message says since when and by whom."""

    def __init__(self, lock: Lock, what: str):
        self.lock = lock
        when = date_format(timezone.localtime(lock.started_at), "DATETIME_FORMAT")
        super().__init__(
            _(
                "%(what)s is already running (started at %(when)s, by %(holder)s). Try again when it has finished."
            )
            % {"what": what, "when": when, "holder": lock.holder or _("someone")}
        )


def here() -> str:
    """This process, as a holder is described when no person is: the host and process id."""
    return _("the command line on %(host)s (process %(pid)d)") % {
        "host": socket.gethostname(),
        "pid": os.getpid(),
    }


def lock_current(name: str) -> Lock | None:
    """The lock `name` if someone holds it now (not lapsed), else None: for telling people before they queue work."""
    return Lock.objects.filter(name=name, expires_at__gte=timezone.now()).first()


@contextmanager
def lock_hold(
    name: str, *, what: str, by=None, holder: str = "", ttl: timedelta = DEFAULT_TTL
) -> Iterator[Callable[[], None]]:
    """Hold the lock `name` for the block, or raise LockHeld at once if someone else holds it.

    Yields `renew()`, to be called now and then (every progress report does): it pushes the expiry
    `ttl` ahead. `what` names the work in the refusal ("A recompute"); `holder` describes the holder
    (default: the person `by`, else this process).
    """
    token = uuid.uuid4().hex
    now = timezone.now()
    description = holder or (str(by) if by is not None else here())
    with transaction.atomic():
        Lock.objects.filter(name=name, expires_at__lt=now).delete()  # a crashed holder's
        try:
            with transaction.atomic():
                Lock.objects.create(
                    name=name,
                    token=token,
                    holder=description[:200],
                    held_by=by,
                    started_at=now,
                    expires_at=now + ttl,
                )
        except IntegrityError:
            held = Lock.objects.filter(name=name).first()
            if held is None:  # released between our insert and our look: say so rather than retry
                held = Lock(name=name, holder="", started_at=now, expires_at=now)
            raise LockHeld(held, what) from None

    def renew() -> None:
        Lock.objects.filter(name=name, token=token).update(expires_at=timezone.now() + ttl)

    try:
        yield renew
    finally:
        Lock.objects.filter(name=name, token=token).delete()
