"""Page weights of the main pages on a national-scale generated country.

Build the data once (about 10 minutes on two cores):

    export DEBUG=true KINDRED_VAR_DIR=/tmp/weights/var
    kindred migrate && kindred generate --schools 38000 --seed 2019 --teachers 38000
    kindred families && kindred performance

then, with DEBUG=false SECRET_KEY=x ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false and the
same KINDRED_VAR_DIR, run `python benchmarks/page_weights.py users` once, `python
benchmarks/page_weights.py content` once (the demo's networks, threads, events, library, offers,
self-evaluations, consultation and plan in the largest region, and a formation and a brokering run
of that region: about 5 minutes), and `python benchmarks/page_weights.py measure > out.json` per run. To measure another version of
the code against the same database, put its checkout first on PYTHONPATH. Results and the
comparison with the code before issue #10: benchmarks/page_weights.md.
"""

import gzip
import json
import sys

import django

django.setup()
from django.conf import settings  # noqa: E402

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from kindred.accounts.models import RegionalRole, SchoolStaff, User  # noqa: E402
from kindred.schools.models import Region, School  # noqa: E402


def first_school_with_evidence():
    return School.objects.filter(performance__isnull=False).order_by("registry_id").first()


def users() -> None:
    User.objects.filter(email__endswith="@weights.example").delete()
    User.objects.create_user(email="admin@weights.example", password=None, is_staff=True, is_superuser=True)
    leader = User.objects.create_user(email="leader@weights.example", password=None)
    region = Region.objects.annotate(n=Count("schools")).order_by("-n").first()
    RegionalRole.objects.create(user=leader, region=region)
    teacher = User.objects.create_user(email="teacher@weights.example", password=None)
    SchoolStaff.objects.create(user=teacher, school=first_school_with_evidence(), role="teacher")


def content() -> None:
    """The newer pages' content: what `kindred demo` adds, and a formation and a brokering run."""
    from kindred.brokering.services import run_compute, run_create
    from kindred.demo.management.commands.demo import demo_accounts_create, selfeval_demo

    accounts = demo_accounts_create()
    selfeval_demo(accounts)
    leader = accounts[next(role for role in accounts if role.startswith("system leader"))]
    region = leader.regional_roles.get().region
    for kind in ("formation", "brokering"):
        run_compute(run=run_create(kind=kind, region=region, by=leader), by=leader)


def newer_pages() -> list[tuple[str, object, str]]:
    """The pages of the apps added after issue #10's first measurement, seen by the demo's people."""
    from kindred.board.models import Thread
    from kindred.brokering.models import Run
    from kindred.networks.models import Network
    from kindred.plans.models import DevelopmentPlan
    from kindred.voice.models import Consultation

    demo = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.kindred.example")}
    coordinator, leader = demo["coordinator"], demo["leader"]
    network = (
        Network.objects.filter(people_roles__user=coordinator)
        .annotate(n=Count("memberships"))
        .order_by("-n", "pk")
        .first()
    )
    thread = Thread.objects.filter(network=network).annotate(n=Count("posts")).order_by("-n", "pk").first()
    school = coordinator.school_roles.first().school
    plan = DevelopmentPlan.objects.order_by("pk").first()
    consultation = Consultation.objects.order_by("pk").first()
    region = leader.regional_roles.get().region
    runs = {run.kind: run for run in Run.objects.filter(region=region).order_by("pk")}
    return [
        ("network page (coordinator)", coordinator, network.get_absolute_url()),
        ("thread page (coordinator)", coordinator, f"/board/threads/{thread.pk}/"),
        ("board (coordinator)", coordinator, f"/board/networks/{network.pk}/"),
        ("calendar month, region (system leader)", leader, f"/events/regions/{region.pk}/"),
        ("calendar month, network (coordinator)", coordinator, f"/events/networks/{network.pk}/"),
        ("library (coordinator)", coordinator, "/library/"),
        ("offers (coordinator)", coordinator, "/offers/"),
        ("self-evaluation (coordinator)", coordinator, f"/self-evaluation/schools/{school.registry_id}/"),
        ("network heatmap (coordinator)", coordinator, f"/self-evaluation/networks/{plan.network_id}/"),
        ("plan (coordinator)", coordinator, f"/plans/{plan.pk}/"),
        ("consultation results (system leader)", leader, f"/voice/{consultation.pk}/results/"),
        ("formation run review (system leader)", leader, f"/brokering/runs/{runs['formation'].pk}/"),
        ("brokering run review (system leader)", leader, f"/brokering/runs/{runs['brokering'].pk}/"),
    ]


def measure() -> list[dict]:
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@weights.example")}
    school = first_school_with_evidence()
    pages = [
        ("home (anonymous)", None, "/"),
        ("search 'school' (anonymous)", None, "/?q=school"),
        ("school page (teacher)", people["teacher"], school.get_absolute_url()),
        ("dashboard, national (site admin)", people["admin"], "/evidence/dashboard/"),
        ("dashboard, region (system leader)", people["leader"], "/evidence/dashboard/"),
        (
            "good practice, maths (teacher)",
            people["teacher"],
            f"/evidence/good-practice/?domain=maths&school={school.registry_id}",
        ),
    ]
    if User.objects.filter(email__endswith="@demo.kindred.example").exists():
        pages += newer_pages()
    rows = []
    for label, user, url in pages:
        client = Client()
        if user:
            client.force_login(user)
        plain = client.get(url)
        zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert plain.status_code == 200, f"{label} {url}: {plain.status_code}"
        rows.append(
            {
                "page": label,
                "url": url,
                "html_bytes": len(plain.content),
                "sent_bytes": len(zipped.content),
                "content_encoding": zipped.get("Content-Encoding", ""),
                "gzip_of_html": len(gzip.compress(plain.content, 6)),
            }
        )
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["users"]:
        users()
    elif sys.argv[1:] == ["content"]:
        content()
    else:
        json.dump(measure(), sys.stdout, indent=1)
