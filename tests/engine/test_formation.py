"""Network formation against cases worked by hand, brute force on tiny inputs, and generated cities."""

import itertools

import numpy as np
import pytest

from kindred.engine.formation import (
    Infeasible,
    MixingRules,
    deprivation_bands,
    form_networks,
    lower_bound,
    medoids,
    network_count_range,
    place_new_schools,
    quality_report,
)
from kindred.engine.travel import to_xyz

KM_PER_DEGREE_LAT = 111.195


def ring(lat: float, lon: float, n: int, radius_km: float) -> tuple[np.ndarray, np.ndarray]:
    """A school at (lat, lon) and n - 1 schools on a circle of radius_km around it."""
    angles = np.linspace(0, 2 * np.pi, n - 1, endpoint=False)
    dlat = radius_km / KM_PER_DEGREE_LAT * np.sin(angles)
    dlon = radius_km / (KM_PER_DEGREE_LAT * np.cos(np.radians(lat))) * np.cos(angles)
    return np.concatenate([[lat], lat + dlat]), np.concatenate([[lon], lon + dlon])


def towns(*specs) -> tuple[np.ndarray, np.ndarray]:
    """Schools scattered around towns given as (lat, lon, schools, spread in degrees)."""
    rng = np.random.default_rng(7)
    lat, lon = [], []
    for t_lat, t_lon, n, spread in specs:
        lat.append(t_lat + rng.normal(0, spread, n))
        lon.append(t_lon + rng.normal(0, spread, n))
    return np.concatenate(lat), np.concatenate(lon)


def test_too_few_schools_for_one_network_is_an_error_saying_so():
    with pytest.raises(Infeasible, match="7 schools cannot make even one network of at least 8"):
        form_networks(np.full(7, 52.0), np.zeros(7))


def test_a_count_that_no_sizes_can_split_is_an_error_naming_both_limits():
    # 17 schools in networks of exactly 9: one network is too few, two are too many.
    lat, lon = towns((52, 0, 17, 0.1))
    with pytest.raises(Infeasible, match="17 schools cannot be split into networks of 9–9"):
        form_networks(lat, lon, min_size=9, max_size=9)


def test_the_number_of_networks_stays_in_the_possible_range():
    assert network_count_range(38_000, 8, 15) == (2534, 4750)
    with pytest.raises(Infeasible, match="make between 2 and 3 networks"):
        form_networks(*towns((52, 0, 24, 0.1)), n_networks=4)


def test_two_far_apart_rings_become_two_networks_meeting_at_their_centres():
    lat1, lon1 = ring(52.0, -1.0, 8, 1.0)
    lat2, lon2 = ring(53.0, 0.5, 8, 2.0)
    formation = form_networks(
        np.concatenate([lat1, lat2]), np.concatenate([lon1, lon2]), min_size=8, max_size=8
    )
    labels = formation.labels
    assert len(set(labels[:8])) == 1 and len(set(labels[8:])) == 1 and labels[0] != labels[8]
    assert sorted(formation.hosts) == [0, 8]  # each ring's centre is its meeting point
    # 7 schools 1 km out and 7 schools 2 km out, by road at detour 1.3.
    assert formation.report.travel_total_km == pytest.approx((7 * 1 + 7 * 2) * 1.3, rel=1e-3)
    assert formation.report.lower_bound_km <= formation.report.travel_total_km + 1e-9


def test_a_dense_city_gets_as_many_networks_as_its_schools_need():
    # 60 schools in a city, 10 in each of two towns: 8 networks of 8-15 must put 4+ in the city.
    lat, lon = towns((51.5, -0.1, 60, 0.03), (53.0, -2.0, 10, 0.02), (54.5, -1.5, 10, 0.02))
    formation = form_networks(lat, lon, min_size=8, max_size=15, n_networks=7)
    labels = formation.labels
    assert set(labels[:60]).isdisjoint(labels[60:])  # no network spans the city and a town
    assert len(set(labels[:60])) >= 4
    assert formation.report.sizes_in_bounds


