"""Finding people by part of a name or e-mail address at national scale (870,000 people).

- PostgreSQL: the `pg_trgm` extension (it ships with PostgreSQL) and trigram GIN indexes on
  `UPPER(email)` and `UPPER(full_name)`, the expressions Django's `icontains` compares, so the
  admin's search ("contains", anywhere in the text) uses an index instead of reading every person.
- SQLite: an FTS5 table `accounts_user_fts` over the same two columns (external content: it keeps
  only the index), kept by triggers; the admin searches it for words *starting with* what was
  typed (see accounts/search.py).

On PostgreSQL the indexes are built CONCURRENTLY (outside a transaction, so the migration is not
atomic): a plain CREATE INDEX holds a SHARE lock on accounts_user while it builds, and on the
national trial (870,000 people) that was 105 s without a sign-in or a new account
(benchmarks/bench_migrations.py, docs/deploying.md "Upgrading"). On SQLite the statements run in
one transaction as before.
"""

from django.db import migrations, transaction

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # A concurrent build that failed leaves an invalid index of the name: dropped first.
    "DROP INDEX CONCURRENTLY IF EXISTS accounts_user_email_trgm",
    "DROP INDEX CONCURRENTLY IF EXISTS accounts_user_full_name_trgm",
    "CREATE INDEX CONCURRENTLY accounts_user_email_trgm ON accounts_user "
    "USING GIN ((UPPER(email::text)) gin_trgm_ops)",
    "CREATE INDEX CONCURRENTLY accounts_user_full_name_trgm ON accounts_user "
    "USING GIN ((UPPER(full_name::text)) gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS accounts_user_email_trgm",
    "DROP INDEX IF EXISTS accounts_user_full_name_trgm",
]

SQLITE = [
    "CREATE VIRTUAL TABLE accounts_user_fts USING fts5(full_name, email, content = 'accounts_user', "
    "content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER accounts_user_fts_insert AFTER INSERT ON accounts_user BEGIN
         INSERT INTO accounts_user_fts (rowid, full_name, email) VALUES (new.id, new.full_name, new.email);
       END""",
    """CREATE TRIGGER accounts_user_fts_update AFTER UPDATE OF full_name, email ON accounts_user BEGIN
         INSERT INTO accounts_user_fts (accounts_user_fts, rowid, full_name, email)
         VALUES ('delete', old.id, old.full_name, old.email);
         INSERT INTO accounts_user_fts (rowid, full_name, email) VALUES (new.id, new.full_name, new.email);
       END""",
    """CREATE TRIGGER accounts_user_fts_delete AFTER DELETE ON accounts_user BEGIN
         INSERT INTO accounts_user_fts (accounts_user_fts, rowid, full_name, email)
         VALUES ('delete', old.id, old.full_name, old.email);
       END""",
    "INSERT INTO accounts_user_fts (accounts_user_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_user_fts_insert",
    "DROP TRIGGER IF EXISTS accounts_user_fts_update",
    "DROP TRIGGER IF EXISTS accounts_user_fts_delete",
    "DROP TABLE IF EXISTS accounts_user_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        statements = statements_by_vendor.get(connection.vendor, [])
        if connection.vendor == "postgresql":  # CONCURRENTLY: each statement on its own
            for sql in statements:
                schema_editor.execute(sql)
        else:
            with transaction.atomic(using=connection.alias):
                for sql in statements:
                    schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("accounts", "0004_user_language")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
