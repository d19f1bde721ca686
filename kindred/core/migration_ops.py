"""Migration operations several apps share.

`updated_at_added`: the time of last change (core/changes.py `ChangeTracked`) added to tables that
may be large (schools, measure values, registrations), without stopping the site on PostgreSQL:

1. the column, NOT NULL with the database default `STATEMENT_TIMESTAMP()` (Django's `Now()`): on
   PostgreSQL 11 and later a non-volatile default is stored once in the catalogue, so the table is
   not rewritten and every existing row reads the migration's time (a sync asking for changes since
   an earlier time gets them all, which is right: their earlier changes were never recorded);
2. its index built `CONCURRENTLY` (reads and writes go on while it builds; the migration is not
   atomic, as docs/deploying.md asks of an index on a large table); an invalid index left by a build
   that failed is dropped first. On SQLite the column is added by copying the table, as Django does,
   and the index is built plainly.

The index is named as Django names a `db_index` field's, so the state and the database agree.
"""

from collections.abc import Callable

from django.db import migrations, models
from django.db.models.functions import Now

COLUMN = "updated_at"


def _field(*, db_index: bool) -> models.DateTimeField:
    return models.DateTimeField(auto_now=True, db_default=Now(), db_index=db_index)


def _indexes(app_label: str, model_names: tuple[str, ...], *, create: bool) -> Callable:
    def run(apps, schema_editor) -> None:
        postgresql = schema_editor.connection.vendor == "postgresql"
        quote = schema_editor.quote_name
        for name in model_names:
            table = apps.get_model(app_label, name)._meta.db_table
            index = schema_editor._create_index_name(table, [COLUMN])
            concurrently = " CONCURRENTLY" if postgresql else ""
            schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {quote(index)}")
            if create:
                schema_editor.execute(
                    f"CREATE INDEX{concurrently} {quote(index)} ON {quote(table)} ({quote(COLUMN)})"
                )

    return run


def updated_at_added(app_label: str, *model_names: str) -> list[migrations.operations.base.Operation]:
    """The operations adding `updated_at` to these models (lower-case names); the migration holding
    them must say `atomic = False`."""
    operations: list[migrations.operations.base.Operation] = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(name, COLUMN, _field(db_index=False)) for name in model_names
            ],
            state_operations=[
                migrations.AddField(name, COLUMN, _field(db_index=True)) for name in model_names
            ],
        )
    ]
    operations.append(
        migrations.RunPython(
            _indexes(app_label, model_names, create=True), _indexes(app_label, model_names, create=False)
        )
    )
    return operations
