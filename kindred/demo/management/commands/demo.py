"""`kindred demo`: a fresh SQLite database with a generated region and demo accounts, served locally."""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count

from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import regional_role_add, staff_role_add
from kindred.board.models import Thread
from kindred.board.reply_address import reply_address
from kindred.board.webpush import vapid_keys_generate
from kindred.demo.board import demo_threads_create
from kindred.demo.communities import demo_communities_create
from kindred.demo.council import demo_council_create
from kindred.demo.events import demo_programme_create
from kindred.demo.impact import demo_impact_create, impact_demo_create
from kindred.demo.international import (
    DEMO_COUNTRIES,
    demo_countries_generate,
    demo_international_create,
    demo_other_countries,
)
from kindred.demo.networks import demo_networks_create
from kindred.demo.partners import demo_partners_create
from kindred.demo.selfeval import selfeval_demo_create
from kindred.demo.texts import demo_language, demo_texts
from kindred.evidence.services import evidence_recompute
from kindred.frameworks.selectors import current_year
from kindred.networks.access import member_network_ids
from kindred.networks.models import Network
from kindred.schools.models import Region, School

DEMO_PASSWORD = "kindred-demo"
DEMO_SEED = 2019
DEMO_PORT = 8000
# Replies by e-mail: the domain of the reply addresses on the demo's e-mails, and how far above the
# web port its SMTP server listens (8025 beside 8000, `kindred mail-in`'s own default).
DEMO_REPLY_DOMAIN = "reply.demo.kindred.example"
MAIL_PORT_OFFSET = 25


