"""Network formation: schools into networks of a given size range, with little travel and good coverage.

What is computed, in steps that can be checked:

1. **How many networks.** With n schools and sizes from `min_size` to `max_size`, any count k with
   ceil(n / max) <= k <= floor(n / min) is possible; by default k = n / ((min + max) / 2), rounded
   and clamped into that range. No such k means the input is infeasible (`Infeasible` says why).
2. **Balanced start** (recursive coordinate bisection). The schools are cut along their widest
   spread into two parts whose sizes are proportional to the networks each part will hold, and again
   inside each part, until one network per part. Every part then has n/k schools give or take one,
   so the start is within bounds, and dense cities get as many networks as their schools need
   (where naive k-means leaves them short).
3. **Assignment rounds**, in two phases. Every school is assigned by a min-cost flow (OR-Tools) over
   sparse arcs — to its `candidate_hosts` nearest centres and to its current network, so the current
   partition is always feasible — where each network must receive at least `min_size` and at most
   `max_size` schools and an arc costs the distance in metres to the network's centre. First the
   centres are points anywhere (each network's geometric median, by three Weiszfeld steps from its
   mean): they move smoothly, so networks slide into place (up to `centre_rounds` rounds, until fewer
   than 0.1% of schools change network). Then each network meets at its *host*: the member school
   with the least total travel from the others (the medoid); hosts and assignment alternate until
   travel falls by less than 0.1%. In this phase neither step can raise travel.
4. **Local search** (only with needs and strengths, or mixing rules). Swapping two schools between
   neighbouring networks keeps every size; a swap is made when it raises the number of *covered*
   members (a school whose top needs include a domain where another member is strong) at a travel
   cost of at most `coverage_km` per newly covered school, or removes a broken mixing rule (at least
   one urban and one rural school; at most `max_per_authority` from one authority; contrasting
   localities: at least one school from the least and one from the most deprived third, by
   `deprivation_bands` of e.g. the share of disadvantaged pupils), never breaking another. It stops
   after `search_seconds`.
5. **Quality report**: sizes, mean / 95th percentile / maximum travel to the host, total travel,
   coverage, mixing rules met, and a **lower bound** on total travel with the ratio to it. The bound
   is Lagrangian: relaxing "each school in exactly one network" with a price λ_i per school gives
   `L(λ) = Σ λ_i + (sum of the k smallest c_h)`, where `c_h` is the best any host h can do, the sum
   of the at most `max_size` most negative `d(i, h) − λ_i`. Keeping λ_i at most the distance to
   school i's `bound_neighbours`-th nearest school makes every unlisted pair non-negative, so the
   sparse sum is exact; L(λ) is below the optimum for every such λ (weak duality) and subgradient
   steps raise it.

Travel is great-circle km times a detour factor (travel.py); the optimisation works on straight-line
distances in 3-D, which are within 0.01% of great-circle ones at these distances, and the bound uses
them (they are never longer, so the bound stays valid).

**Incremental mode** (`place_new_schools`): existing networks keep every member; new schools join
the nearest networks with room (filling networks below the minimum first, by the same min-cost
flow); new schools left without room form new networks of their own when there are enough of them
(when their number cannot be split within the sizes — 13 schools into 8–10 — as many full networks as
can be made, from the schools nearest their centre; the rest stay unplaced and are reported).
"""

import time
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from kindred.engine import flow
from kindred.engine.blas import one_blas_thread
from kindred.engine.travel import chord_to_arc_km, to_xyz


class Infeasible(ValueError):
    """The schools cannot be formed into networks of the asked sizes; the message says why, in English.

    `code` names the reason and `params` holds its figures, so a page can say it in its reader's
    language (kindred/brokering/infeasible.py); the engine knows no languages."""

    def __init__(self, message: str, *, code: str = "", **params: int | str):
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class MixingRules:
    """Optional rules on every network's make-up (cluster guidance: contrasting localities)."""

    urban_and_rural: bool = False  # at least one urban and one rural school
    max_per_authority: int | None = None  # at most this many schools from one authority
    # At least one school from the least and one from the most deprived third of the schools being
    # formed (`deprivation_bands`): "a contrasting locality in terms of … socio-economic descriptors".
    contrasting_deprivation: bool = False

    @property
    def any(self) -> bool:
        return self.urban_and_rural or self.max_per_authority is not None or self.contrasting_deprivation


