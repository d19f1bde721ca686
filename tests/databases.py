"""A scratch database beside the one under test, for tests that run Kindred's own commands on a site
of their own (a restore, the deployment recipe)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection


@contextmanager
def scratch_database(sqlite_file: Path, *, suffix: str) -> Iterator[str]:
    """The URL of a new, empty database of the engine under test: `sqlite_file` on SQLite (not yet
    created), on PostgreSQL a database named after the test database and `suffix`, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{sqlite_file}"
        return
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    try:
        yield (
            f"postgres://{settings_dict['USER']}{password}@{settings_dict['HOST'] or 'localhost'}:"
            f"{settings_dict['PORT'] or 5432}/{name}"
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