class Command(BaseCommand):
    help = "Build a fresh demo database (SQLite) with a generated region and demo accounts, and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=1500, help="How many schools to generate.")
        parser.add_argument(
            "--port", type=int, default=None, help=f"Port to serve on at 127.0.0.1 (default {DEMO_PORT})."
        )
        parser.add_argument("--addrport", default=None, help="Where to serve the site, as HOST:PORT.")
        parser.add_argument(
            "--mail-port",
            type=int,
            default=None,
            help=f"Port of the SMTP server taking replies by e-mail (default: the site's port + {MAIL_PORT_OFFSET}).",
        )
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
        self,
        *args,
        schools: int,
        no_serve: bool,
        port: int | None = None,
        addrport: str | None = None,
        country: str | None = None,
        mail_port: int | None = None,
        **options,
    ):
        if port is not None and addrport is not None:
            raise CommandError("Give --port or --addrport, not both.")
        host, port = address_parse(addrport or f"127.0.0.1:{DEMO_PORT if port is None else port}")
        if mail_port is None:
            mail_port = (
                port + MAIL_PORT_OFFSET if port + MAIL_PORT_OFFSET < 65536 else port - MAIL_PORT_OFFSET
            )
        elif not 0 < mail_port < 65536 or mail_port == port:
            raise CommandError(
                f"--mail-port must be a port from 1 to 65535 other than the site's, not {mail_port}."
            )
        if not no_serve:
            # before minutes of building, not after
            port_check_free(host, port, option="--port")
            port_check_free(host, mail_port, option="--mail-port")
        if country:
            # The server below runs in this process and the worker inherits the environment.
            settings.COUNTRY = os.environ["COUNTRY"] = country
        # The demo's other two countries beside it (issue 23, item 2: demo/international.py).
        others = demo_other_countries(settings.COUNTRY)
        settings.COUNTRIES = others
        os.environ["COUNTRIES"] = ",".join(others)
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("kindred demo builds a fresh SQLite database; unset DATABASE_URL to run it.")
        folder = Path(database["NAME"]).resolve().parent
        files = DemoFiles(folder)
        # E-mails go to one file the demo names, with links to the address actually served; the
        # server and worker, started below, inherit this through their environment.
        files.emails.write_text("")
        site_url = f"http://{host}:{port}"
        for name, value in [
            ("SITE_URL", site_url),
            ("EMAIL_BACKEND", "kindred.core.mail.OneFileEmailBackend"),
            ("EMAIL_FILE", str(files.emails)),
            ("REPLY_DOMAIN", DEMO_REPLY_DOMAIN),
            # Web push (docs/board.md, "Push notifications"): a key of the demo's own, unless one
            # is given; a browser with internet on 127.0.0.1 can turn push on in its settings.
            ("VAPID_PRIVATE_KEY", os.environ.get("VAPID_PRIVATE_KEY") or vapid_keys_generate()[0]),
        ]:
            setattr(settings, name, value)
            os.environ[name] = value
        self._fresh_database(Path(database["NAME"]))
        call_command("migrate", verbosity=0, interactive=False)
        self.stdout.write(f"Generating a demo region of {schools:,} schools ...")
        # The default country's own places and names (Wales's with --country wls, Egypt's with eg).
        places = settings.COUNTRY if settings.COUNTRY in DEMO_COUNTRIES else "eng"
        call_command("generate", schools=schools, seed=DEMO_SEED, country=places)
        self.stdout.write(f"Schools in {' and '.join(others)} beside them ...")
        demo_countries_generate(seed=DEMO_SEED, default=settings.COUNTRY)
        self.stdout.write(
            "Computing families of similar schools and relative performance, country by country ..."
        )
        self._evidence_compute()
        self.stdout.write("Demo accounts, networks and an international network ...")
        accounts = demo_accounts_create()
        self.stdout.write("Self-evaluations, a peer review, a consultation and a development plan ...")
        selfeval_demo(accounts)
        self.stdout.write("A survey of a network's staff and the letters of its evidence pack ...")
        leader = next(user for role, user in accounts.items() if role.startswith("system leader"))
        impact_demo_create(
            coordinator=accounts["network coordinator"], leader=leader, admin=accounts["site administrator"]
        )
        if no_serve:
            self._print_logins(accounts, site_url, files, serving=False)
            return
        self._serve(accounts, host, port, mail_port, site_url, files)

    def _evidence_compute(self) -> None:
        """Families, relative performance and categories of every country the demo holds, each computed
        alone as `kindred recompute` does (evidence never mixes countries: docs/countries.md). A country
        whose results were not published is named; the demo goes on without its evidence."""
        outcome = evidence_recompute()
        for code, one in outcome.get("countries", {settings.COUNTRY: outcome}).items():
            summary = one["summary"]
            line = (
                f"  {code}: {summary['schools']:,} schools, {summary['family members']:,} family members, "
                f"{summary['results stored']:,} results, {summary.get('derived categories', 0):,} categories"
            )
            if one.get("published", True):
                self.stdout.write(line)
            else:
                self.stderr.write(f"{line}: not published ({'; '.join(one.get('why', []))[:300]})")

    def _serve(
        self,
        accounts: dict[str, User],
        host: str,
        port: int,
        mail_port: int,
        site_url: str,
        files: "DemoFiles",
    ):
        """The site, its background worker and its SMTP server for replies by e-mail, each a child
        process writing to its own log; the log-ins printed last; stopping the demo (Ctrl-C, TERM, HUP,
        or its death) stops all three."""
        example = reply_example(accounts["network coordinator"], host, mail_port)
        connection.close()
        children: list[subprocess.Popen] = []

        def stop(signum, frame):
            raise KeyboardInterrupt

        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        try:
            for command, log in [
                (["worker"], files.worker_log),
                (["mail-in", "--smtp", "--host", host, "--port", str(mail_port)], files.mail_log),
                (["runserver", f"{host}:{port}", "--noreload", "--skip-checks"], files.server_log),
            ]:
                with log.open("w") as output:
                    children.append(child_start(command, output))
            mail_in, server = children[-2:]
            if not port_wait(host, port, server):
                raise CommandError(f"The demo's server did not start; see {files.server_log}.")
            if not port_wait(host, mail_port, mail_in, seconds=60):
                raise CommandError(f"The demo's mail-in server did not start; see {files.mail_log}.")
            self._print_logins(accounts, site_url, files, serving=True, mail=(host, mail_port, example))
            server.wait()
            if server.returncode:
                raise CommandError(
                    f"The demo's server stopped (status {server.returncode}); see {files.server_log}."
                )
        except KeyboardInterrupt:
            self.stdout.write("\nStopping the demo, its worker and its mail-in server ...")
        finally:
            children_stop(children)

    def _fresh_database(self, path: Path) -> None:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.stdout.write(f"Fresh demo database at {path}")

    def _print_logins(
        self,
        accounts: dict[str, User],
        site_url: str,
        files: "DemoFiles",
        serving: bool,
        mail: tuple[str, int, str] | None = None,
    ) -> None:
        """What a newcomer needs, last on the screen: where the site is, where its e-mails and logs go,
        how to reply by e-mail, how to stop it, and the log-ins."""
        self.stdout.write("")
        if serving:
            self.stdout.write(self.style.SUCCESS(f"Kindred demo: {site_url}/"))
            self.stdout.write(f"E-mails the site sends: {files.emails}")
            if mail:
                mail_host, mail_port, example = mail
                self.stdout.write(
                    f"Replies by e-mail: send a reply to an e-mail's Reply-To address (@{DEMO_REPLY_DOMAIN}), "
                    f"from the address it was sent to, over SMTP to {mail_host}:{mail_port}"
                    + ("; the network coordinator's, for example:" if example else ".")
                )
                if example:
                    self.stdout.write(f"  {example}")
            self.stdout.write(
                f"Push notifications: turn them on at {site_url}/board/notifications/settings/ in a browser "
                "that reaches the internet (its push service is Google's, Mozilla's or Apple's)."
            )
            self.stdout.write(
                f"Server, worker and mail-in logs: {files.server_log}, {files.worker_log}, {files.mail_log}"
            )
            self.stdout.write("Stop the demo (its worker and mail-in server too) with Ctrl-C.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Kindred demo built for {site_url}/ (not served: --no-serve)")
            )
            self.stdout.write(f"E-mails the site sends: {files.emails}")
        self.stdout.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
        for role, user in accounts.items():
            self.stdout.write(f"  {role:<22} {user.email}")
        self.stdout.flush()


