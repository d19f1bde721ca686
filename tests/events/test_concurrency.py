"""Two people cancelling at the same moment: each promotes from the list the other left.

Runs on PostgreSQL only (SQLite serialises every writer, so there is no race to lose there).
Real threads, real connections, committed transactions.
"""

import threading

import pytest
from django.db import connection

from kindred.events.models import Registration
from kindred.events.services import registration_cancel, registration_create

from .conftest import FIRST

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs PostgreSQL's row locks"),
]


def test_two_cancellations_at_once_promote_two_different_people(training, make_user):
    people = [make_user(f"c{i}") for i in range(6)]
    regs = [registration_create(event=training, occurrence_start=FIRST, by=p) for p in people]
    assert [r.status for r in regs] == ["confirmed"] * 3 + ["waiting"] * 3
    barrier = threading.Barrier(2)
    errors = []

    def cancel(registration):
        try:
            barrier.wait()
            registration_cancel(registration=registration, by=registration.user)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in regs[:2]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert [statuses[r.pk] for r in regs] == [
        "cancelled",
        "cancelled",
        "confirmed",
        "confirmed",
        "confirmed",
        "waiting",
    ]