@pytest.mark.parametrize("n, low, high", [(40, 3, 5), (333, 8, 15), (1000, 8, 15), (517, 12, 12 + 1)])
def test_every_school_is_placed_and_every_network_is_within_the_sizes(n, low, high):
    rng = np.random.default_rng(n)
    lat, lon = towns(
        *[(rng.uniform(50, 55), rng.uniform(-4, 1), n // 5, rng.uniform(0.01, 0.3)) for _ in range(5)]
    )
    formation = form_networks(lat, lon, min_size=low, max_size=high)
    sizes = np.bincount(formation.labels)
    assert len(formation.labels) == len(lat)
    assert sizes.min() >= low and sizes.max() <= high
    assert formation.report.sizes_in_bounds
    assert formation.report.lower_bound_km <= formation.report.travel_total_km


def brute_force_optimum(xyz: np.ndarray, size: int) -> float:
    """Least total distance to each group's medoid over every split into groups of `size` (tiny n)."""
    n = len(xyz)
    best = np.inf

    def splits(rest):
        if not rest:
            yield []
            return
        first, others = rest[0], rest[1:]
        for mates in itertools.combinations(others, size - 1):
            remaining = [s for s in others if s not in mates]
            for tail in splits(remaining):
                yield [[first, *mates], *tail]

    for split in splits(list(range(n))):
        labels = np.empty(n, dtype=int)
        for index, group in enumerate(split):
            labels[group] = index
        _, distance = medoids(xyz, labels, len(split))
        best = min(best, distance.sum())
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_lower_bound_is_below_the_true_optimum_found_by_brute_force(seed):
    rng = np.random.default_rng(seed)
    lat, lon = 52 + rng.normal(0, 0.2, 9), rng.normal(0, 0.3, 9)
    xyz = to_xyz(lat, lon)
    optimum = brute_force_optimum(xyz, 3)
    formation = form_networks(lat, lon, min_size=3, max_size=3, detour=1.0, bound_neighbours=4)
    assert formation.report.lower_bound_km <= optimum + 1e-9
    assert formation.report.travel_total_km >= optimum - 1e-6
    _, distance = medoids(xyz, formation.labels, 3)
    assert lower_bound(xyz, 3, 3, distance, neighbours=9) <= optimum + 1e-9


def test_swaps_raise_coverage_when_a_neighbouring_network_has_the_strength():
    # Two towns 3 km apart, 8 schools each. Every school in the first needs reading (domain 0);
    # two schools in the second are strong in it. Split by geography, no first-town need is met.
    lat, lon = towns((52.0, 0.0, 8, 0.002), (52.027, 0.0, 8, 0.002))
    needs = np.zeros((16, 2), dtype=bool)
    needs[:8, 0] = True
    strengths = np.zeros((16, 2), dtype=bool)
    strengths[8:10, 0] = True
    plain = form_networks(lat, lon, min_size=8, max_size=8, needs=needs, strengths=strengths, coverage_km=0.0)
    assert plain.report.coverage == 0.0
    searched = form_networks(
        lat, lon, min_size=8, max_size=8, needs=needs, strengths=strengths, coverage_km=5.0
    )
    # One strong school swapped in meets the seven who stay; the one swapped out joins the other strong school.
    assert searched.report.coverage == 1.0
    assert searched.report.sizes_in_bounds


def test_the_urban_and_rural_rule_mixes_a_town_with_its_countryside():
    lat, lon = towns((52.0, 0.0, 8, 0.002), (52.05, 0.0, 8, 0.01))
    urban = np.array([True] * 8 + [False] * 8)
    formation = form_networks(
        lat, lon, min_size=8, max_size=8, urban=urban, rules=MixingRules(urban_and_rural=True)
    )
    assert formation.report.networks_breaking_rules == 0
    for network in range(2):
        kinds = urban[formation.labels == network]
        assert kinds.any() and not kinds.all()


def test_at_most_a_given_number_from_one_authority():
    lat, lon = towns((52.0, 0.0, 8, 0.002), (52.05, 0.0, 8, 0.002))
    authority = np.array([1] * 8 + [2] * 8)
    formation = form_networks(
        lat, lon, min_size=8, max_size=8, authority=authority, rules=MixingRules(max_per_authority=5)
    )
    assert formation.report.networks_breaking_rules == 0
    for network in range(2):
        assert np.bincount(authority[formation.labels == network]).max() <= 5


def test_deprivation_bands_are_thirds_of_the_known_shares():
    # Cuts at the 1/3 and 2/3 quantiles of 10…60: 26.67 and 43.33; unknown is -1.
    shares = np.array([60, 10, 30, 20, 50, 40, np.nan])
    assert deprivation_bands(shares).tolist() == [2, 0, 1, 0, 2, 1, -1]
    assert deprivation_bands(np.array([np.nan])).tolist() == [-1]


def test_contrasting_localities_mix_an_affluent_town_with_a_deprived_one():
    # Two towns of 8, 5.5 km apart, with 2–9% and 40–47% disadvantaged pupils. The cuts are the 1/3 and
    # 2/3 quantiles of the 16 shares, the 6th and 11th smallest: 7 and 42. So the affluent town has
    # six schools in the least deprived third (band 0) and two in the middle; the other, three in the
    # middle and five in the most deprived third (band 2). On travel alone each town is one network,
    # missing one end each: both break the rule. One swap (a band-0 school for a band-2 one) mends both.
    lat, lon = towns((52.0, 0.0, 8, 0.002), (52.05, 0.0, 8, 0.002))
    shares = np.concatenate([np.arange(2.0, 10.0), np.arange(40.0, 48.0)])
    bands = deprivation_bands(shares)
    assert bands.tolist() == [0] * 6 + [1] * 5 + [2] * 5
    plain = form_networks(lat, lon, min_size=8, max_size=8)
    report = quality_report(
        to_xyz(lat, lon),
        plain.labels,
        plain.hosts,
        min_size=8,
        max_size=8,
        detour=1.3,
        lower_bound_chord_km=0.0,
        deprivation=bands,
        rules=MixingRules(contrasting_deprivation=True),
    )
    assert report.networks_breaking_rules == 2
    mixed = form_networks(
        lat, lon, min_size=8, max_size=8, deprivation=bands, rules=MixingRules(contrasting_deprivation=True)
    )
    assert mixed.report.networks_breaking_rules == 0
    for network in range(2):
        members = bands[mixed.labels == network]
        assert (members == 0).any() and (members == 2).any()
    # The fewest swaps: each network keeps 7 of its town.
    assert sorted(np.bincount(mixed.labels[:8], minlength=2).tolist()) == [1, 7]


def test_the_contrasting_rule_needs_the_bands():
    with pytest.raises(ValueError, match="deprivation band"):
        form_networks(
            np.full(16, 52.0),
            np.linspace(0, 0.1, 16),
            min_size=8,
            max_size=8,
            rules=MixingRules(contrasting_deprivation=True),
        )


def test_incremental_mode_fills_a_gap_and_places_a_newcomer_without_moving_anyone_else():
    lat, lon = towns((52.0, 0.0, 16, 0.01), (53.0, 0.0, 16, 0.01))
    first = form_networks(lat, lon, min_size=8, max_size=10)
    labels = first.labels.copy()
    leaver_network = labels[0]
    keep = np.arange(1, 32)  # school 0 leaves
    # Two new schools: one near the first town, one near the second.
    new_lat = np.concatenate([lat[keep], [52.001, 53.001]])
    new_lon = np.concatenate([lon[keep], [0.001, 0.001]])
    new_labels = np.concatenate([labels[keep], [-1, -1]])
    formation, short = place_new_schools(new_lat, new_lon, new_labels, min_size=8, max_size=10)
    before = labels[keep]
    after = formation.labels[: len(keep)]
    # Nobody already placed moves (labels may be renumbered, so compare who is with whom).
    assert (np.equal.outer(before, before) == np.equal.outer(after, after)).all()
    assert (formation.labels >= 0).all()
    assert len(short) == 0
    sizes = np.bincount(formation.labels)
    assert sizes.min() >= 8 and sizes.max() <= 10
    leaver_mates = after[labels[keep] == leaver_network][0]
    if np.bincount(labels)[leaver_network] == 8:  # the leaver's network fell below 8: a newcomer filled it
        assert leaver_mates in formation.labels[-2:]


def test_incremental_mode_reports_a_network_it_cannot_fill_without_reshuffling():
    lat, lon = towns((52.0, 0.0, 16, 0.01))
    labels = np.array([0] * 8 + [1] * 8)
    formation, short = place_new_schools(lat[1:], lon[1:], labels[1:], min_size=8, max_size=10)
    assert list(short) == [0]
    assert (formation.labels == labels[1:]).all()


def test_incremental_mode_leaves_the_farthest_unplaced_when_the_newcomers_cannot_be_split_within_the_sizes():
    # One full network of 10 far away; 13 newcomers: 10 close together and 3 stragglers 5 km off.
    # 13 cannot be split into networks of 8–10, so one network of the 10 nearest their centre forms.
    lat, lon = towns((50.0, 0.0, 10, 0.01), (52.0, 0.0, 10, 0.005))
    lat = np.concatenate([lat, [52.045, 52.046, 52.047]])
    lon = np.concatenate([lon, [0.0, 0.0, 0.0]])
    labels = np.array([0] * 10 + [-1] * 13)
    formation, short = place_new_schools(lat, lon, labels, min_size=8, max_size=10)
    assert (formation.labels[:10] == 0).all() and len(short) == 0
    assert (formation.labels[10:20] == 1).all()
    assert (formation.labels[20:] == -1).all()
