"""`kindred backup FILE`: the database (a consistent snapshot) and the uploaded files in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: the online backup API; PostgreSQL: pg_dump of one snapshot) and the "
        "uploaded files into FILE (a tar archive; gzip-compressed when FILE ends in .gz or .tgz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive to write; it must not exist yet.")

    def handle(self, *args, file: Path, **options):
        try:
            manifest = backup_create(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows:,} rows, {manifest['engine']}) and "
            f"{manifest['media']['files']:,} uploaded files to {file}"
        )