def deprivation_bands(share: np.ndarray) -> np.ndarray:
    """Each school's third of `share` (e.g. the % of disadvantaged pupils) among the schools given:
    0 the least deprived third, 1 the middle, 2 the most deprived; -1 where unknown (NaN).
    Cut at the 1/3 and 2/3 quantiles of the known values; a value on a cut goes to the lower band."""
    share = np.asarray(share, dtype=float)
    bands = np.full(len(share), -1, dtype=np.int64)
    known = ~np.isnan(share)
    if known.any():
        low, high = np.quantile(share[known], [1 / 3, 2 / 3])
        bands[known] = np.where(share[known] <= low, 0, np.where(share[known] <= high, 1, 2))
    return bands


@dataclass
class QualityReport:
    schools: int
    networks: int
    min_size: int
    max_size: int
    sizes_in_bounds: bool
    smallest: int
    largest: int
    travel_total_km: float
    travel_mean_km: float
    travel_p95_km: float
    travel_max_km: float
    lower_bound_km: float
    ratio_to_bound: float
    coverage: float | None  # share of members with needs whose needs another member meets
    networks_breaking_rules: int
    seconds: float
    stages: dict = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as plain lines for a terminal or a log."""
        lines = [
            f"{self.schools} schools in {self.networks} networks of {self.smallest}–{self.largest} "
            f"(asked {self.min_size}–{self.max_size}: {'all in bounds' if self.sizes_in_bounds else 'OUT OF BOUNDS'})",
            f"travel to the meeting point: mean {self.travel_mean_km:.1f} km, 95th percentile "
            f"{self.travel_p95_km:.1f} km, maximum {self.travel_max_km:.1f} km, total {self.travel_total_km:.0f} km",
            f"lower bound on total travel {self.lower_bound_km:.0f} km: within {self.ratio_to_bound:.2f}× of it",
        ]
        if self.coverage is not None:
            lines.append(
                f"coverage: {self.coverage:.1%} of schools with needs have them met by another member"
            )
        lines.append(f"networks breaking a mixing rule: {self.networks_breaking_rules}")
        lines.append(f"took {self.seconds:.1f} s")
        return lines


@dataclass
class Formation:
    labels: np.ndarray  # network of each school (0..k-1)
    hosts: np.ndarray  # school index of each network's meeting point
    report: QualityReport


def network_count_range(n: int, min_size: int, max_size: int) -> tuple[int, int]:
    """The smallest and largest number of networks that n schools can make within the sizes."""
    return -(-n // max_size), n // min_size


def _check_sizes(n: int, min_size: int, max_size: int, n_networks: int | None) -> int:
    if min_size < 1 or max_size < min_size:
        raise Infeasible(
            f"network sizes must satisfy 1 <= minimum <= maximum, got {min_size}–{max_size}",
            code="sizes_unordered",
            min=min_size,
            max=max_size,
        )
    if n < min_size:
        raise Infeasible(
            f"{n} schools cannot make even one network of at least {min_size}",
            code="too_few_schools",
            n=n,
            min=min_size,
        )
    low, high = network_count_range(n, min_size, max_size)
    if low > high:
        raise Infeasible(
            f"{n} schools cannot be split into networks of {min_size}–{max_size}: "
            f"{low} networks would be needed to keep each under {max_size + 1}, "
            f"but only {high} can each have {min_size}",
            code="sizes_unsplittable",
            n=n,
            min=min_size,
            max=max_size,
            above=max_size + 1,
            low=low,
            high=high,
        )
    if n_networks is None:
        return int(np.clip(round(n / ((min_size + max_size) / 2)), low, high))
    if not low <= n_networks <= high:
        raise Infeasible(
            f"{n} schools make between {low} and {high} networks of {min_size}–{max_size}, not {n_networks}",
            code="network_count",
            n=n,
            low=low,
            high=high,
            min=min_size,
            max=max_size,
            asked=n_networks,
        )
    return n_networks


def balanced_start(xyz: np.ndarray, k: int, min_size: int, max_size: int) -> np.ndarray:
    """Recursive coordinate bisection into k parts, each of n/k schools give or take one."""
    labels = np.empty(len(xyz), dtype=np.int64)
    stack = [(np.arange(len(xyz)), k, 0)]
    while stack:
        members, parts, first = stack.pop()
        if parts == 1:
            labels[members] = first
            continue
        left_parts = parts // 2
        right_parts = parts - left_parts
        n = len(members)
        n_left = round(n * left_parts / parts)
        n_left = min(max(n_left, left_parts * min_size, n - right_parts * max_size), left_parts * max_size)
        points = xyz[members]
        axis = int(np.argmax(points.max(0) - points.min(0)))
        order = np.argpartition(points[:, axis], n_left - 1) if 0 < n_left < n else np.arange(n)
        stack.append((members[order[:n_left]], left_parts, first))
        stack.append((members[order[n_left:]], right_parts, first + left_parts))
    return labels


def _padded(labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Members of each network in rows of a k × largest matrix (-1 pads) and the sizes."""
    order = np.argsort(labels, kind="stable")
    sizes = np.bincount(labels, minlength=k)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    rank = np.arange(len(labels)) - starts[labels[order]]
    table = np.full((k, max(int(sizes.max()), 1)), -1, dtype=np.int64)
    table[labels[order], rank] = order
    return table, sizes


