"""Min-cost flow on arrays (OR-Tools' solver) and node potentials that prove a flow optimal.

`solve` hands integer arcs to OR-Tools' SimpleMinCostFlow and returns the flow on each arc.
`potentials` reads the dual values off an optimal flow: the shortest-path distances in the residual
graph (from a virtual root joined to every node at cost 0). An optimal flow has no negative cycle
in its residual graph, so the distances exist, and every residual arc then has a reduced cost
`cost + d[tail] - d[head]` of zero or more — the certificate that brokering uses to price pairs the
solver never saw (column generation) and to compute a lower bound.
"""

import numpy as np
from ortools.graph.python import min_cost_flow


class FlowError(RuntimeError):
    """The solver could not send the flow (the caller's network is built so that this never happens)."""


def solve(
    n_nodes: int,
    tail: np.ndarray,
    head: np.ndarray,
    capacity: np.ndarray,
    cost: np.ndarray,
    supply: np.ndarray,
) -> np.ndarray:
    """Flow on each arc of a min-cost flow meeting `supply` (positive: sends, negative: receives)."""
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        tail.astype(np.int32), head.astype(np.int32), capacity.astype(np.int64), cost.astype(np.int64)
    )
    solver.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supply.astype(np.int64))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise FlowError(f"the min-cost flow solver stopped with status {status}")
    return np.asarray(solver.flows(np.arange(len(tail), dtype=np.int32)), dtype=np.int64)


def potentials(
    n_nodes: int,
    tail: np.ndarray,
    head: np.ndarray,
    capacity: np.ndarray,
    cost: np.ndarray,
    flow: np.ndarray,
    *,
    max_rounds: int = 100_000,
) -> np.ndarray:
    """Shortest distances in the residual graph of an optimal `flow` (Bellman-Ford, vectorised).

    Every node starts at distance 0 (the virtual root's arc). A round relaxes only the arcs leaving
    nodes whose distance fell in the round before (at first: the tails of negative arcs, the only
    arcs that can lower a 0), since no other arc can improve anything: the same distances, rounds
    and answer as relaxing every arc every round, for a fraction of the arcs."""
    forward = flow < capacity
    backward = flow > 0
    r_tail = np.concatenate([tail[forward], head[backward]])
    r_head = np.concatenate([head[forward], tail[backward]])
    r_cost = np.concatenate([cost[forward], -cost[backward]]).astype(np.float64)
    order = np.argsort(r_tail, kind="stable")
    r_tail, r_head, r_cost = r_tail[order], r_head[order], r_cost[order]
    first = np.searchsorted(r_tail, np.arange(n_nodes + 1))  # arcs of node x: first[x]:first[x + 1]
    distance = np.zeros(n_nodes)
    active = np.unique(r_tail[r_cost < 0])
    for _ in range(max_rounds):
        if not len(active):
            return distance
        counts = first[active + 1] - first[active]
        arcs = np.repeat(first[active] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        candidate = distance[r_tail[arcs]] + r_cost[arcs]
        heads = r_head[arcs]
        improves = candidate < distance[heads]
        np.minimum.at(distance, heads[improves], candidate[improves])
        active = np.unique(heads[improves])
    raise FlowError("the residual graph has a negative cycle: the flow is not optimal")
