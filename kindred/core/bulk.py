"""Fast bulk inserts for national-scale data: COPY on PostgreSQL, executemany on SQLite.

`Model.objects.bulk_create` builds one Python object per row, which is the slow part at
millions of rows. These helpers take plain tuples and hand them straight to the database
driver, in the caller's transaction.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models


def bulk_insert(
    table: str, columns: Sequence[str], rows: Iterable[Sequence], *, batch_size: int = 20_000
) -> int:
    """Insert `rows` (tuples in `columns` order) into `table`; returns how many were written."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({placeholders})"
        batch: list[Sequence] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def reset_sequence(model) -> None:
    """After inserting explicit ids on PostgreSQL, move the id sequence past them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


@contextmanager
def foreign_keys_validated_after(*tables: type[models.Model]) -> Iterator[None]:
    """Within a transaction on PostgreSQL: drop these tables' foreign keys, add them back at the end.

    Django's foreign keys are deferred triggers: a million inserted rows queue a million
    single-row checks for the commit. Adding a constraint back checks all rows with one join,
    many times faster. The constraints come back exactly as they were (pg_get_constraintdef);
    if the block raises, the transaction's rollback restores them. The tables are locked
    (ACCESS EXCLUSIVE) until the transaction ends. Elsewhere this does nothing.
    """
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_validated_after must run inside a transaction.")
    quote = connection.ops.quote_name
    dropped: list[tuple[str, str, str]] = []
    with connection.cursor() as cursor:
        # A table with checks still queued from earlier in the transaction cannot be altered: run
        # them now. Django makes every foreign key INITIALLY DEFERRED, so DEFERRED is the start state.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for model in tables:
            table = model._meta.db_table
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [quote(table)],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                dropped.append((table, name, definition))
    yield
    with connection.cursor() as cursor:
        for table, name, definition in dropped:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