def medoids(xyz: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each network's host (the member with least total straight-line distance from the others) and each
    school's distance to its host."""
    table, _ = _padded(labels, k)
    present = table >= 0
    points = xyz[np.where(present, table, 0)]  # k × s × 3
    gaps = np.linalg.norm(points[:, :, None, :] - points[:, None, :, :], axis=3)
    gaps *= present[:, :, None] & present[:, None, :]
    totals = np.where(present, gaps.sum(axis=2), np.inf)
    hosts = table[np.arange(k), np.argmin(totals, axis=1)]
    distance = np.linalg.norm(xyz - xyz[hosts[labels]], axis=1)
    return hosts, distance


def centres(xyz: np.ndarray, labels: np.ndarray, k: int, *, steps: int = 3) -> np.ndarray:
    """Each network's geometric median (least total distance), approximated by Weiszfeld steps from the mean."""
    sizes = np.bincount(labels, minlength=k)[:, None]
    centre = np.zeros((k, 3))
    np.add.at(centre, labels, xyz)
    centre /= sizes
    for _ in range(steps):
        weight = 1.0 / np.maximum(np.linalg.norm(xyz - centre[labels], axis=1), 1e-6)
        weighted = np.zeros((k, 3))
        np.add.at(weighted, labels, xyz * weight[:, None])
        centre = weighted / np.bincount(labels, weights=weight, minlength=k)[:, None]
    return centre


def _assign(
    xyz: np.ndarray,
    labels: np.ndarray,
    points: np.ndarray,
    min_size: int,
    max_size: int,
    candidate_hosts: int,
) -> np.ndarray:
    """Every school to a network by min-cost flow over its nearest network centres (`points`, k × 3) and
    its current network."""
    n, k = len(xyz), len(points)
    tree = cKDTree(points)
    near = min(candidate_hosts, k)
    _, nearest = tree.query(xyz, k=near)
    nearest = nearest.reshape(n, near)
    current_missing = (nearest != labels[:, None]).all(axis=1)  # add the current network where not near
    school = np.concatenate([np.repeat(np.arange(n), near), np.flatnonzero(current_missing)])
    network = np.concatenate([nearest.ravel(), labels[current_missing]])
    metres = np.rint(np.linalg.norm(xyz[school] - points[network], axis=1) * 1000).astype(np.int64)
    sink = n + k
    tail = np.concatenate([school, n + np.arange(k)])
    head = np.concatenate([n + network, np.full(k, sink)])
    capacity = np.concatenate([np.ones(len(school), np.int64), np.full(k, max_size - min_size)])
    cost = np.concatenate([metres, np.zeros(k, np.int64)])
    supply = np.concatenate([np.ones(n, np.int64), np.full(k, -min_size), [-(n - k * min_size)]])
    flows = flow.solve(sink + 1, tail, head, capacity, cost, supply)
    used = flows[: len(school)] > 0
    new = np.empty(n, dtype=np.int64)
    new[school[used]] = network[used]
    return new


@one_blas_thread
def form_networks(
    latitude: np.ndarray,
    longitude: np.ndarray,
    *,
    min_size: int = 8,
    max_size: int = 15,
    n_networks: int | None = None,
    needs: np.ndarray | None = None,
    strengths: np.ndarray | None = None,
    urban: np.ndarray | None = None,
    authority: np.ndarray | None = None,
    deprivation: np.ndarray | None = None,
    rules: MixingRules | None = None,
    detour: float = 1.3,
    candidate_hosts: int = 6,
    centre_rounds: int = 15,
    max_rounds: int = 30,
    coverage_km: float = 5.0,
    search_seconds: float = 5.0,
    bound_neighbours: int = 30,
    bound_iterations: int = 40,
) -> Formation:
    """Networks of `min_size`–`max_size` schools with little travel to each meeting point (see module)."""
    started = time.perf_counter()
    stages: dict[str, float] = {}
    latitude, longitude = np.asarray(latitude, float), np.asarray(longitude, float)
    n = len(latitude)
    if np.isnan(latitude).any() or np.isnan(longitude).any():
        raise Infeasible(
            f"{int(np.isnan(latitude).sum() + 0)} school(s) have no coordinates; place them first",
            code="no_coordinates",
            n=int(np.isnan(latitude).sum() + 0),
        )
    k = _check_sizes(n, min_size, max_size, n_networks)
    rules = rules or MixingRules()
    _check_rule_inputs(n, needs, strengths, urban, authority, rules, deprivation)
    xyz = to_xyz(latitude, longitude)

    labels = balanced_start(xyz, k, min_size, max_size)
    stages["start_s"] = time.perf_counter() - started
    for _ in range(centre_rounds):
        moved = _assign(xyz, labels, centres(xyz, labels, k), min_size, max_size, candidate_hosts)
        changed, labels = int((moved != labels).sum()), moved
        if changed <= n // 1000:
            break
    stages["centre_rounds_s"] = time.perf_counter() - started - sum(stages.values())
    hosts, distance = medoids(xyz, labels, k)
    total = distance.sum()
    for _ in range(max_rounds):
        labels = _assign(xyz, labels, xyz[hosts], min_size, max_size, candidate_hosts)
        hosts, distance = medoids(xyz, labels, k)
        previous, total = total, distance.sum()
        if total > previous * 0.999:
            break
    stages["rounds_s"] = time.perf_counter() - started - sum(stages.values())

    if needs is not None or rules.any:
        labels = _local_search(
            xyz,
            labels,
            k,
            needs,
            strengths,
            (urban, authority, deprivation),
            rules,
            coverage_km,
            search_seconds,
            candidate_hosts,
        )
        hosts, distance = medoids(xyz, labels, k)
    stages["search_s"] = time.perf_counter() - started - sum(stages.values())

    bound = lower_bound(xyz, k, max_size, distance, neighbours=bound_neighbours, iterations=bound_iterations)
    stages["bound_s"] = time.perf_counter() - started - sum(stages.values())
    report = quality_report(
        xyz,
        labels,
        hosts,
        min_size=min_size,
        max_size=max_size,
        detour=detour,
        lower_bound_chord_km=bound,
        needs=needs,
        strengths=strengths,
        urban=urban,
        authority=authority,
        deprivation=deprivation,
        rules=rules,
        seconds=time.perf_counter() - started,
    )
    report.stages = stages
    return Formation(labels=labels, hosts=hosts, report=report)


def _check_rule_inputs(n, needs, strengths, urban, authority, rules, deprivation=None) -> None:
    if (needs is None) != (strengths is None):
        raise ValueError("coverage needs both the schools' needs and their strengths")
    if needs is not None and (needs.shape != strengths.shape or needs.shape[0] != n):
        raise ValueError("needs and strengths must be schools × domains tables of the same shape")
    if rules.urban_and_rural and (urban is None or len(urban) != n):
        raise ValueError("the urban-and-rural rule needs each school's urban or rural setting")
    if rules.max_per_authority is not None and (authority is None or len(authority) != n):
        raise ValueError("the authority rule needs each school's authority")
    if rules.contrasting_deprivation and (deprivation is None or len(deprivation) != n):
        raise ValueError("the contrasting-deprivation rule needs each school's deprivation band")
    if rules.max_per_authority is not None and rules.max_per_authority < 1:
        raise Infeasible(
            "at most 0 schools from one authority leaves no school for any network", code="authority_zero"
        )


def covered(members: np.ndarray, needs: np.ndarray, strengths: np.ndarray) -> np.ndarray:
    """For each member with needs: does another member have a strength in one of its needs?"""
    counts = strengths[members].sum(axis=0)
    others = counts[None, :] - strengths[members]
    return (needs[members] & (others > 0)).any(axis=1)


def _breaks(members: np.ndarray, urban, authority, rules: MixingRules, deprivation=None) -> int:
    """How badly a network breaks the mixing rules: 1 for a missing urban or rural school, plus one for
    each school over the limit from one authority, plus one for each missing end of deprivation (no
    school from the least, or from the most, deprived third) (0: all rules met)."""
    broken = 0
    if rules.contrasting_deprivation:
        bands = deprivation[members]
        broken += int(not (bands == 0).any()) + int(not (bands == 2).any())
    if rules.urban_and_rural:
        kinds = urban[members]
        broken += int(kinds.all() or not kinds.any())
    if rules.max_per_authority is not None:
        broken += int(np.maximum(np.bincount(authority[members]) - rules.max_per_authority, 0).sum())
    return broken


def _local_search(xyz, labels, k, needs, strengths, mix, rules, coverage_km, seconds, candidate_hosts):
    """Swaps between neighbouring networks that raise coverage or mend a mixing rule (see module, step 4)."""
    deadline = time.perf_counter() + seconds
    urban, authority, deprivation = mix
    labels = labels.copy()
    table, _ = _padded(labels, k)
    members = [row[row >= 0] for row in table]
    hosts, _ = medoids(xyz, labels, k)
    _, neighbours = cKDTree(xyz[hosts]).query(xyz[hosts], k=min(candidate_hosts + 1, k))
    neighbours = neighbours.reshape(k, -1)
    with_coverage = needs is not None
    has_needs = needs.any(axis=1) if with_coverage else np.zeros(len(xyz), dtype=bool)

    def travel(group: np.ndarray) -> float:
        points = xyz[group]
        return float(np.linalg.norm(points[:, None] - points[None], axis=2).sum(axis=1).min())

    def state(group: np.ndarray) -> tuple[int, int, float]:
        cover = int(covered(group, needs, strengths)[has_needs[group]].sum()) if with_coverage else 0
        return cover, _breaks(group, urban, authority, rules, deprivation), travel(group)

    current = [state(group) for group in members]
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        for a in range(k):
            if time.perf_counter() > deadline:
                break
            cover_a, broken_a, travel_a = current[a]
            if broken_a == 0 and (not with_coverage or cover_a == has_needs[members[a]].sum()):
                continue
            for b in neighbours[a][1:]:
                cover_b, broken_b, travel_b = current[b]
                best = None
                for i_pos, i in enumerate(members[a]):
                    for j_pos, j in enumerate(members[b]):
                        new_a = members[a].copy()
                        new_a[i_pos] = j
                        new_b = members[b].copy()
                        new_b[j_pos] = i
                        sa, sb = state(new_a), state(new_b)
                        gain_cover = sa[0] + sb[0] - cover_a - cover_b
                        gain_rules = broken_a + broken_b - sa[1] - sb[1]
                        extra_km = sa[2] + sb[2] - travel_a - travel_b
                        if gain_rules < 0 or (gain_rules == 0 and gain_cover <= 0):
                            continue
                        if gain_rules == 0 and extra_km > coverage_km * gain_cover:
                            continue
                        if gain_cover < 0 and gain_rules <= 0:
                            continue
                        score = (gain_rules, gain_cover, -extra_km)
                        if best is None or score > best[0]:
                            best = (score, new_a, new_b, sa, sb)
                if best is not None:
                    _, members[a], members[b], current[a], current[b] = best
                    improved = True
                    break
    for index, group in enumerate(members):
        labels[group] = index
    return labels


def lower_bound(
    xyz: np.ndarray,
    k: int,
    max_size: int,
    distance_to_host: np.ndarray,
    *,
    neighbours: int = 30,
    iterations: int = 40,
) -> float:
    """A valid lower bound (straight-line km) on total travel to hosts for k networks of at most max_size.

    Lagrangian relaxation with subgradient steps (module, step 5); starts from each school's current
    distance to its host, which is what a school "costs" in a good solution.
    """
    n = len(xyz)
    near = min(neighbours, n)
    gap_km, index = cKDTree(xyz).query(xyz, k=near)
    gap_km, index = np.reshape(gap_km, (n, near)), np.reshape(index, (n, near))
    ceiling = gap_km[:, -1] if near < n else np.full(n, np.inf)  # unlisted hosts are at least this far
    # Pairs (school i, host h) grouped by host into a padded table.
    school = np.repeat(np.arange(n), near)
    host = index.ravel()
    d = gap_km.ravel()
    order = np.argsort(host, kind="stable")
    school, host, d = school[order], host[order], d[order]
    counts = np.bincount(host, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(host)) - starts[host]
    width = int(counts.max())
    pad_school = np.zeros((n, width), dtype=np.int64)
    pad_d = np.full((n, width), np.inf)
    pad_school[host, rank] = school
    pad_d[host, rank] = d
    take = min(max_size, width)
    upper = float(distance_to_host.sum())

    lam = np.minimum(distance_to_host, ceiling)
    best = -np.inf
    step = 1.0
    since_best = 0
    for _ in range(iterations):
        values = pad_d - lam[pad_school]
        values = np.where(values < 0, values, 0.0)
        if take < width:
            chosen_cols = np.argpartition(values, take - 1, axis=1)[:, :take]
        else:
            chosen_cols = np.tile(np.arange(width), (n, 1))
        chosen_values = np.take_along_axis(values, chosen_cols, axis=1)
        c_host = chosen_values.sum(axis=1)
        open_hosts = np.argpartition(c_host, k - 1)[:k] if k < n else np.arange(n)
        value = float(lam.sum() + c_host[open_hosts].sum())
        if value > best + 1e-9:
            best, since_best = value, 0
        else:
            since_best += 1
            if since_best >= 4:
                step, since_best = step / 2, 0
        # Subgradient: 1 − (times each school was taken by an open host).
        rows = np.repeat(open_hosts, take)
        cols = chosen_cols[open_hosts].ravel()
        taken_values = chosen_values[open_hosts].ravel()
        served = np.bincount(pad_school[rows, cols][taken_values < 0], minlength=n)
        gradient = 1.0 - served
        norm = float((gradient * gradient).sum())
        if norm == 0:
            break
        lam = np.minimum(lam + step * max(upper - value, 0.0) / norm * gradient, ceiling)
    return max(best, 0.0)


def quality_report(
    xyz: np.ndarray,
    labels: np.ndarray,
    hosts: np.ndarray,
    *,
    min_size: int,
    max_size: int,
    detour: float,
    lower_bound_chord_km: float,
    needs: np.ndarray | None = None,
    strengths: np.ndarray | None = None,
    urban: np.ndarray | None = None,
    authority: np.ndarray | None = None,
    deprivation: np.ndarray | None = None,
    rules: MixingRules | None = None,
    seconds: float = 0.0,
) -> QualityReport:
    """Sizes, travel (road km: great-circle times the detour), coverage and rules of a partition."""
    rules = rules or MixingRules()
    k = len(hosts)
    sizes = np.bincount(labels, minlength=k)
    travel = detour * chord_to_arc_km(np.linalg.norm(xyz - xyz[hosts[labels]], axis=1))
    table, _ = _padded(labels, k)
    groups = [row[row >= 0] for row in table]
    coverage = None
    if needs is not None and strengths is not None:  # both or neither (_check_rule_inputs)
        has_needs = np.asarray(needs.any(axis=1))
        met = sum(int(covered(g, needs, strengths)[has_needs[g]].sum()) for g in groups)
        coverage = met / int(has_needs.sum()) if has_needs.any() else 1.0
    broken = 0
    if rules.any:
        broken = sum(1 for g in groups if _breaks(g, urban, authority, rules, deprivation))
    total = float(travel.sum())
    bound = detour * lower_bound_chord_km
    return QualityReport(
        schools=len(labels),
        networks=k,
        min_size=min_size,
        max_size=max_size,
        sizes_in_bounds=bool(((sizes >= min_size) & (sizes <= max_size)).all()),
        smallest=int(sizes.min()),
        largest=int(sizes.max()),
        travel_total_km=total,
        travel_mean_km=float(travel.mean()),
        travel_p95_km=float(np.percentile(travel, 95)),
        travel_max_km=float(travel.max()),
        lower_bound_km=bound,
        ratio_to_bound=total / bound if bound > 0 else float("inf") if total > 0 else 1.0,
        coverage=coverage,
        networks_breaking_rules=broken,
        seconds=seconds,
    )


@one_blas_thread
def place_new_schools(
    latitude: np.ndarray,
    longitude: np.ndarray,
    labels: np.ndarray,
    *,
    min_size: int = 8,
    max_size: int = 15,
    detour: float = 1.3,
    candidate_hosts: int = 6,
) -> tuple[Formation, np.ndarray]:
    """Incremental mode: keep every existing member where it is; place the schools labelled -1.

    New schools fill networks that are below `min_size` first (a school left), then join the nearest
    network with room; those with no room nearby form new networks among themselves if there are at
    least `min_size` of them (when their number cannot be split within the sizes, the farthest from
    their centre stay unplaced: `_formable`). Returns the formation and the networks still below the minimum (no new
    school could fill them without moving someone else).
    """
    started = time.perf_counter()
    latitude, longitude = np.asarray(latitude, float), np.asarray(longitude, float)
    labels = np.asarray(labels, dtype=np.int64).copy()
    if np.isnan(latitude).any() or np.isnan(longitude).any():
        raise Infeasible("every school needs coordinates to be placed", code="coordinates_needed")
    xyz = to_xyz(latitude, longitude)
    placed = labels >= 0
    if not placed.any():
        formation = form_networks(latitude, longitude, min_size=min_size, max_size=max_size, detour=detour)
        return formation, np.zeros(0, dtype=np.int64)
    # Renumber existing networks 0..k-1 (a network whose members all left is gone).
    existing, labels[placed] = np.unique(labels[placed], return_inverse=True)
    k = len(existing)
    sizes = np.bincount(labels[placed], minlength=k)
    if (sizes > max_size).any():
        raise Infeasible(
            f"{int((sizes > max_size).sum())} existing network(s) already have more than {max_size} schools",
            code="networks_too_big",
            n=int((sizes > max_size).sum()),
            max=max_size,
        )
    new = np.flatnonzero(~placed)
    hosts_placed, _ = medoids(xyz[placed], labels[placed], k)
    hosts = np.flatnonzero(placed)[hosts_placed]
    room = max_size - sizes
    deficit = np.maximum(min_size - sizes, 0)
    if len(new):
        open_networks = np.flatnonzero(room > 0)
        school_arcs, network_arcs = [], []
        if len(open_networks):
            near = min(candidate_hosts, len(open_networks))
            _, nearest = cKDTree(xyz[hosts[open_networks]]).query(xyz[new], k=near)
            school_arcs.append(np.repeat(np.arange(len(new)), near))
            network_arcs.append(open_networks[nearest.reshape(len(new), near)].ravel())
            short = np.flatnonzero(deficit > 0)
            if len(short):  # networks below the minimum also reach out to their nearest new schools
                reach = min(len(new), int(deficit.max()) * 3)
                _, nearest_new = cKDTree(xyz[new]).query(xyz[hosts[short]], k=reach)
                school_arcs.append(nearest_new.reshape(len(short), reach).ravel())
                network_arcs.append(np.repeat(short, reach))
        school = np.concatenate(school_arcs) if school_arcs else np.zeros(0, np.int64)
        network = np.concatenate(network_arcs) if network_arcs else np.zeros(0, np.int64)
        pair = np.unique(school * k + network)
        school, network = pair // k, pair % k
        n_new = len(new)
        sink = n_new + k
        big = 10**8  # metres: more than any journey, so filling and joining come before leaving out
        metres = np.rint(np.linalg.norm(xyz[new[school]] - xyz[hosts[network]], axis=1) * 1000).astype(
            np.int64
        )
        tail = np.concatenate([school, n_new + np.arange(k), n_new + np.arange(k), np.arange(n_new)])
        head = np.concatenate([n_new + network, np.full(2 * k + n_new, sink)])
        capacity = np.concatenate(
            [np.ones(len(school), np.int64), deficit, room - deficit, np.ones(n_new, np.int64)]
        )
        cost = np.concatenate([metres, np.full(k, -big), np.zeros(k, np.int64), np.full(n_new, big)])
        supply = np.concatenate([np.ones(n_new, np.int64), np.zeros(k, np.int64), [-n_new]])
        flows = flow.solve(sink + 1, tail, head, capacity, cost, supply)
        joined = flows[: len(school)] > 0
        labels[new[school[joined]]] = network[joined]
        left_out = _formable(xyz, new[labels[new] < 0], min_size, max_size)
        if len(left_out):
            extra = form_networks(
                latitude[left_out], longitude[left_out], min_size=min_size, max_size=max_size
            )
            labels[left_out] = k + extra.labels
            k += extra.report.networks
    placed_now = labels >= 0
    sizes = np.bincount(labels[placed_now], minlength=k)
    still_short = np.flatnonzero(sizes < min_size)
    hosts_now, distance = medoids(xyz[placed_now], labels[placed_now], k)
    hosts_now = np.flatnonzero(placed_now)[hosts_now]
    bound = lower_bound(xyz[placed_now], k, max_size, distance) if placed_now.sum() > 1 else 0.0
    report = quality_report(
        xyz[placed_now],
        labels[placed_now],
        np.searchsorted(np.flatnonzero(placed_now), hosts_now),
        min_size=min_size,
        max_size=max_size,
        detour=detour,
        lower_bound_chord_km=bound,
        seconds=time.perf_counter() - started,
    )
    return Formation(labels=labels, hosts=hosts_now, report=report), still_short


def _formable(xyz: np.ndarray, schools: np.ndarray, min_size: int, max_size: int) -> np.ndarray:
    """The schools left without room that can form new networks among themselves: all of them when
    their number splits into sizes within bounds; else as many as `n // min_size` full networks hold,
    keeping those nearest the group's centre (the farthest stay unplaced); none when fewer than min."""
    n = len(schools)
    if n < min_size:
        return schools[:0]
    low, high = network_count_range(n, min_size, max_size)
    if low <= high:
        return schools
    keep = high * max_size  # high = n // min_size networks, each as full as allowed
    points = xyz[schools]
    centre = points.mean(axis=0)
    nearest = np.argsort(np.linalg.norm(points - centre, axis=1), kind="stable")[:keep]
    return np.sort(schools[nearest])
