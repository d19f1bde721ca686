"""The rota in the database: generation, held turns that never move, swaps, skips, blocked dates."""

from collections import Counter
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from kindred.networks.models import RotaTurn
from kindred.networks.rota import rota_block_date, rota_generate, rota_skip, rota_swap
from kindred.networks.services import (
    membership_add,
    membership_end,
    membership_replace,
    membership_request_decide,
)
from kindred.schools.models import School

pytestmark = pytest.mark.django_db

TODAY = date(2030, 9, 2)  # after the fixtures' memberships began (they use the real clock)
DATES = [TODAY + timedelta(weeks=4 * i) for i in range(1, 7)]


@pytest.fixture
def three_schools(network_x, school_x, school_leader_x, region_a):
    others = [
        School.objects.create(registry_id=f"30000{i}", name=f"School {i}", region=region_a) for i in (1, 2)
    ]
    for school in others:
        membership_add(network=network_x, school=school, by=school_leader_x)
    return [school_x, *others]


def hosts(network):
    return {t.date: t.school_id for t in network.rota_turns.filter(duty=RotaTurn.Duty.HOST)}


@time_machine.travel(TODAY, tick=False)
def test_each_member_hosts_and_chairs_twice_in_six_meetings(network_x, three_schools, school_leader_x):
    rota_generate(network=network_x, school_year=2030, dates=DATES, by=school_leader_x)
    for duty in RotaTurn.Duty.values:
        counts = Counter(network_x.rota_turns.filter(duty=duty).values_list("school_id", flat=True))
        assert sorted(counts.values()) == [2, 2, 2]
    chairs = {t.date: t.school_id for t in network_x.rota_turns.filter(duty=RotaTurn.Duty.CHAIR)}
    assert all(chairs[d] != hosts(network_x)[d] for d in DATES)


def test_held_turns_never_move_when_a_school_leaves(network_x, three_schools, school_leader_x):
    with time_machine.travel(TODAY, tick=False):
        rota_generate(network=network_x, school_year=2030, dates=DATES, by=school_leader_x)
    before = hosts(network_x)
    leaver = before[DATES[0]]  # hosted the first meeting, which is held by the time it leaves
    with time_machine.travel(DATES[2], tick=False):
        membership = network_x.memberships.get(school_id=leaver)
        membership_end(membership=membership, reason="Closing", by=school_leader_x)
        after = hosts(network_x)
    assert after[DATES[0]] == before[DATES[0]] == leaver
    assert after[DATES[1]] == before[DATES[1]]
    assert leaver not in {after[d] for d in DATES[2:]}
    assert all(after[d] == before[d] for d in DATES[2:] if before[d] != leaver)


def test_a_replacing_school_takes_over_the_leavers_upcoming_turns(
    network_x, three_schools, school_leader_x, region_a
):
    with time_machine.travel(TODAY, tick=False):
        rota_generate(network=network_x, school_year=2030, dates=DATES, by=school_leader_x)
        before = hosts(network_x)
        newcomer = School.objects.create(registry_id="400001", name="Newcomer", region=region_a)
        leaver = three_schools[2]
        invitation = membership_replace(
            membership=network_x.memberships.get(school=leaver),
            school=newcomer,
            reason="Moved",
            by=school_leader_x,
        )
        membership_request_decide(request=invitation, approve=True, by=school_leader_x)
        after = hosts(network_x)
    assert {d for d in DATES if after[d] == newcomer.pk} == {d for d in DATES if before[d] == leaver.pk}


@time_machine.travel(TODAY, tick=False)
def test_coordinator_swaps_two_upcoming_turns(network_x, three_schools, school_leader_x):
    rota_generate(network=network_x, school_year=2030, dates=DATES, by=school_leader_x)
    first, second = network_x.rota_turns.filter(duty=RotaTurn.Duty.HOST)[:2]
    a, b = first.school_id, second.school_id
    rota_swap(turn=first, other=second, by=school_leader_x)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.school_id, second.school_id) == (b, a)


def test_a_held_turn_cannot_be_swapped(network_x, three_schools, school_leader_x):
    with time_machine.travel(TODAY, tick=False):
        rota_generate(network=network_x, school_year=2030, dates=DATES, by=school_leader_x)
    first, second = network_x.rota_turns.filter(duty=RotaTurn.Duty.HOST)[:2]
    with time_machine.travel(DATES[0] + timedelta(days=1), tick=False), pytest.raises(ValidationError):
        rota_swap(turn=first, other=second, by=school_leader_x)
    first.refresh_from_db()
    assert hosts(network_x)[DATES[0]] == first.school_id


@time_machine.travel(TODAY, tick=False)
def test_a_school_that_skips_its_turn_hands_it_to_another(network_x, three_schools, school_leader_x):
    rota_generate(network=network_x, school_year=2030, dates=DATES, by=school_leader_x)
    turn = network_x.rota_turns.get(duty=RotaTurn.Duty.HOST, date=DATES[1])
    skipper = turn.school_id
    rota_skip(turn=turn, by=school_leader_x)
    turn.refresh_from_db()
    assert turn.school_id != skipper
    counts = Counter(hosts(network_x).values())
    assert sorted(counts.values()) == [2, 2, 2]


@time_machine.travel(TODAY, tick=False)
def test_blocking_a_date_moves_that_schools_turn(network_x, three_schools, school_leader_x):
    rota_generate(network=network_x, school_year=2030, dates=DATES, by=school_leader_x)
    school_id = hosts(network_x)[DATES[3]]
    school = School.objects.get(pk=school_id)
    rota_block_date(network=network_x, school=school, date=DATES[3], reason="Inspection", by=school_leader_x)
    assert hosts(network_x)[DATES[3]] != school_id
    chairs = {t.date: t.school_id for t in network_x.rota_turns.filter(duty=RotaTurn.Duty.CHAIR)}
    assert chairs[DATES[3]] != school_id


@time_machine.travel(TODAY, tick=False)
def test_a_rota_nobody_can_host_is_refused_and_nothing_is_written(network_x, school_x, school_leader_x):
    rota_block_date(network=network_x, school=school_x, date=DATES[0], reason="Closed", by=school_leader_x)
    with pytest.raises(ValidationError, match="No member school can take"):
        rota_generate(network=network_x, school_year=2030, dates=DATES[:2], by=school_leader_x)
    assert not network_x.rota_turns.exists()


@time_machine.travel(TODAY, tick=False)
def test_past_dates_cannot_be_planned(network_x, school_leader_x):
    with pytest.raises(ValidationError):
        rota_generate(
            network=network_x, school_year=2030, dates=[TODAY - timedelta(days=1)], by=school_leader_x
        )


def test_next_year_balances_against_the_turns_held_this_year(network_x, three_schools, school_leader_x):
    with time_machine.travel(TODAY, tick=False):
        rota_generate(network=network_x, school_year=2030, dates=DATES[:4], by=school_leader_x)
    this_year = Counter(hosts(network_x).values())
    next_year = [date(2031, 9, 11), date(2031, 10, 9)]
    with time_machine.travel(date(2031, 9, 1), tick=False):
        rota_generate(network=network_x, school_year=2031, dates=next_year, by=school_leader_x)
    total = Counter(hosts(network_x).values())
    assert sorted(total.values()) == [2, 2, 2]
    once = [s for s, n in this_year.items() if n == 1]
    assert {hosts(network_x)[d] for d in next_year} == set(once)
