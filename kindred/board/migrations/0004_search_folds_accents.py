"""PostgreSQL search folds accents ("ysgol" finds "ysgôl"), as SQLite's FTS5 tokenizer already does.

A text search configuration `kindred_board`: the language-neutral `simple` plus `unaccent` (which
ships with PostgreSQL); the GIN indexes of 0002 are rebuilt on it. Nothing changes on SQLite.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION kindred_board (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION kindred_board ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "DROP INDEX IF EXISTS board_post_body_search",
    "DROP INDEX IF EXISTS board_thread_title_search",
    "CREATE INDEX board_post_body_search ON board_post USING GIN (to_tsvector('kindred_board', body))",
    "CREATE INDEX board_thread_title_search ON board_thread USING GIN (to_tsvector('kindred_board', title))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS board_post_body_search",
    "DROP INDEX IF EXISTS board_thread_title_search",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS kindred_board",
    "CREATE INDEX board_post_body_search ON board_post USING GIN (to_tsvector('simple', body))",
    "CREATE INDEX board_thread_title_search ON board_thread USING GIN (to_tsvector('simple', title))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("board", "0003_outbox_claims")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
