"""Migration networks/0009: a group's waiting ask to become a formal network, stored before as
`Network.formal_requested_at`, becomes a waiting `FormalRequest` with the same time; a group that
had not asked gets none."""

from datetime import UTC, datetime

import pytest

from kindred.networks.models import FormalRequest

BEFORE = [("networks", "0008_time_of_last_change")]


@pytest.mark.django_db(transaction=True)
def test_a_waiting_ask_stored_before_becomes_a_waiting_formal_request(teacher_x, school_x):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("networks", "Network")
    asked_at = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
    asking = old.objects.create(
        name="Asking", kind="subject", informal=True, started_by_id=teacher_x.pk, formal_requested_at=asked_at
    )
    quiet = old.objects.create(name="Quiet", kind="subject", informal=True, started_by_id=teacher_x.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    ask = FormalRequest.objects.get(network_id=asking.pk)
    assert (ask.status, ask.created_at, ask.requested_by) == ("pending", asked_at, None)
    assert not FormalRequest.objects.filter(network_id=quiet.pk).exists()
