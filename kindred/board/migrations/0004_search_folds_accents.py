"""PostgreSQL search folds accents ("ysgol" finds "ysgôl"), as SQLite's FTS5 tokenizer already does.

A text search configuration `kindred_board`: the language-neutral `simple` plus `unaccent` (which
ships with PostgreSQL); the GIN indexes of 0002 are rebuilt on it. Nothing changes on SQLite.

The new indexes are built CONCURRENTLY under other names, then swapped for the old ones (dropped
CONCURRENTLY, the new renamed), outside a transaction (the migration is not atomic): dropping and
building them in one transaction held an ACCESS EXCLUSIVE lock on board_post and board_thread for
the whole build, 76 s with 500,000 posts in which no board could even be read
(benchmarks/bench_migrations.py). Search keeps working on the old indexes meanwhile.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kindred_board CASCADE",  # a run that failed midway
    "CREATE TEXT SEARCH CONFIGURATION kindred_board (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION kindred_board ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "DROP INDEX CONCURRENTLY IF EXISTS board_post_body_search_new",
    "DROP INDEX CONCURRENTLY IF EXISTS board_thread_title_search_new",
    "CREATE INDEX CONCURRENTLY board_post_body_search_new ON board_post "
    "USING GIN (to_tsvector('kindred_board', body))",
    "CREATE INDEX CONCURRENTLY board_thread_title_search_new ON board_thread "
    "USING GIN (to_tsvector('kindred_board', title))",
    "DROP INDEX CONCURRENTLY IF EXISTS board_post_body_search",
    "DROP INDEX CONCURRENTLY IF EXISTS board_thread_title_search",
    "ALTER INDEX board_post_body_search_new RENAME TO board_post_body_search",
    "ALTER INDEX board_thread_title_search_new RENAME TO board_thread_title_search",
]
BACKWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS board_post_body_search_old",
    "DROP INDEX CONCURRENTLY IF EXISTS board_thread_title_search_old",
    "CREATE INDEX CONCURRENTLY board_post_body_search_old ON board_post USING GIN (to_tsvector('simple', body))",
    "CREATE INDEX CONCURRENTLY board_thread_title_search_old ON board_thread "
    "USING GIN (to_tsvector('simple', title))",
    "DROP INDEX CONCURRENTLY IF EXISTS board_post_body_search",
    "DROP INDEX CONCURRENTLY IF EXISTS board_thread_title_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kindred_board",
    "ALTER INDEX board_post_body_search_old RENAME TO board_post_body_search",
    "ALTER INDEX board_thread_title_search_old RENAME TO board_thread_title_search",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("board", "0003_outbox_claims")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
