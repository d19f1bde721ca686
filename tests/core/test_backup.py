"""Backups and restores (`kindred backup`, `kindred restore`): a restore drill on the running database
(SQLite or PostgreSQL, whichever DATABASE_URL names) comparing every table's row count and a checksum
of its rows, and the uploaded files byte for byte; and the refusals that keep a restore from mixing
two installations."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kindred.core.backup import current_fingerprint
from tests.databases import scratch_database

ROOT = Path(__file__).resolve().parents[2]
FINGERPRINT = (
    "import json, django; django.setup(); from kindred.core.backup import current_fingerprint; "
    "print(json.dumps({t: [f.rows, f.checksum] for t, f in current_fingerprint().items()}))"
)


def environment(database_url: str, var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TASKS_BACKEND"}}
    env.update(
        DATABASE_URL=database_url,
        KINDRED_VAR_DIR=str(var),
        DEBUG="false",
        SECRET_KEY="kindred-backup-test-only-not-secret",
        DJANGO_SETTINGS_MODULE="kindred.settings",
    )
    return env


def kindred(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kindred.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def fingerprint_of(env: dict[str, str]) -> dict[str, list]:
    """Every table's row count and checksum in the database `env` names, read by another process."""
    result = subprocess.run(
        [sys.executable, "-c", FINGERPRINT], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


@pytest.fixture
def empty_database(tmp_path):
    """The URL of a new, empty database of the engine under test (dropped afterwards)."""
    with scratch_database(tmp_path / "restored" / "kindred.sqlite3", suffix="restored") as url:
        yield url


@pytest.fixture
def installation(transactional_db, settings, tmp_path):
    """A small but whole installation, committed (pg_dump reads from its own connection): the demo's
    region, evidence, accounts, networks, boards, events, library (with uploaded files) and plans."""
    from kindred.demo.management.commands.demo import demo_accounts_create, selfeval_demo

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("generate", schools=120, seed=3, verbosity=0)
    call_command("families", verbosity=0)
    call_command("performance", verbosity=0)
    selfeval_demo(demo_accounts_create())
    return tmp_path / "media"


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_a_restore_drill_brings_back_every_table_row_for_row_and_every_uploaded_file(
    installation, empty_database, tmp_path
):
    before = current_fingerprint()
    media_before = files_of(installation)
    backup = tmp_path / "kindred-backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(backup), stdout=out)
    assert f"{len(before)} tables" in out.getvalue()

    var = tmp_path / "restored"
    env = environment(empty_database, var)
    restored = kindred("restore", str(backup), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "every table's count and checksum as in the backup" in restored.stdout

    # Read back by a separate process, independently of what restore checked itself.
    found = fingerprint_of(env)
    assert set(found) == set(before)
    for table, figures in before.items():
        assert found[table] == [figures.rows, figures.checksum], table
    # A drill worth the name: most of the installation's tables had rows, and there were uploads.
    assert sum(1 for figures in before.values() if figures.rows) >= 40
    assert media_before
    assert files_of(var / "media") == media_before
    # The restored site carries on: migrations complete, new rows get new ids (sequences restored).
    assert kindred("migrate", "--check", env=env).returncode == 0
    added = kindred(
        "createsuperuser",
        "--noinput",
        env={**env, "DJANGO_SUPERUSER_EMAIL": "new@example.org", "DJANGO_SUPERUSER_PASSWORD": "x" * 20},
    )
    assert added.returncode == 0, added.stderr


@pytest.mark.slow
def test_a_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(installation, tmp_path, settings):
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), stdout=io.StringIO())
    before = current_fingerprint()
    settings.MEDIA_ROOT = tmp_path / "other-media"  # an empty uploads folder: the database alone refuses
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(backup))
    assert current_fingerprint() == before
    assert not (tmp_path / "other-media").exists()


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_an_uploads_folder_that_is_not_empty_before_touching_the_database(
    empty_database, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "kept.txt").write_text("someone's upload")
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), stdout=io.StringIO())
    var = tmp_path / "restored"
    (var / "media").mkdir(parents=True)
    (var / "media" / "theirs.pdf").write_text("another installation's upload")
    env = environment(empty_database, var)
    refused = kindred("restore", str(backup), env=env)
    assert refused.returncode == 1
    assert "uploads folder" in refused.stderr and "not empty" in refused.stderr
    found = fingerprint_of(env)
    assert found == {}
    assert files_of(var / "media") == {"theirs.pdf": b"another installation's upload"}


@pytest.mark.django_db(transaction=True)
def test_a_backup_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "backup.tar"
    existing.write_text("last night's backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing))
    assert existing.read_text() == "last night's backup"
    assert list(tmp_path.iterdir()) == [existing]  # nothing half-written left beside it


def rewritten(backup: Path, target: Path, change) -> Path:
    """A copy of `backup` with its manifest changed by `change(manifest)`."""
    with tarfile.open(backup) as source, tarfile.open(target, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


@pytest.mark.django_db(transaction=True)
def test_a_restore_refuses_a_backup_from_a_newer_version_or_another_engine_or_no_backup_at_all(
    tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "backup.tar"
    call_command("backup", str(backup), stdout=io.StringIO())
    newer = rewritten(backup, tmp_path / "newer.tar", lambda m: m["migrations"].append("schools.9999_future"))
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    engine = rewritten(backup, tmp_path / "engine.tar", lambda m: m.update(engine=other))
    garbage = tmp_path / "notes.tar"
    garbage.write_text("not an archive")
    before = current_fingerprint()
    # Each is refused for what it is, before the (here non-empty) database is even looked at.
    for archive, message in [
        (newer, "made by a newer version"),
        (engine, f"a backup of a {other} database"),
        (garbage, "is not a Kindred backup"),
        (tmp_path / "missing.tar", "does not exist"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(archive))
    assert current_fingerprint() == before
    assert not settings.MEDIA_ROOT.exists()
