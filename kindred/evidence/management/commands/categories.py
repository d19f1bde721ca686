import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.evidence.services import categories_import


class Command(BaseCommand):
    help = "Import support categories an authority publishes: a CSV with columns school_id,category."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(newline="", encoding="utf-8-sig") as stream:
                reader = csv.DictReader(stream)
                if not reader.fieldnames or not {"school_id", "category"} <= set(reader.fieldnames):
                    raise CommandError(f"{file}: the first row must name the columns school_id and category.")
                published = {
                    row["school_id"].strip(): row["category"] for row in reader if row.get("school_id")
                }
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{file}: {error}") from error
        try:
            outcome = categories_import(published=published)
        except ValueError as error:
            raise CommandError(f"{file}: nothing imported. {error}") from error
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in outcome["summary"].items()))
