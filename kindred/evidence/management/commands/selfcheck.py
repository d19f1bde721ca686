from django.core.management.base import BaseCommand, CommandError

from kindred.core.progress import terminal_progress
from kindred.evidence.services import SELFCHECK_SCHOOLS, SELFCHECK_YEARS, selfcheck_run


class Command(BaseCommand):
    help = (
        "Check the evidence engine against a planted truth: generate a hard country in memory (nothing "
        "is added to the registry), analyse it as a recompute would, store coverage, RMSE and flags for "
        "the model page. Exits with status 2 when a target is missed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=SELFCHECK_SCHOOLS, help="Schools (default 4000).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the planted country (default 1).")
        parser.add_argument(
            "--years", type=int, default=len(SELFCHECK_YEARS), help="Years of results, 1 to 5 (default 3)."
        )

    def handle(self, *args, schools: int, seed: int, years: int, **options):
        if not 1 <= years <= 5:
            raise CommandError("--years must be between 1 and 5.")
        if schools < 50 or seed < 0:
            raise CommandError("--schools must be at least 50 and --seed not negative.")
        span = tuple(range(SELFCHECK_YEARS[-1] - years + 1, SELFCHECK_YEARS[-1] + 1))
        with terminal_progress("Self-check", enabled=options["verbosity"] > 0) as progress:
            check = selfcheck_run(n_schools=schools, seed=seed, years=span, progress=progress)
        coverage = check.results["coverage"]
        self.stdout.write(
            f"{check.schools:,} schools, {len(check.years)} year(s), {check.seconds:.1f} s: coverage "
            f"{coverage['yearly']['overall']['share']} single years, {coverage['pooled']['overall']['share']} "
            f"pooled; shrunk RMSE {check.results['rmse']['pooled']['shrunk']} against raw "
            f"{check.results['rmse']['pooled']['raw']}; flags true {check.results['flags']['strengths_true']} "
            f"(strengths), {check.results['flags']['needs_true']} (needs)."
        )
        if not check.passed:
            for failure in check.results["failures"]:
                self.stderr.write(f"missed: {failure}")
            raise CommandError(
                "The self-check missed a target (see above); stored for the model page.", returncode=2
            )
        self.stdout.write("Every target met; stored for the model page.")
