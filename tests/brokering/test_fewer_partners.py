"""Preferring one partner covering several needs, on the web form and the command line (issue 21,
item 3); the run page shows how many partner schools each supported school receives."""

from io import StringIO

import pytest
from django.core.management import call_command

from kindred.accounts.models import RegionalRole, User
from kindred.brokering import services
from kindred.brokering.models import Invitation, Run
from kindred.schools.models import Region


@pytest.fixture
def region_and_leader(small_country):
    region = max(Region.objects.all(), key=lambda r: r.schools.count())
    user = User.objects.create_user(email="fewer.lead@example.org", password=None)
    RegionalRole.objects.create(user=user, region=region)
    return region, user


def partners_and_needs(run: Run) -> tuple[dict[int, set[int]], list[tuple[int, str]]]:
    partners: dict[int, set[int]] = {}
    needs = []
    for pair in run.networks.prefetch_related("invitations"):
        need = next(i.school_id for i in pair.invitations.all() if i.role == Invitation.Role.NEED)
        partner = next(i.school_id for i in pair.invitations.all() if i.role == Invitation.Role.PARTNER)
        partners.setdefault(need, set()).add(partner)
        needs.append((need, pair.domain))
    return partners, sorted(needs)


def test_with_the_option_schools_with_several_needs_get_fewer_partners_and_no_need_is_lost(region_and_leader):
    region, leader = region_and_leader
    plain = services.run_create(kind="brokering", region=region, by=leader)
    fewer = services.run_create(kind="brokering", region=region, by=leader, fewer_partners=True)
    services.run_compute(run=plain)
    services.run_compute(run=fewer)
    plain.refresh_from_db()
    fewer.refresh_from_db()
    plain_partners, plain_needs = partners_and_needs(plain)
    fewer_partners, fewer_needs = partners_and_needs(fewer)
    extra = lambda partners: sum(len(p) - 1 for p in partners.values())  # noqa: E731
    assert extra(plain_partners) > 0, "the generated region has schools given several partners"
    assert extra(fewer_partners) < extra(plain_partners)
    assert fewer.report["unmet"] <= plain.report["unmet"]
    assert len(fewer_needs) >= len(plain_needs)
    assert fewer.report["fewer_partners"] and not plain.report["fewer_partners"]
    spread = dict(fewer.report["partners_spread"])
    assert sum(spread.values()) == len(fewer_partners)


def test_the_web_form_offers_the_option_and_the_run_page_shows_the_partners_per_school(
    client, region_and_leader
):
    region, leader = region_and_leader
    client.force_login(leader)
    assert "Prefer one partner covering several needs" in client.get("/brokering/").content.decode()
    response = client.post(
        "/brokering/",
        {"kind": "brokering", "region": region.pk, "min_size": 8, "max_size": 15, "fewer_partners": "on"},
    )
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.fewer_partners
    services.run_compute(run=run)  # what the queued job does
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Partner schools each supported school receives" in page
    assert "one partner covering several needs preferred" in page


def test_the_run_page_says_beside_each_supported_school_how_many_partner_schools_it_receives(
    client, region_and_leader
):
    """Per school, not only the spread: a school given partners for several needs says so on every
    row it is in, whichever page of the proposals the row is on."""
    region, leader = region_and_leader
    run = services.run_create(kind="brokering", region=region, by=leader)
    services.run_compute(run=run)
    partners, _needs = partners_and_needs(run)
    school, most = max(((s, len(p)) for s, p in partners.items()), key=lambda item: item[1])
    assert most > 1, "the generated region has a school given several partners"
    numbers = list(run.networks.order_by("number").values_list("number", flat=True))
    first = run.networks.filter(invitations__school_id=school, invitations__role="need").order_by("number")[0]
    client.force_login(leader)
    page = client.get(
        run.get_absolute_url(), {"page": numbers.index(first.number) // 25 + 1}
    ).content.decode()
    assert f"{most} partner schools in all" in page
    rows = min(25, len(numbers) - numbers.index(first.number) // 25 * 25)
    assert page.count(" partner schools in all") + page.count(" partner school in all") == rows


def test_formation_cannot_ask_for_fewer_partners(client, region_and_leader):
    region, leader = region_and_leader
    client.force_login(leader)
    response = client.post(
        "/brokering/",
        {"kind": "formation", "region": region.pk, "min_size": 8, "max_size": 15, "fewer_partners": "on"},
    )
    assert (
        response.status_code == 400
        or "Only partner brokering can prefer one partner" in response.content.decode()
    )
    assert not Run.objects.exists()


def test_the_command_line_offers_it_and_reports_the_partners_beyond_the_first(small_country):
    out = StringIO()
    call_command("broker", "--allow-unmet", "--fewer-partners", stdout=out, verbosity=0)
    text = out.getvalue()
    assert "preferring fewer partners:" in text and "school(s) would receive partners" in text
