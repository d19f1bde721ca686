"""PostgreSQL: a trigram index on the schools' folded search key, so "contains" searches (the home
page's and the admin's, schools/selectors.school_search_q) use an index. Nothing on SQLite, where
reading 38,000 short keys takes a few milliseconds."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS schools_school_search_key_trgm ON schools_school "
    "USING GIN (search_key gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS schools_school_search_key_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("schools", "0007_school_search_key")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
