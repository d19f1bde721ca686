"""What Kindred's own database connections are set to (issue #26: the national load test)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's JIT"),
]


def test_the_jit_is_off_on_kindreds_postgresql_connections():
    # On the national trial it compiled the home page's 1 ms unread count for 1.9 s.
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
