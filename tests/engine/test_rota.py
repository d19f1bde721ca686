"""The fair rota, checked against cases worked by hand."""

from collections import Counter
from datetime import date, timedelta

import pytest

from kindred.engine.rota import RotaInfeasible, fair_rota, host_and_chair, spread_dates

DATES = [
    date(2026, 9, 10),
    date(2026, 10, 8),
    date(2026, 11, 12),
    date(2026, 12, 10),
    date(2027, 1, 14),
    date(2027, 2, 11),
]


def test_three_schools_six_meetings_take_turns_in_order():
    rota = fair_rota(DATES, ["A", "B", "C"])
    assert [rota[d] for d in DATES] == ["A", "B", "C", "A", "B", "C"]


def test_seven_meetings_for_three_schools_differ_by_at_most_one():
    dates = [*DATES, date(2027, 3, 11)]
    counts = Counter(fair_rota(dates, ["A", "B", "C"]).values())
    assert sorted(counts.values()) == [2, 2, 3]


def test_schools_that_hosted_less_in_past_years_host_more_now():
    # Past: A 2, B 1, C 0. Three new turns: the cheapest slots are C(0), C(1), B(1) = 2,
    # so C hosts twice, B once and A not at all: everyone ends on 2.
    rota = fair_rota(DATES[:3], ["A", "B", "C"], past={"A": 2, "B": 1, "C": 0})
    assert Counter(rota.values()) == {"C": 2, "B": 1}


def test_first_turn_of_the_year_goes_to_the_school_with_fewest_past_turns():
    rota = fair_rota(DATES[:3], ["A", "B", "C"], past={"A": 1, "B": 1, "C": 0})
    assert rota[DATES[0]] == "C"


def test_a_blocked_date_is_never_given_to_that_school():
    rota = fair_rota(DATES[:3], ["A", "B", "C"], blocked={("A", DATES[0])})
    assert rota[DATES[0]] != "A"
    assert sorted(Counter(rota.values()).values()) == [1, 1, 1]


def test_a_date_nobody_can_take_is_refused_with_the_date_named():
    blocked = {(s, DATES[1]) for s in "AB"}
    with pytest.raises(RotaInfeasible) as refused:
        fair_rota(DATES[:2], ["A", "B"], blocked=blocked)
    assert refused.value.dates == [DATES[1]]


def test_planned_turns_stay_put_when_a_school_leaves():
    before = fair_rota(DATES, ["A", "B", "C"])
    after = fair_rota(DATES, ["A", "B"], keep=before)
    for d in DATES:
        if before[d] != "C":
            assert after[d] == before[d]
    assert Counter(after.values()) == {"A": 3, "B": 3}


def test_a_new_member_takes_turns_but_balance_wins_over_keeping_plans():
    before = fair_rota(DATES, ["A", "B"])
    after = fair_rota(DATES, ["A", "B", "C"], keep=before)
    assert Counter(after.values()) == {"A": 2, "B": 2, "C": 2}
    kept = sum(after[d] == before[d] for d in DATES)
    assert kept == 4  # only C's two turns changed hands


def test_the_host_does_not_chair_the_same_meeting():
    rota = host_and_chair(DATES, ["A", "B", "C"])
    assert all(rota.host[d] != rota.chair[d] for d in DATES)
    assert sorted(Counter(rota.chair.values()).values()) == [2, 2, 2]


def test_a_single_school_hosts_and_chairs_everything():
    rota = host_and_chair(DATES[:2], ["A"])
    assert set(rota.host.values()) == set(rota.chair.values()) == {"A"}


def test_no_schools_cannot_make_a_rota():
    with pytest.raises(RotaInfeasible):
        fair_rota(DATES[:1], [])
    assert fair_rota([], []) == {}


def test_meeting_dates_spread_over_the_year_on_the_chosen_weekday():
    dates = spread_dates(date(2026, 9, 1), date(2027, 7, 20), 6, weekday=3)
    assert len(dates) == 6
    assert all(d.weekday() == 3 for d in dates)
    assert dates[0] == date(2026, 9, 3)
    assert dates == sorted(dates)
    assert all(date(2026, 9, 1) <= d <= date(2027, 7, 20) for d in dates)


def _balance_cost(assignment, past):
    """The rota's first objective: sum over schools of past + 0 + 1 + ... for each new turn."""
    counts = Counter(assignment.values())
    return sum(past.get(s, 0) * n + n * (n - 1) // 2 for s, n in counts.items())


@pytest.mark.parametrize("seed", range(25))
def test_random_small_rotas_are_as_balanced_as_the_best_found_by_trying_every_rota(seed):
    """Against brute force: no assignment of schools to dates respecting the blocked dates has a
    lower balance cost than the rota's (and the rota never uses a blocked date)."""
    import itertools
    import random

    rng = random.Random(seed)
    schools = ["A", "B", "C", "D"][: rng.randint(2, 4)]
    dates = DATES[: rng.randint(1, 5)]
    past = {s: rng.randint(0, 3) for s in schools}
    blocked = {(s, d) for s in schools for d in dates if rng.random() < 0.25}
    candidates = [[s for s in schools if (s, d) not in blocked] for d in dates]
    if any(not c for c in candidates):
        with pytest.raises(RotaInfeasible):
            fair_rota(dates, schools, past=past, blocked=blocked)
        return
    rota = fair_rota(dates, schools, past=past, blocked=blocked)
    assert not any((s, d) in blocked for d, s in rota.items())
    best = min(
        _balance_cost(dict(zip(dates, combo, strict=True)), past) for combo in itertools.product(*candidates)
    )
    assert _balance_cost(rota, past) == best


@pytest.mark.parametrize("seed", range(10))
def test_without_blocked_dates_counts_over_the_years_never_differ_by_more_than_needed(seed):
    import random

    rng = random.Random(seed)
    schools = list("ABCDEFG")[: rng.randint(2, 7)]
    past = {s: rng.randint(0, 4) for s in schools}
    dates = [date(2026, 9, 1) + timedelta(weeks=2 * i) for i in range(rng.randint(1, 20))]
    rota = fair_rota(dates, schools, past=past)
    total = {s: past[s] + list(rota.values()).count(s) for s in schools}
    # Water-filling: either everyone is within one turn of each other, or the schools that got
    # nothing new were already above everyone who did.
    new = {s for s in rota.values()}
    if max(total.values()) - min(total.values()) > 1:
        assert all(total[s] == past[s] for s in schools if s not in new)
        assert max(total[s] for s in new) <= min(past[s] for s in schools if s not in new) + 1
