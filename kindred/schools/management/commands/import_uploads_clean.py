"""`kindred import_uploads_clean`: delete uploaded import files (and errors CSVs) older than
IMPORT_FAILED_UPLOAD_DAYS days. Every import job does the same; run this daily where imports are rare."""

from django.conf import settings
from django.core.management.base import BaseCommand

from kindred.schools.importing.uploads import uploads_clean


class Command(BaseCommand):
    help = "Delete uploaded import files older than IMPORT_FAILED_UPLOAD_DAYS days."

    def handle(self, *args, **options):
        deleted = uploads_clean()
        self.stdout.write(f"{deleted} files older than {settings.IMPORT_FAILED_UPLOAD_DAYS} days deleted")
