"""A lock whose holder was killed (no clean-up ran, its row stayed) is taken at once by the next
taker, not after the row's 20 minutes lapse; a live holder's is still refused."""

import socket
import subprocess
import sys
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from kindred.core.locks import LockHeld, advisory_key, lock_current, lock_hold
from kindred.core.models import Lock


def dead_pid() -> int:
    """The id of a process of this host that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def left_behind(*, host: str, pid: int) -> Lock:
    """The row a holder killed a minute ago left: 19 minutes before it would lapse."""
    now = timezone.now()
    return Lock.objects.create(
        name="drill",
        token="killed",
        holder="a worker that was killed",
        host=host,
        pid=pid,
        started_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(minutes=19),
    )


@pytest.mark.django_db
def test_a_lock_left_by_a_killed_process_of_this_host_is_taken_at_once():
    left_behind(host=socket.gethostname(), pid=dead_pid())
    assert lock_current("drill") is None  # nobody is told to wait for it
    with lock_hold("drill", what="A drill", holder="the next one"):
        assert Lock.objects.get(name="drill").holder == "the next one"
    assert not Lock.objects.exists()


@pytest.mark.django_db
def test_a_lock_whose_holder_runs_is_refused():
    with lock_hold("drill", what="A drill", holder="the first one"):
        assert lock_current("drill") is not None
        with pytest.raises(LockHeld, match="by the first one"), lock_hold("drill", what="A drill"):
            pass  # pragma: no cover - refused
    assert not Lock.objects.exists()


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite can tell only a process of its own host")
def test_on_sqlite_a_lock_of_another_host_waits_for_its_lapse():
    left_behind(host="another-host", pid=dead_pid())
    with pytest.raises(LockHeld), lock_hold("drill", what="A drill"):
        pass  # pragma: no cover - refused


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the advisory lock: PostgreSQL")
def test_on_postgresql_a_row_whose_session_is_gone_is_taken_whatever_host_it_names():
    left_behind(host="another-host", pid=1)
    assert lock_current("drill") is None
    with lock_hold("drill", what="A drill", holder="the next one"):
        assert lock_current("drill").holder == "the next one"
        assert drill_advisory_locks() == 1  # and the advisory lock is held while the row is
    assert drill_advisory_locks() == 0


def drill_advisory_locks() -> int:
    """Sessions holding the drill's advisory lock in this database (other test workers hold others)."""
    key = advisory_key("drill") & 0xFFFFFFFFFFFFFFFF
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid = %s AND objid = %s",
            [key >> 32, key & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0]
