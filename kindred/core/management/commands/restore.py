"""`kindred restore FILE`: a backup onto an empty database and uploads folder, checked table by table."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `kindred backup` onto an empty database (refusing one with tables) and "
        "an empty uploads folder, then check every table's row count and checksum against the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive `kindred backup` wrote.")

    def handle(self, *args, file: Path, **options):
        try:
            report = backup_restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {report.tables} tables ({report.rows:,} rows, every table's count and checksum as "
            f"in the backup) and {report.media_files:,} uploaded files from {file}"
        )
        if report.migrations_to_apply:
            self.stdout.write(
                f"The backup is from an older version: run `kindred migrate` to apply "
                f"{len(report.migrations_to_apply)} newer migrations."
            )
