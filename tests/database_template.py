"""One migration per test run, however many workers: the first xdist worker migrates a template
database and every worker copies it.

Kindred's migrations take about 20 CPU seconds to apply (most of it Django rendering the models'
history, not SQL). Each of CI's four workers applied them, on both halves: eight times 20 CPU s on two
cores. With a template, the first worker to arrive migrates it (the others wait on a file lock) and
each worker copies it:

- SQLite: the template is a file; each worker's test database stays in memory (as Django makes it)
  and is filled from the file with SQLite's backup API.
- PostgreSQL: `CREATE DATABASE <the worker's usual test database> TEMPLATE <the template>`, one at a
  time (PostgreSQL refuses to copy a database another session is using).

The controlling process drops the template when the run ends (`drop_template`). A run with one
process (`-n 0`), with --reuse-db or --nomigrations, or on another engine sets up as pytest-django does.
"""

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: every worker migrates its own database, as pytest-django does
    fcntl = None  # type: ignore[assignment]

#: The in-memory database Django's SQLite backend makes for tests (creation._get_test_db_name).
SQLITE_MEMORY = "file:memorydb_default?mode=memory&cache=shared"


def run_folder(run_id: str) -> Path:
    """Where one run's workers keep the SQLite template and the lock (shared by all of them)."""
    return Path(tempfile.gettempdir()) / f"kindred-test-template-{run_id}"


def usable(connection) -> bool:
    return fcntl is not None and connection.vendor in ("sqlite", "postgresql")


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def template_name(settings_dict: dict) -> str:
    """The PostgreSQL template's name, from the configured database's (CI_POSTGRES_DB keeps runs apart)."""
    return f"test_{settings_dict['NAME']}_template"


def _migrate_template(connection, folder: Path, verbosity: int) -> None:
    """Create and migrate the template (the first worker here), leaving the connection as it was."""
    settings_dict = connection.settings_dict
    configured, test_name = settings_dict["NAME"], settings_dict["TEST"].get("NAME")
    template = (
        str(folder / "template.sqlite3") if connection.vendor == "sqlite" else template_name(settings_dict)
    )
    settings_dict["TEST"]["NAME"] = template
    try:
        connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
    finally:
        connection.close()
        settings_dict["NAME"], settings_dict["TEST"]["NAME"] = configured, test_name
    (folder / "migrated").write_text(template)


def set_up(connection, run_id: str, verbosity: int) -> str:
    """Give this worker its test database, copied from the run's template (migrated here if no
    worker has yet). Return the configured database's name, for Django's destroy_test_db."""
    folder = run_folder(run_id)
    settings_dict = connection.settings_dict
    configured = settings_dict["NAME"]
    with locked(folder):
        if not (folder / "migrated").exists():
            _migrate_template(connection, folder, verbosity)
        template = (folder / "migrated").read_text()
        if connection.vendor == "postgresql":
            name = connection.creation._get_test_db_name()  # test_<name>_gwN, as without a template
            with connection.creation._nodb_cursor() as cursor:
                quoted, source = connection.ops.quote_name(name), connection.ops.quote_name(template)
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
                cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE {source}")
            connection.close()
            settings_dict["NAME"] = name
            return configured
    # SQLite: fill this process's in-memory database from the file (reading needs no lock).
    connection.close()
    settings_dict["NAME"] = SQLITE_MEMORY
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    return configured


def drop_template(connection, run_id: str) -> None:
    """After the run (in the controlling process): drop the PostgreSQL template, remove the folder."""
    folder = run_folder(run_id)
    if not folder.exists():
        return
    if connection.vendor == "postgresql" and (folder / "migrated").exists():
        params = {**connection.get_connection_params(), "dbname": "postgres"}
        with connection.Database.connect(**params, autocommit=True) as admin:
            name = connection.ops.quote_name((folder / "migrated").read_text())
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    shutil.rmtree(folder, ignore_errors=True)
