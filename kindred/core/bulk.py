"""Fast bulk inserts for national-scale data: COPY on PostgreSQL, multi-row INSERTs on SQLite.

`Model.objects.bulk_create` builds one Python object per row, which is the slow part at
millions of rows. These helpers take plain tuples and hand them straight to the database
driver, in the caller's transaction, or in one of their own when there is none: on SQLite, an
INSERT outside a transaction is a transaction of its own, and 760,000 of them took 117 s where one
took under 2 s (families of 38,000 schools).

On SQLite each statement inserts up to `SQLITE_ROWS_PER_INSERT` rows (`INSERT ... VALUES (...), (...)`)
rather than one row per statement through `executemany`: every statement run costs a reset, a bind of
its parameters one by one and, on a table with AUTOINCREMENT (every Django table), a read and a write
of `sqlite_sequence`; 760,000 rows into a bare AUTOINCREMENT table took 1.8 s of CPU by executemany and
0.4 s in statements of 500 rows.
"""

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain, islice

from django.db import connection, models, transaction

#: Rows a statement on SQLite (fewer when the columns times this pass the connection's parameter limit).
SQLITE_ROWS_PER_INSERT = 500


def bulk_insert(
    table: str, columns: Sequence[str], rows: Iterable[Sequence], *, batch_size: int = 20_000
) -> int:
    """Insert `rows` (tuples in `columns` order) into `table`; returns how many were written."""
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
            # wrap_database_errors: the driver's errors reach callers as Django's (IntegrityError...)
            with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        # Up to `per` rows a statement, bounded by the connection's limit on parameters. A plain cursor of
        # the driver's, with "?" placeholders: Django's scans every statement for "%s" to rewrite (2 ms
        # a statement of 7,000 parameters, 3 s of 740,000 rows).
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(SQLITE_ROWS_PER_INSERT, batch_size, limit // len(columns)))
        one = f"({', '.join(['?'] * len(columns))})"
        insert = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES "
        full = insert + ", ".join([one] * per)
        # rows taken a statement's worth at a time (not row by row in Python: 0.5 s of 1.5 million rows)
        remaining = iter(rows)
        plain = sqlite3.Cursor(connection.connection)
        with connection.wrap_database_errors:
            try:
                while batch := list(islice(remaining, per)):
                    sql = full if len(batch) == per else insert + ", ".join([one] * len(batch))
                    plain.execute(sql, list(chain.from_iterable(batch)))
                    written += len(batch)
            finally:
                plain.close()
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
        _run_queued_checks(cursor)
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
        _run_queued_checks(cursor)
        for table, name, definition in dropped:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


@contextmanager
def indexes_rebuilt_after(*tables: type[models.Model]) -> Iterator[None]:
    """Within a transaction: drop these tables' secondary indexes, build them again at the end.

    Building an index once over sorted rows is much faster than updating it row by row during a
    load of hundreds of thousands of rows. Unique indexes and constraints come back too, and
    refuse the load (IntegrityError, rolling it back) if it broke them. Primary keys, and indexes
    SQLite makes itself for UNIQUE columns, stay. The tables are analysed at the end (the planner's
    statistics). On PostgreSQL the tables are locked until the transaction ends; use it for loads,
    not for everyday writes.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_rebuilt_after must run inside a transaction.")
    quote = connection.ops.quote_name
    names = [model._meta.db_table for model in tables]
    drop: list[str] = []
    create: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                f"({', '.join(['%s'] * len(names))}) ORDER BY name",
                names,
            )
            for name, sql in cursor.fetchall():
                drop.append(f"DROP INDEX {quote(name)}")
                create.append(sql)
        elif connection.vendor == "postgresql":
            _run_queued_checks(cursor)
            # Unique constraints (not primary keys) are dropped and added back as constraints ...
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = ANY(%s::regclass[]) AND contype = 'u' ORDER BY conname",
                [[quote(n) for n in names]],
            )
            for table, name, definition in cursor.fetchall():
                drop.append(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
                create.append(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            # ... and plain indexes (not those behind a constraint) as indexes.
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [[quote(n) for n in names]],
            )
            for name, definition in cursor.fetchall():
                drop.append(f"DROP INDEX {name}")
                create.append(definition)
        for statement in drop:
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _run_queued_checks(cursor)
        for statement in create:
            cursor.execute(statement)
        # The planner's statistics of the loaded tables, at once: without them PostgreSQL guesses
        # (17 active memberships where there were 3,000, and a nested loop that took a digest chunk
        # 10 s), until autovacuum gets to the tables, or never where autovacuum is off.
        for name in names:
            cursor.execute(f"ANALYZE {quote(name)}")


@contextmanager
def sqlite_triggers_paused(triggers: Sequence[str], catch_up: Sequence[str]) -> Iterator[None]:
    """Within a transaction on SQLite: drop these triggers, then run `catch_up` and create them again.

    For search indexes kept by per-row triggers (FTS5 tables): a load of 500,000 rows fires
    500,000 single-row index updates; one INSERT ... SELECT of the loaded rows at the end (the
    `catch_up` statements) builds the same index entries in one pass. The triggers come back
    exactly as they were (their SQL from sqlite_master); if the block raises, the rollback restores
    them. Elsewhere this does nothing (PostgreSQL's search indexes are plain indexes:
    `indexes_rebuilt_after`).
    """
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("sqlite_triggers_paused must run inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join(['%s'] * len(triggers))}) ORDER BY name",
            list(triggers),
        )
        found = cursor.fetchall()
        if len(found) != len(triggers):
            missing = set(triggers) - {name for name, _sql in found}
            raise RuntimeError(f"No such triggers: {', '.join(sorted(missing))}.")
        for name, _sql in found:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for statement in catch_up:
            cursor.execute(statement)
        for _name, sql in found:
            cursor.execute(sql)


def _run_queued_checks(cursor) -> None:
    """PostgreSQL: run the deferred constraint checks queued so far in this transaction.

    A table with checks still queued cannot be altered. Django makes every foreign key
    INITIALLY DEFERRED, so setting them back to DEFERRED restores the start state.
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
