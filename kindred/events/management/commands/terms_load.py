"""`kindred terms_load`: load a country's term dates and holidays from a CSV file (by default the
one shipped for the country profile in use, kindred/countries/terms/<code>.csv)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kindred import countries
from kindred.events.services import TERM_COLUMNS, terms_load_file


class Command(BaseCommand):
    help = (
        "Replace a country's term dates and holidays with a CSV file (columns: "
        + ", ".join(TERM_COLUMNS)
        + "; authority empty for the whole country, else the authority's code). Without a file, the "
        "dates shipped for the country. Recurring events then leave out the dates in the holidays again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="The CSV file (default: the one shipped for the country)."
        )
        parser.add_argument("--country", help="The country profile's code (default: the COUNTRY setting).")

    def handle(self, *args, file: str | None, country: str | None, **options):
        code = country or countries.profile().code
        path = Path(file) if file else countries.terms_file(code)
        if not path.exists():
            raise CommandError(f"No file {path}.")
        try:
            loaded = terms_load_file(path=path, country=code, by=None)
        except ValidationError as error:
            raise CommandError(f"{path.name}: nothing loaded.\n" + "\n".join(error.messages)) from error
        self.stdout.write(f"{loaded} terms and holidays loaded for {code}.")
