"""`kindred mapping_reference [--write docs/importing.md]`: the reference table of the mapping
language, written from its schema (kindred/schools/importing/schema.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindred.schools.importing.schema import REFERENCE_END, REFERENCE_START, reference_markdown


def reference_replace(text: str) -> str:
    """`text` (docs/importing.md) with the part between the reference's markers written anew."""
    start, end = text.find(REFERENCE_START), text.find(REFERENCE_END)
    if start < 0 or end < start:
        raise ValueError("the page has no mapping reference markers")
    return text[:start] + reference_markdown() + text[end + len(REFERENCE_END) :]


class Command(BaseCommand):
    help = "Print the mapping language's reference (from its schema), or write it into a Markdown page."

    def add_arguments(self, parser):
        parser.add_argument(
            "--write", metavar="PAGE", help="replace the reference between its markers in PAGE"
        )

    def handle(self, *args, **options):
        if not options["write"]:
            self.stdout.write(reference_markdown())
            return
        page = Path(options["write"])
        try:
            page.write_text(reference_replace(page.read_text(encoding="utf-8")), encoding="utf-8")
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{page}: mapping reference written")
