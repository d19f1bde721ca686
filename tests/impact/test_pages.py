"""A network's impact page, its CSV and the network page's link: stored by `kindred impact --recompute`."""

import csv
import io
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client

from kindred.impact.models import NetworkEffect
from kindred.impact.selectors import network_effects
from kindred.networks.models import Membership, Network

pytestmark = pytest.mark.django_db


def later_network(programme, networks) -> Network:
    """A network that joined in the fourth of five years (two years before joining are checked)."""
    return networks[int(programme.unit[np.flatnonzero(programme.panel.joined == 3)[0]])]


def test_the_recompute_stores_every_networks_effect_as_the_command_computes_it(planted):
    programme, networks = planted
    out = StringIO()
    call_command("impact", recompute=True, stdout=out)
    assert NetworkEffect.objects.count() == len(networks)
    network = later_network(programme, networks)
    stored = NetworkEffect.objects.get(network=network)
    live = network_effects(network=network)[0].estimate
    assert stored.effect == pytest.approx(live.overall.effect)
    assert (stored.lower, stored.upper) == pytest.approx((live.overall.lower, live.overall.upper))
    assert stored.pre_trend_p == pytest.approx(live.pre_trend_p)
    assert [x["e"] for x in stored.event_study] == sorted(live.event_study)
    assert f"networks: {len(networks)}" in out.getvalue()
    # a second recompute replaces, never adds
    call_command("impact", recompute=True, stdout=StringIO())
    assert NetworkEffect.objects.count() == len(networks)


def test_a_member_reads_the_effect_with_its_interval_year_by_year_and_downloads_it(
    planted, school_x, teacher_x
):
    programme, networks = planted
    network = later_network(programme, networks)
    Membership.objects.create(network=network, school=school_x)
    call_command("impact", recompute=True, stdout=StringIO())
    stored = NetworkEffect.objects.get(network=network)
    client = Client()
    client.force_login(teacher_x)
    page = client.get(f"/impact/networks/{network.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{stored.effect:.2f}" in html and f"{stored.lower:.2f}" in html
    assert (
        "2 years before joining" in html and "the year of joining" in html and "1 year after joining" in html
    )
    assert html.count("<svg") == 1 + len(stored.event_study)
    download = client.get(f"/impact/networks/{network.pk}/effects.csv")
    row = next(csv.DictReader(io.StringIO(download.content.decode())))
    assert row["measure"] == "attainment" and float(row["effect"]) == pytest.approx(stored.effect, rel=1e-5)
    network_page = client.get(f"/networks/{network.pk}/").content.decode()
    assert f"/impact/networks/{network.pk}/" in network_page


def test_too_few_schools_and_nothing_computed_are_said(planted, region_a, school_x, teacher_x):
    _, networks = planted
    client = Client()
    client.force_login(teacher_x)
    small = Network.objects.create(name="Three", kind=Network.Kind.CLUSTER, region=region_a)
    for member in networks[0].memberships.all()[:3]:
        Membership.objects.create(network=small, school=member.school, joined_at=member.joined_at)
    Membership.objects.create(network=small, school=school_x)
    empty = client.get(f"/impact/networks/{small.pk}/").content.decode()
    assert "Nothing computed yet" in empty and "kindred impact --recompute" in empty
    assert "not computed yet" in client.get(f"/networks/{small.pk}/").content.decode()
    call_command("impact", recompute=True, stdout=StringIO())
    html = client.get(f"/impact/networks/{small.pk}/").content.decode()
    assert "Too few schools to tell" in html and "<svg" not in html


def test_the_page_is_in_welsh_and_in_arabic(planted, school_x, teacher_x):
    programme, networks = planted
    network = later_network(programme, networks)
    Membership.objects.create(network=network, school=school_x)
    call_command("impact", recompute=True, stdout=StringIO())
    client = Client()
    client.force_login(teacher_x)
    welsh = client.get(f"/impact/networks/{network.pk}/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert '<html lang="cy"' in welsh and "Lawrlwytho'r rhifau (CSV)" in welsh and "blwyddyn ymuno" in welsh
    arabic = client.get(f"/impact/networks/{network.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic and "تنزيل الأرقام (CSV)" in arabic
