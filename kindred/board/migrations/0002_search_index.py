"""Full-text search over posts: GIN indexes on PostgreSQL, an FTS5 table kept by triggers on SQLite.

See kindred/board/search.py for the queries that use them.

On PostgreSQL the indexes are built CONCURRENTLY (outside a transaction, so the migration is not
atomic): a plain CREATE INDEX holds a SHARE lock on board_post while it builds, and with 500,000
posts that was 85 s in which nobody could post (benchmarks/bench_migrations.py). On SQLite the
statements run in one transaction as before.
"""

from django.db import migrations, transaction

POSTGRESQL = [
    # A concurrent build that failed leaves an invalid index of the name: dropped first.
    "DROP INDEX CONCURRENTLY IF EXISTS board_post_body_search",
    "DROP INDEX CONCURRENTLY IF EXISTS board_thread_title_search",
    "CREATE INDEX CONCURRENTLY board_post_body_search ON board_post USING GIN (to_tsvector('simple', body))",
    "CREATE INDEX CONCURRENTLY board_thread_title_search ON board_thread USING GIN (to_tsvector('simple', title))",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS board_post_body_search",
    "DROP INDEX IF EXISTS board_thread_title_search",
]

SQLITE = [
    # remove_diacritics 2 folds accented letters ("ysgôl" and "ysgol" match).
    "CREATE VIRTUAL TABLE board_post_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2')",
    """CREATE TRIGGER board_post_fts_insert AFTER INSERT ON board_post BEGIN
         INSERT INTO board_post_fts (rowid, title, body)
         VALUES (new.id, (SELECT title FROM board_thread WHERE id = new.thread_id), new.body);
       END""",
    """CREATE TRIGGER board_post_fts_update AFTER UPDATE OF body ON board_post BEGIN
         UPDATE board_post_fts SET body = new.body WHERE rowid = new.id;
       END""",
    """CREATE TRIGGER board_post_fts_delete AFTER DELETE ON board_post BEGIN
         DELETE FROM board_post_fts WHERE rowid = old.id;
       END""",
    """CREATE TRIGGER board_thread_fts_title AFTER UPDATE OF title ON board_thread BEGIN
         UPDATE board_post_fts SET title = new.title
         WHERE rowid IN (SELECT id FROM board_post WHERE thread_id = new.id);
       END""",
    "INSERT INTO board_post_fts (rowid, title, body) "
    "SELECT p.id, t.title, p.body FROM board_post p JOIN board_thread t ON t.id = p.thread_id",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS board_post_fts_insert",
    "DROP TRIGGER IF EXISTS board_post_fts_update",
    "DROP TRIGGER IF EXISTS board_post_fts_delete",
    "DROP TRIGGER IF EXISTS board_thread_fts_title",
    "DROP TABLE IF EXISTS board_post_fts",
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
    dependencies = [("board", "0001_threads_posts_read_state_notifications")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
