"""Backups and restores of a whole installation: the database and the uploaded files, in one archive.

An archive is a tar file (gzip-compressed when its name ends in .gz or .tgz) holding

    manifest.json        what it is: format, database engine, when, the migrations applied, and every
                         table's row count and checksum as they were in the snapshot
    database.sqlite3     SQLite: a copy made with SQLite's online backup API (a consistent snapshot
                         while the site keeps running)
    database.pgdump      PostgreSQL: `pg_dump --format=custom` of a snapshot exported from a
                         repeatable-read transaction, the same one the manifest's figures were read in
    media/...            the uploaded files (KINDRED_VAR_DIR/media), copied after the snapshot

A restore goes onto an empty database only (no tables) and an empty uploads folder, so it can never
mix two installations or overwrite anything; it checks every table's row count and checksum against
the manifest afterwards. docs/deploying.md, "Backups", says how to use it.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "kindred-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PGDUMP_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class TableFigures:
    rows: int
    checksum: str


# --- Fingerprints: every table's row count and a checksum of its rows -------------------------------


def table_names(cursor, vendor: str) -> list[str]:
    """Every table of the database (SQLite's own tables and views left out), sorted."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    elif vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    else:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return sorted(row[0] for row in cursor.fetchall())


def _canonical(value: Any) -> Any:
    # The drivers give bytea/BLOB as memoryview, whose repr names an address.
    return bytes(value) if isinstance(value, memoryview) else value


def fingerprint(cursor, vendor: str) -> dict[str, TableFigures]:
    """Every table's row count and a checksum of its rows: the sum of the rows' SHA-256 digests
    modulo 2**256, so it does not depend on the order rows come back in (which a collation may change)."""
    figures = {}
    quote = '"{}"'.format
    for table in table_names(cursor, vendor):
        columns = "*"
        if vendor == "sqlite":
            # Unary plus keeps each value as stored: without a declared type, Django's converters
            # (datetimes, decimals) do not run, so a raw connection and Django's read the same.
            cursor.execute(f"PRAGMA table_info({quote(table)})")
            columns = ", ".join(f"+{quote(column[1])}" for column in cursor.fetchall())
        cursor.execute(f"SELECT {columns} FROM {quote(table)}")  # names read from the catalogue
        rows, total = 0, 0
        while batch := cursor.fetchmany(5000):
            for row in batch:
                digest = hashlib.sha256(repr(tuple(_canonical(v) for v in row)).encode()).digest()
                total += int.from_bytes(digest)
            rows += len(batch)
        figures[table] = TableFigures(rows=rows, checksum=f"{total % 2**256:064x}")
    return figures


def fingerprint_differences(expected: dict[str, TableFigures], found: dict[str, TableFigures]) -> list[str]:
    """What differs between two fingerprints, one line per table."""
    problems = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            problems.append(f"{table}: missing")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif expected[table].rows != found[table].rows:
            problems.append(f"{table}: {found[table].rows} rows, the backup had {expected[table].rows}")
        elif expected[table].checksum != found[table].checksum:
            problems.append(f"{table}: the rows differ from the backup's (checksum)")
    return problems


def current_fingerprint() -> dict[str, TableFigures]:
    with connection.cursor() as cursor:
        return fingerprint(cursor, connection.vendor)


# --- Backup ----------------------------------------------------------------------------------------


def _applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump and pg_restore: the password travels in the environment,
    never on a command line another user could read."""
    env = {**os.environ}
    for variable, key in [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")]:
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs, of the server's major version "
            "or newer (Debian: apt-get install postgresql-client)."
        )
    return found


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def _snapshot_sqlite(work: Path) -> tuple[Path, dict[str, TableFigures]]:
    """A consistent copy by SQLite's online backup API, and the copy's fingerprint."""
    copy = work / SQLITE_MEMBER
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)
        figures = fingerprint(target.cursor(), "sqlite")
    finally:
        target.close()
    return copy, figures


def _snapshot_postgresql(work: Path) -> tuple[Path, dict[str, TableFigures]]:
    """pg_dump of a snapshot exported from a repeatable-read transaction, fingerprinted in that
    same transaction: the dump and the manifest's figures describe the same moment."""
    pg_dump = _program("pg_dump")
    dump = work / PGDUMP_MEMBER
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run(
            [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                "--no-owner",
                "--no-privileges",
                f"--file={dump}",
            ],
            _pg_environment(connection.settings_dict),
            "pg_dump",
        )
        figures = fingerprint(cursor, "postgresql")
    return dump, figures


def backup_create(path: Path, *, media_root: Path | None = None) -> dict[str, Any]:
    """Write a backup archive of the database and the uploaded files to `path` (which must not exist);
    return its manifest. The archive is written aside and moved into place when complete, so a
    failed backup never leaves a file that looks whole."""
    path = Path(path)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new name (nothing was written).")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix=".kindred-backup-", dir=path.parent) as temporary:
        work = Path(temporary)
        if vendor == "sqlite":
            database, figures = _snapshot_sqlite(work)
        elif vendor == "postgresql":
            database, figures = _snapshot_postgresql(work)
        else:
            raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
        files = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "engine": vendor,
            "created_at": timezone.now().isoformat(),
            "migrations": _applied_migrations(),
            "tables": {table: {"rows": f.rows, "checksum": f.checksum} for table, f in figures.items()},
            "media": {"files": len(files), "bytes": sum(f.stat().st_size for f in files)},
        }
        partial = work / "archive.partial"
        mode = "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
        with tarfile.open(partial, mode) as archive:  # type: ignore[call-overload]
            data = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name, recursive=False)
            for file in files:
                archive.add(
                    file, arcname=f"{MEDIA_PREFIX}/{file.relative_to(media_root).as_posix()}", recursive=False
                )
        partial.chmod(0o600)  # it holds every account's data
        os.replace(partial, path)
    return manifest


