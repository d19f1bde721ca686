"""Page weights of the main pages on a national-scale generated country.

Build the data once (about 10 minutes on two cores):

    export DEBUG=true KINDRED_VAR_DIR=/tmp/weights/var
    kindred migrate && kindred generate --schools 38000 --seed 2019 --teachers 38000
    kindred families && kindred performance

then, with DEBUG=false SECRET_KEY=x ALLOWED_HOSTS=testserver SECURE_SSL_REDIRECT=false and the
same KINDRED_VAR_DIR, run `python benchmarks/page_weights.py users` once and
`python benchmarks/page_weights.py measure > out.json` per run. To measure another version of
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
    rows = []
    for label, user, url in pages:
        client = Client()
        if user:
            client.force_login(user)
        plain = client.get(url)
        zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
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
    else:
        json.dump(measure(), sys.stdout, indent=1)