class DemoFiles:
    """The files the demo writes beside its database."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.emails = folder / "emails.txt"
        self.server_log = folder / "server.log"
        self.worker_log = folder / "worker.log"
        self.mail_log = folder / "mail-in.log"


def address_parse(addrport: str) -> tuple[str, int]:
    host, _, port = addrport.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"The address must be HOST:PORT with a port from 1 to 65535, not {addrport!r}.")
    return host, int(port)


def port_check_free(host: str, port: int, option: str = "--port") -> None:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"Port {port} on {host} is taken ({error.strerror}): another program is listening there. "
                f"Choose another port: python3 run.py demo {option} {port + 123 if port + 123 < 65536 else 8123}"
            ) from error


def reply_example(person: User, host: str, port: int) -> str:
    """A command that replies by e-mail, as `person`, in the first thread they may post in: smtplib only,
    one line to copy, with two lines of text (kept as two lines in the post)."""
    thread = (
        Thread.objects.filter(network_id__in=member_network_ids(person))
        .exclude(network__status=Network.Status.CLOSED)
        .order_by("network_id", "pk")
        .first()
    )
    if thread is None:
        return ""
    to = reply_address(user_id=person.pk, thread_id=thread.pk)
    message = (
        f"From: {person.email}\\nTo: {to}\\nSubject: Re\\n\\nThank you, see you on Tuesday.\\nBest wishes"
    )
    return (
        f"python3 -c \"import smtplib; smtplib.SMTP('{host}', {port})"
        f".sendmail('{person.email}', ['{to}'], '{message}')\""
    )


def port_wait(host: str, port: int, server: subprocess.Popen, seconds: float = 120) -> bool:
    """Whether the server answers on host:port within `seconds` (False at once if it exits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def _die_with_parent() -> None:  # pragma: no cover (runs in the child between fork and exec)
    """Linux: the child gets TERM when the demo dies, even if the demo is killed outright."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def child_start(command: list[str], output) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kindred.cli", *command],
        env=os.environ.copy(),
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )


def children_stop(children: list[subprocess.Popen], seconds: float = 10) -> None:
    """TERM each child that still runs, wait for it, and KILL one that does not stop in time."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + seconds
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def selfeval_demo(accounts: dict[str, User]) -> dict:
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
    """The demo's people: a site administrator, a system leader, a network coordinator, a teacher and a
    university partner (an expert in the coordinator's first network, hosting a seminar); the system
    leader's community of communities over the coordinator's first two networks."""
    # the default country's biggest region (the other countries' schools are a few dozen)
    region = (
        Region.objects.filter(country_code=settings.COUNTRY)
        .annotate(n=Count("schools"))
        .order_by("-n", "code")
        .first()
    )
    schools = School.objects.filter(region=region).order_by("registry_id")
    lead_school, teacher_school = schools[0], schools[1]

    def person(email: str, full_name: str, **flags) -> User:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, full_name=full_name, language=demo_language(), **flags
        )
        return user

    names = demo_texts()["people"]
    admin = person("admin@demo.kindred.example", names["admin"], is_staff=True, is_superuser=True)
    leader = person("leader@demo.kindred.example", names["leader"])
    regional_role_add(user=leader, region=region, by=admin)
    coordinator = person("coordinator@demo.kindred.example", names["coordinator"])
    staff_role_add(user=coordinator, school=lead_school, role=SchoolStaff.Role.LEADER, by=admin)
    teacher = person("teacher@demo.kindred.example", names["teacher"])
    staff_role_add(user=teacher, school=teacher_school, role=SchoolStaff.Role.TEACHER, by=admin)
    networks = demo_networks_create(
        region=region, coordinator=coordinator, teacher=teacher, password=DEMO_PASSWORD
    )
    demo_threads_create(networks=networks)
    demo_programme_create(coordinator=coordinator, teacher=teacher, admin=admin)
    demo_impact_create(region=region, leader=leader, networks=networks)
    partners = demo_partners_create(
        region=region, coordinator=coordinator, admin=admin, password=DEMO_PASSWORD
    )
    demo_council_create(region=region, leader=leader, coordinator=coordinator, teacher=teacher)
    demo_communities_create(region=region, leader=leader, coordinator=coordinator, networks=networks)
    international = demo_international_create(admin=admin, password=DEMO_PASSWORD)
    return {
        "site administrator": admin,
        f"system leader ({region})": leader,
        "network coordinator": coordinator,
        "teacher": teacher,
        f"university partner ({partners['organisation'].name})": partners["person"],
        **(
            {
                "teacher in Wales": international["teacher_wales"],
                "teacher in Egypt": international["teacher_egypt"],
            }
            if international
            else {}
        ),
    }
