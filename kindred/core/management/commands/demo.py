"""`kindred demo`: a fresh SQLite database with a generated region and demo accounts, served locally."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count

from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import regional_role_add, staff_role_add
from kindred.schools.models import Region, School

DEMO_PASSWORD = "kindred-demo"
DEMO_SEED = 2019


class Command(BaseCommand):
    help = "Build a fresh demo database (SQLite) with a generated region and demo accounts, and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=1500, help="How many schools to generate.")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve the site.")
        parser.add_argument(
            "--country",
            default=None,
            choices=["eng", "wls", "eg"],
            help="The country profile (default: the COUNTRY setting); eg also gives Arabic names and governorates.",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="Build the database, print the log-ins, stop."
        )

    def handle(
        self, *args, schools: int, addrport: str, no_serve: bool, country: str | None = None, **options
    ):
        if country:
            # The server below runs in this process and the worker inherits the environment.
            settings.COUNTRY = os.environ["COUNTRY"] = country
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("kindred demo builds a fresh SQLite database; unset DATABASE_URL to run it.")
        self._fresh_database(Path(database["NAME"]))
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(f"Generating a demo region of {schools:,} schools ...")
        call_command(
            "generate", schools=schools, seed=DEMO_SEED, country="eg" if settings.COUNTRY == "eg" else "eng"
        )
        self.stdout.write("Computing families of similar schools and relative performance ...")
        call_command("families", verbosity=0)
        call_command("performance", verbosity=0)
        accounts = demo_accounts_create()
        self.stdout.write("Self-evaluations, a peer review, a consultation and a development plan ...")
        selfeval_demo(accounts)
        self._print_logins(accounts, addrport)
        if no_serve:
            return
        worker = subprocess.Popen([sys.executable, "-m", "kindred.cli", "worker"], env=os.environ.copy())
        try:
            call_command("runserver", addrport, use_reloader=False, use_threading=True)
        finally:
            worker.terminate()

    def _fresh_database(self, path: Path) -> None:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.stdout.write(f"Fresh demo database at {path}")

    def _print_logins(self, accounts: dict[str, User], addrport: str) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nKindred demo: http://{addrport}/"))
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for role, user in accounts.items():
            self.stdout.write(f"  {role:<22} {user.email}")
        self.stdout.write("")


def selfeval_demo(accounts: dict[str, User]) -> dict:
    from kindred.frameworks.demo import selfeval_demo_create
    from kindred.frameworks.selectors import current_year

    leader = next(user for role, user in accounts.items() if role.startswith("system leader"))
    return selfeval_demo_create(
        region=leader.regional_roles.get().region,
        admin=accounts["site administrator"],
        leader=leader,
        coordinator=accounts["network coordinator"],
        year=current_year(),
    )


@transaction.atomic
def demo_accounts_create() -> dict[str, User]:
    """The demo's people: a site administrator, a system leader, a network coordinator and a teacher."""
    region = Region.objects.annotate(n=Count("schools")).order_by("-n", "code").first()
    schools = School.objects.filter(region=region).order_by("registry_id")
    lead_school, teacher_school = schools[0], schools[1]

    def person(email: str, full_name: str, **flags) -> User:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name, **flags)
        return user

    admin = person("admin@demo.kindred.example", "Ada Admin", is_staff=True, is_superuser=True)
    leader = person("leader@demo.kindred.example", "Sam System-Leader")
    regional_role_add(user=leader, region=region, by=admin)
    coordinator = person("coordinator@demo.kindred.example", "Nia Coordinator")
    staff_role_add(user=coordinator, school=lead_school, role=SchoolStaff.Role.LEADER, by=admin)
    teacher = person("teacher@demo.kindred.example", "Tom Teacher")
    staff_role_add(user=teacher, school=teacher_school, role=SchoolStaff.Role.TEACHER, by=admin)
    from kindred.networks.demo import demo_networks_create

    networks = demo_networks_create(
        region=region, coordinator=coordinator, teacher=teacher, password=DEMO_PASSWORD
    )
    from kindred.board.demo import demo_threads_create

    demo_threads_create(networks=networks)
    from kindred.events.demo import demo_programme_create

    demo_programme_create(coordinator=coordinator, teacher=teacher, admin=admin)
    return {
        "site administrator": admin,
        f"system leader ({region})": leader,
        "network coordinator": coordinator,
        "teacher": teacher,
    }
