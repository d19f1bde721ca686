"""The time of last change (`updated_at`, indexed) of developmentplan: for the API's incremental
syncs (core/changes.py). Added without rewriting the table and indexed CONCURRENTLY on PostgreSQL
(core/migration_ops.py), so the migration is not atomic."""

from django.db import migrations

from kindred.core.migration_ops import updated_at_added


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("plans", "0001_development_plans")]

    operations = updated_at_added("plans", "developmentplan")
