"""A cluster's evidence pack: every part with its source and date, support letters uploaded safely,
the numbers as CSV, and only the network's coordinators and the system leaders over it may open it."""

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from kindred.accounts.models import SchoolStaff, User
from kindred.impact.models import SupportLetter
from kindred.networks.models import Membership
from kindred.networks.services import network_create
from kindred.schools.models import School
from tests.impact.conftest import PDF, pdf

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("x","y")'  # a registry id is at most 32 characters


def test_the_coordinator_reads_every_part_with_its_source_and_date(pack_network, school_leader_x):
    client = Client()
    client.force_login(school_leader_x)
    network_page = client.get(f"/networks/{pack_network.pk}/").content.decode()
    assert f"/impact/networks/{pack_network.pk}/pack/" in network_page
    page = client.get(f"/impact/networks/{pack_network.pk}/pack/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "Contrasting localities",
        "urban 1, rural 1",
        "2 authorities (Authority A1, Authority A2)",
        "Free school meals %: from 6.2 to 41.5 across the members",
        "Rowan Rural School joined on",
        "Reading TeachMeet",
        "a shared need",
        "Reading for all",
        "Phonics in year 1",
        "Mentee school",
        "Xavier and Yew mentoring",
        "Partner Primary",
        "From Authority A1 director",
        "1.23 (0.45 to 2.01)",
        "Working together",
        "impact/print.css",
    ):
        assert text in html, text
    assert html.count('class="source muted"') >= 9
    assert "the evidence engine" in html and "as of" in html


def test_the_numbers_download_as_csv_with_source_and_date_formula_safe(pack_network, school_leader_x):
    School.objects.filter(registry_id="100009").update(registry_id=HOSTILE)
    client = Client()
    client.force_login(school_leader_x)
    download = client.get(f"/impact/networks/{pack_network.pk}/pack.csv")
    assert download["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert {"section", "subject", "figure", "value", "source", "as_of"} == set(rows[0])
    by = {(r["section"], r["subject"], r["figure"]): r for r in rows}
    assert by[("members", "100001", "fsm")]["value"] == "41.5"
    assert by[("members", "all", "fsm lowest")]["value"] == "6.2"
    assert by[("effects", "read", "effect")]["value"] == "1.23"
    assert by[("shared", "read", "needs")]["value"] == "2"
    assert by[("shared", "read", "needs")]["source"] == "evidence"
    assert by[("shared", "read", "needs")]["as_of"] == timezone.now().date().isoformat()
    assert ("members", "'" + HOSTILE, "pupils") in by
    assert not any(cell.startswith("=") for r in rows for cell in r.values())


def test_the_system_leader_over_the_network_adds_a_letter_and_downloads_it(pack_network, system_leader):
    client = Client()
    client.force_login(system_leader)
    posted = client.post(
        f"/impact/networks/{pack_network.pk}/pack/letters/",
        {
            "writer": "Dr Ahmed, partner university",
            "writer_kind": "partner",
            "dated": "2026-10-01",
            "upload": pdf("support.pdf"),
        },
    )
    assert posted.status_code == 302
    letter = SupportLetter.objects.get(writer="Dr Ahmed, partner university")
    assert letter.content_type == "application/pdf" and letter.uploaded_by == system_leader
    download = client.get(f"/impact/networks/{pack_network.pk}/pack/letters/{letter.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF


def test_a_letter_that_is_not_what_its_name_says_is_refused_and_nothing_kept(pack_network, school_leader_x):
    client = Client()
    client.force_login(school_leader_x)
    before = SupportLetter.objects.count()
    refused = client.post(
        f"/impact/networks/{pack_network.pk}/pack/letters/",
        {
            "writer": "Someone",
            "writer_kind": "other",
            "dated": "2026-10-01",
            "upload": pdf("letter.pdf", b"<html><script>alert(1)</script></html>"),
        },
    )
    assert refused.status_code == 400
    assert "does not match its name" in refused.content.decode()
    assert SupportLetter.objects.count() == before


def test_a_teacher_another_networks_coordinator_and_another_regions_leader_are_refused(
    pack_network, teacher_x, school_y, region_b
):
    from kindred.accounts.models import RegionalRole

    other_coordinator = User.objects.create_user(email="coord.y@example.org", password=None)
    SchoolStaff.objects.create(user=other_coordinator, school=school_y, role="leader")
    network_create(name="Yew cluster", kind="cluster", region=region_b, by=other_coordinator)
    other_leader = User.objects.create_user(email="leader.b@example.org", password=None)
    RegionalRole.objects.create(user=other_leader, region=region_b)
    letter = SupportLetter.objects.get()
    urls = [
        f"/impact/networks/{pack_network.pk}/pack/",
        f"/impact/networks/{pack_network.pk}/pack.csv",
        f"/impact/networks/{pack_network.pk}/pack/letters/{letter.pk}/",
    ]
    client = Client()
    for person in (teacher_x, other_coordinator, other_leader):
        client.force_login(person)
        for url in urls:
            assert client.get(url).status_code == 403, (person, url)
        refused = client.post(
            f"/impact/networks/{pack_network.pk}/pack/letters/",
            {"writer": "X", "writer_kind": "other", "dated": "2026-10-01", "upload": pdf()},
        )
        assert refused.status_code == 403
        assert (
            f"/impact/networks/{pack_network.pk}/pack/"
            not in client.get(f"/networks/{pack_network.pk}/").content.decode()
        )
    assert SupportLetter.objects.count() == 1
    client.logout()
    assert client.get(urls[0]).status_code == 302  # to sign in


def test_a_private_networks_pack_does_not_exist_for_outsiders(private_network_x, teacher_y, school_leader_x):
    client = Client()
    client.force_login(teacher_y)
    assert client.get(f"/impact/networks/{private_network_x.pk}/pack/").status_code == 404
    client.force_login(school_leader_x)
    assert client.get(f"/impact/networks/{private_network_x.pk}/pack/").status_code == 200


def test_a_network_with_nothing_yet_still_has_a_pack_that_says_so(network_x, school_leader_x):
    Membership.objects.filter(network=network_x).update(left_at=timezone.now())
    client = Client()
    client.force_login(school_leader_x)
    html = client.get(f"/impact/networks/{network_x.pk}/pack/").content.decode()
    assert "The network has no member school now." in html
    assert "No letter of support has been added yet." in html
    assert "The outcome effect has not been computed for this network." in html
