"""`kindred generate`: a synthetic country of schools, teachers and measures, with known truth; with
`--networks` and `--posts`, a whole national trial (networks, rota, boards, events: kindred.demo.national)."""

import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext_noop

from kindred.accounts.generation import country_make
from kindred.core.progress import terminal_progress
from kindred.demo.national import national_check, national_write, networks_default
from kindred.engine.generate import FIRST_REGISTRY_ID
from kindred.schools.generation import write_truth_csv


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
            choices=["eng", "eg", "wls"],
            help="Whose places and names: eng (England-like), eg (Egypt: governorates, Arabic names) or "
            "wls (Wales: Welsh places and names; networks, posts and events in Welsh). When the installation "
            "holds that country (COUNTRY or COUNTRIES), its schools and regions belong to it.",
        )
        parser.add_argument(
            "--registry-from",
            type=int,
            default=FIRST_REGISTRY_ID,
            help=f"The first registry id (default {FIRST_REGISTRY_ID}): give each country generated into one "
            "database its own block, e.g. England 9000000, Wales 9100000, Egypt 9200000.",
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
        parser.add_argument(
            "--hard",
            action="store_true",
            help="Harder still: thresholds, steps and interactions of context, small schools, percentages of "
            "pupils with binomial noise, a measure and a year that do not vary (docs/generator.md).",
        )
        parser.add_argument(
            "--networks",
            type=int,
            nargs="?",
            const=-1,
            default=0,
            help="Also make networks of neighbouring schools with members, roles, this school year's rota and "
            "a year of events: N of them, or about one per 11 schools without N (3,455 for 38,000).",
        )
        parser.add_argument(
            "--posts",
            type=int,
            default=0,
            help="Also write this many messageboard posts over the past year (10 a thread), with read state; "
            "needs --networks.",
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
        hard=False,
        country="eng",
        registry_from=FIRST_REGISTRY_ID,
        networks=0,
        posts=0,
        **options,
    ):
        if truth is not None and not Path(truth).parent.resolve().is_dir():
            raise CommandError(f"Cannot write the truth file: folder {Path(truth).parent} does not exist.")
        started = time.perf_counter()
        n_networks = networks_default(schools) if networks == -1 else networks
        with terminal_progress("Generating", enabled=options.get("verbosity", 1) > 0) as progress:
            try:
                national_check(n_schools=schools, n_networks=n_networks, n_posts=posts)
                progress(0, None, gettext_noop("generating"))
                generated = country_make(
                    n_schools=schools,
                    seed=seed,
                    years=years,
                    n_teachers=teachers,
                    places=country,
                    registry_from=registry_from,
                    awkward=awkward,
                    hard=hard,
                )
                summary = national_write(
                    country=generated, n_networks=n_networks, n_posts=posts, seed=seed, progress=progress
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        if truth is not None:
            rows = write_truth_csv(generated, truth)
            self.stdout.write(f"True effects: {rows:,} rows in {truth}")
        made = summary.country
        extra = ""
        if n_networks:
            extra = (
                f", {summary.networks:,} networks ({summary.memberships:,} memberships, "
                f"{summary.network_roles:,} roles, {summary.rota_turns:,} rota turns), {summary.events:,} events "
                f"({summary.registrations:,} places taken), {summary.posts:,} posts in {summary.threads:,} threads "
                f"({summary.read_marks:,} read marks)"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {made.schools:,} schools in {made.authorities:,} authorities and "
                f"{made.regions} regions, {made.measures:,} measures, {made.teachers:,} teachers{extra} "
                f"(seed {seed}) in {time.perf_counter() - started:.1f} s."
            )
        )
