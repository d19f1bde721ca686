"""Named locks for long work that must not run twice at once (a recompute), on SQLite and PostgreSQL.

A lock is a `core.Lock` row with a unique name: taking it inserts the row, and the database's unique
constraint lets only one of two concurrent takers in (on PostgreSQL the second insert waits for the
first transaction, then fails). A holder that ends, well or badly, removes its own row (and only its
own: each taking has its own token).

A holder that is killed (SIGKILL, the out-of-memory killer, a container stopped hard) runs no
clean-up, so its row stays. A dead holder must not keep the lock, and the next taker tells a dead
holder from a live one at once, not after a delay:

- on PostgreSQL, the holder also holds a session advisory lock (`pg_try_advisory_lock`) on a
  connection of its own, opened for the lock and closed with it. PostgreSQL ends a session whose
  client process died (the kernel closes its socket), and the advisory lock with it. So the advisory
  lock is the truth: a taker that gets it knows that any row left under the name is a dead holder's,
  removes it and takes the lock; a taker that does not get it is refused, whoever and wherever the
  holder is (another web server, another worker machine).
- on SQLite (one machine: the database is a file), the row records the holder's host and process
  id; a row of this host whose process is gone is a dead holder's.

Behind both, the row still expires `ttl` after its holder last renewed it (every progress report
does): the last resort where neither check can tell (a process id reused by another program).
"""

import hashlib
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kindred.core.models import Lock
from kindred.core.progress import Said, stored_message, worded

#: A held lock lapses this long after its holder last renewed it, where liveness cannot be told.
DEFAULT_TTL = timedelta(minutes=20)


class LockHeld(Exception):
    """The lock is held by someone else; the message says since when and by whom.

    `what` names the work as a message id (`gettext_noop("A recompute")`). The exception's text is
    in the active language; a failed job keeps `said`, worded for each reader (kindred.core.jobs)."""

    def __init__(self, lock: Lock, what: str):
        self.lock = lock
        self.said = Said(
            gettext_noop(
                "%(what)s is already running (started at %(when)s, by %(holder)s). Try again when it has finished."
            ),
            what=Said(what),
            when=lock.started_at,
            holder=Said.kept(lock.holder, lock.holder_params)
            if lock.holder
            else Said(gettext_noop("someone")),
        )
        super().__init__(worded(*stored_message(self.said)))


def here() -> Said:
    """This process, as a holder is described when no person is: the host and process id."""
    return Said(
        gettext_noop("the command line on %(host)s (process %(pid)d)"),
        host=socket.gethostname(),
        pid=os.getpid(),
    )


def advisory_key(name: str) -> int:
    """The lock's name as PostgreSQL's advisory lock key (a signed 64-bit number, the same everywhere)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _holder_alive(lock: Lock) -> bool:
    """Whether the holder of `lock` may still be running, as far as its host and process id tell.

    A holder on another host, or one that recorded no process, cannot be checked here: alive."""
    if lock.host != socket.gethostname() or lock.pid is None:
        return True
    return _process_alive(lock.pid)


def _advisory_held(name: str) -> bool:
    """PostgreSQL: whether some session holds the advisory lock of `name` in this database now."""
    key = advisory_key(name) & 0xFFFFFFFFFFFFFFFF
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s AND objid = %s AND objsubid = 1)",
            [key >> 32, key & 0xFFFFFFFF],
        )
        return bool(cursor.fetchone()[0])


def lock_current(name: str) -> Lock | None:
    """The lock `name` if a live holder holds it now, else None: for telling people before they queue work."""
    lock = Lock.objects.filter(name=name, expires_at__gte=timezone.now()).first()
    if lock is None:
        return None
    if connection.vendor == "postgresql":
        return lock if _advisory_held(name) else None
    return lock if _holder_alive(lock) else None


def _session_take(name: str):
    """PostgreSQL: a connection of its own holding the advisory lock of `name`, or None if a live
    session holds it. Elsewhere: True (nothing to take; the row's host and process id say)."""
    if connection.vendor != "postgresql":
        return True
    session = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with session.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [advisory_key(name)])
            taken = bool(cursor.fetchone()[0])
    except BaseException:
        session.close()
        raise
    if not taken:
        session.close()
        return None
    return session


def _session_release(session, name: str) -> None:
    if session is True:
        return
    try:
        with session.cursor() as cursor:  # at once: a closed session's lock goes when its backend exits
            cursor.execute("SELECT pg_advisory_unlock(%s)", [advisory_key(name)])
    except DatabaseError:  # the connection was lost: its lock went with it
        pass
    finally:
        with suppress(DatabaseError):
            session.close()


@contextmanager
def lock_hold(
    name: str, *, what: str, by=None, holder: str = "", ttl: timedelta = DEFAULT_TTL
) -> Iterator[Callable[[], None]]:
    """Hold the lock `name` for the block, or raise LockHeld at once if a live holder holds it.

    Yields `renew()`, to be called now and then (every progress report does): it pushes the expiry
    `ttl` ahead. `what` names the work in the refusal ("A recompute"); `holder` describes the holder
    (default: the person `by`, else this process): a message id, or a `Said` with its values, kept as
    such and worded for each reader who is refused.
    """
    token = uuid.uuid4().hex
    now = timezone.now()
    description, description_params = stored_message(
        holder or (str(by) if by is not None else here()), length=200
    )

    def refused() -> LockHeld:
        held = Lock.objects.filter(name=name).first()
        if held is None:  # released between our try and our look: say so rather than retry
            held = Lock(name=name, holder="", started_at=now, expires_at=now)
        return LockHeld(held, what)

    session = _session_take(name)
    if session is None:
        raise refused()
    try:
        with transaction.atomic():
            for left in Lock.objects.filter(name=name):
                # with the advisory lock taken, a row left under the name is a dead session's
                if session is not True or left.expires_at < now or not _holder_alive(left):
                    left.delete()
            try:
                with transaction.atomic():
                    Lock.objects.create(
                        name=name,
                        token=token,
                        holder=description,
                        holder_params=description_params,
                        held_by=by,
                        host=socket.gethostname()[:255],
                        pid=os.getpid(),
                        started_at=now,
                        expires_at=now + ttl,
                    )
            except IntegrityError:
                raise refused() from None
    except BaseException:
        _session_release(session, name)
        raise

    def renew() -> None:
        Lock.objects.filter(name=name, token=token).update(expires_at=timezone.now() + ttl)

    try:
        yield renew
    finally:
        try:
            Lock.objects.filter(name=name, token=token).delete()
        finally:
            _session_release(session, name)