# --- Restore ---------------------------------------------------------------------------------------


def backup_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("This is not a Kindred backup: it has no manifest.json.")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not a Kindred backup: its manifest names another format.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"This backup was written in format {manifest['format_version']}, newer than this Kindred "
            f"reads ({FORMAT_VERSION}); restore it with the Kindred version that made it."
        )
    return manifest


def _open(path: Path) -> tarfile.TarFile:
    if not Path(path).is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        return tarfile.open(path, "r:*")
    except tarfile.TarError as error:
        raise BackupError(f"{path} is not a Kindred backup ({error}).") from error


def _refuse_unless_empty(media_root: Path) -> None:
    with connection.cursor() as cursor:
        tables = table_names(cursor, connection.vendor)
    if tables:
        raise BackupError(
            f"The database is not empty: it has {len(tables)} tables ({', '.join(tables[:3])}, …). "
            "A restore goes onto an empty database only: create a new one (PostgreSQL: createdb; SQLite: "
            "a new KINDRED_VAR_DIR or DATABASE_URL), point DATABASE_URL at it and restore again."
        )
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(
            f"The uploads folder {media_root} is not empty; a restore writes the backup's files into an "
            "empty one only. Move it aside and restore again."
        )


def _refuse_unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Refuse a backup from a newer Kindred; return the migrations this code has that it lacks."""
    known = {
        f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    }
    recorded = set(manifest.get("migrations", []))
    unknown = sorted(recorded - known)
    if unknown:
        raise BackupError(
            f"This backup holds migrations this version of Kindred does not have ({', '.join(unknown[:3])}, …): "
            "it was made by a newer version. Install that version (or newer) and restore again."
        )
    return sorted(known - recorded)


def _extract_media(archive: tarfile.TarFile, members: Iterable[tarfile.TarInfo], into: Path) -> int:
    count = 0
    for member in members:
        member.name = member.name.removeprefix(f"{MEDIA_PREFIX}/")
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extract(member, into, filter="data")
        count += 1
    return count


def _restore_sqlite(archive: tarfile.TarFile, work: Path) -> None:
    archive.extract(SQLITE_MEMBER, work, filter="data")
    source = sqlite3.connect(work / SQLITE_MEMBER)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(archive: tarfile.TarFile, work: Path) -> None:
    pg_restore = _program("pg_restore")
    archive.extract(PGDUMP_MEMBER, work, filter="data")
    connection.close()  # pg_restore's own connection does the work
    _run(
        [
            pg_restore,
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-privileges",
            f"--dbname={connection.settings_dict['NAME']}",
            str(work / PGDUMP_MEMBER),
        ],
        _pg_environment(connection.settings_dict),
        "pg_restore (nothing was restored)",
    )


@dataclass
class RestoreReport:
    tables: int
    rows: int
    media_files: int
    migrations_to_apply: list[str]


def backup_restore(path: Path, *, media_root: Path | None = None) -> RestoreReport:
    """Restore the archive at `path` onto the configured database, which must be empty, and its files
    into an empty uploads folder; then check every table's row count and checksum against the
    manifest. Every check that can refuse runs before anything is written."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with _open(path) as archive:
        manifest = backup_manifest(archive)
        vendor = connection.vendor
        if manifest["engine"] != vendor:
            raise BackupError(
                f"This is a backup of a {manifest['engine']} database and DATABASE_URL names a {vendor} one; "
                f"restore it onto {manifest['engine']}."
            )
        member = SQLITE_MEMBER if vendor == "sqlite" else PGDUMP_MEMBER
        names = set(archive.getnames())
        if member not in names:
            raise BackupError(f"This backup is incomplete: it has no {member}.")
        to_apply = _refuse_unknown_migrations(manifest)
        _refuse_unless_empty(media_root)
        media_members = [
            m for m in archive.getmembers() if m.name.startswith(f"{MEDIA_PREFIX}/") and m.isfile()
        ]
        media_root.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=".kindred-restore-", dir=media_root.parent) as temporary:
            work = Path(temporary)
            staged = work / "media"
            staged.mkdir()
            media_count = _extract_media(archive, media_members, staged)
            if vendor == "sqlite":
                _restore_sqlite(archive, work)
            else:
                _restore_postgresql(archive, work)
            if media_root.exists():
                media_root.rmdir()  # checked empty above
            os.replace(staged, media_root)
    expected = {table: TableFigures(**figures) for table, figures in manifest["tables"].items()}
    problems = fingerprint_differences(expected, current_fingerprint())
    if problems:
        raise BackupError("The restored database differs from the backup: " + "; ".join(problems[:10]))
    return RestoreReport(
        tables=len(expected),
        rows=sum(f.rows for f in expected.values()),
        media_files=media_count,
        migrations_to_apply=to_apply,
    )
