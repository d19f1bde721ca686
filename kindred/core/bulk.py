"""Fast bulk inserts for national-scale data: COPY on PostgreSQL, executemany on SQLite.

`Model.objects.bulk_create` builds one Python object per row, which is the slow part at
millions of rows. These helpers take plain tuples and hand them straight to the database
driver, in the caller's transaction.
"""

from collections.abc import Iterable, Sequence

from django.db import connection


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
