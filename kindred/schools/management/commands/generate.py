"""`kindred generate`: a synthetic country of schools, teachers and measures, with known truth."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kindred.core.progress import terminal_progress
from kindred.engine.generate import write_truth_csv
from kindred.schools.generation import country_generate


class Command(BaseCommand):
    help = (
        "Generate a synthetic country: schools around towns and cities, context, several years of "
        "outcomes and teacher accounts. The same seed gives the same country."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--schools", type=int, required=True, help="How many schools (38000 is national)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed, the same country."
        )
        parser.add_argument(
            "--teachers", type=int, default=None, help="Total teachers (default: about 22.9 per school)."
        )
        parser.add_argument(
            "--years",
            type=int,
            nargs="+",
            default=[2021, 2022, 2023],
            help="Academic years of outcomes, by the year they start (2021 is 2021/22).",
        )
        parser.add_argument(
            "--country",
            default="eng",
            choices=["eng", "eg"],
            help="Whose places and names: eng (England-like) or eg (Egypt: governorates, Arabic names).",
        )
        parser.add_argument(
            "--truth", type=Path, default=None, help="Write each school's true effects to this CSV file."
        )
        parser.add_argument(
            "--awkward",
            action="store_true",
            help="A harder country: non-linear context, size-dependent spread, absence without cohorts, "
            "schools without intake (docs/generator.md).",
        )

    def handle(
        self,
        *args,
        schools,
        seed,
        teachers=None,
        years=(2021, 2022, 2023),
        truth=None,
        awkward=False,
        country="eng",
        **options,
    ):
        if truth is not None and not Path(truth).parent.resolve().is_dir():
            raise CommandError(f"Cannot write the truth file: folder {Path(truth).parent} does not exist.")
        started = time.perf_counter()
        with terminal_progress("Generating", enabled=options.get("verbosity", 1) > 0) as progress:
            try:
                generated, summary = country_generate(
                    n_schools=schools,
                    seed=seed,
                    years=years,
                    n_teachers=teachers,
                    places=country,
                    awkward=awkward,
                    progress=progress,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        if truth is not None:
            rows = write_truth_csv(generated, truth)
            self.stdout.write(f"True effects: {rows:,} rows in {truth}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary.schools:,} schools in {summary.authorities:,} authorities and "
                f"{summary.regions} regions, {summary.measures:,} measures, {summary.teachers:,} teachers "
                f"(seed {seed}) in {time.perf_counter() - started:.1f} s."
            )
        )
