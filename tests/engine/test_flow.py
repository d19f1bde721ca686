"""The flow's potentials: the same distances as relaxing every residual arc every round, faster."""

import numpy as np
import pytest

from kindred.engine import flow


def every_arc_every_round(n_nodes, tail, head, capacity, cost, flows):
    """The textbook Bellman-Ford from a virtual root (every node at 0): relax every residual arc
    each round until nothing improves. What `flow.potentials` computed before it kept a frontier."""
    forward, backward = flows < capacity, flows > 0
    r_tail = np.concatenate([tail[forward], head[backward]])
    r_head = np.concatenate([head[forward], tail[backward]])
    r_cost = np.concatenate([cost[forward], -cost[backward]]).astype(float)
    distance = np.zeros(n_nodes)
    while True:
        candidate = distance[r_tail] + r_cost
        improves = candidate < distance[r_head]
        if not improves.any():
            return distance
        np.minimum.at(distance, r_head[improves], candidate[improves])


def transport(seed: int, n_left: int = 60, n_right: int = 40, degree: int = 6):
    """A random transportation network with an unmet arc per left node (as brokering builds it)."""
    rng = np.random.default_rng(seed)
    left = np.repeat(np.arange(n_left), degree)
    right = rng.integers(0, n_right, len(left))
    keys = np.unique(left * n_right + right)
    left, right = keys // n_right, keys % n_right
    sink = n_left + n_right
    wants = rng.integers(1, 3, n_left)
    tail = np.concatenate([left, np.arange(n_right) + n_left, np.arange(n_left)])
    head = np.concatenate([right + n_left, np.full(n_right, sink), np.full(n_left, sink)])
    capacity = np.concatenate([np.ones(len(left), dtype=np.int64), rng.integers(0, 4, n_right), wants])
    cost = np.concatenate(
        [rng.integers(0, 5000, len(left)), np.zeros(n_right, np.int64), np.full(n_left, 10_000)]
    )
    supply = np.concatenate([wants, np.zeros(n_right, np.int64), [-wants.sum()]])
    return sink + 1, tail, head, capacity, cost, supply


@pytest.mark.parametrize("seed", range(8))
def test_potentials_are_the_shortest_distances_of_the_residual_graph_as_before(seed):
    n_nodes, tail, head, capacity, cost, supply = transport(seed)
    flows = flow.solve(n_nodes, tail, head, capacity, cost, supply)
    distance = flow.potentials(n_nodes, tail, head, capacity, cost, flows)
    assert np.array_equal(distance, every_arc_every_round(n_nodes, tail, head, capacity, cost, flows))
    # the certificate: no residual arc has a negative reduced cost
    reduced = cost + distance[tail] - distance[head]
    assert (reduced[flows < capacity] >= 0).all() and (reduced[flows > 0] <= 0).all()
    assert distance.min() < 0


def test_a_flow_that_is_not_optimal_is_refused():
    # two needs, two supporters: the flow takes both dear pairs, leaving a negative cycle
    tail, head = np.array([0, 0, 1, 1]), np.array([2, 3, 2, 3])
    capacity, cost = np.ones(4, dtype=np.int64), np.array([1, 10, 10, 1])
    flows = np.array([0, 1, 1, 0])
    with pytest.raises(flow.FlowError, match="negative cycle"):
        flow.potentials(4, tail, head, capacity, cost, flows, max_rounds=50)
