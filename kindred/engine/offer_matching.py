"""Ranking offers of support (and schools strong in the domain) for a request: a pairing cost.

This is a small stand-in for the brokering engine's pairing cost (branch `broker`,
`kindred/engine/brokering.py`), written so the lead can swap one for the other: same three
terms, lower is better.

For a request in a domain and each candidate supporter (a school that offers the domain, or whose
evidence shows a strength in it):

1. strength term: ``-clip(z, -3, 3) / 3`` where z is the candidate's relative performance in the
   domain in standard errors (positive = above what its context predicts). Unknown z counts as 0.
2. distance term: ``min(km, 200) / 200`` — nearer is cheaper; an unknown distance counts as 100 km.
3. context term: ``min(d, 4) / 4`` where d is the Euclidean distance between the two schools'
   standardised context vectors (a school with a similar intake understands the problem).
   Unknown counts as 2.
4. cost = w_strength·(1) + w_distance·(2) + w_context·(3), weights (2, 1, 1) by default, and a
   candidate with a formal offer in the domain gets a bonus of -0.5 (it has said it has capacity).

Candidates are returned cheapest first, each with the terms that made its cost, so a page can
say *why* ("strong in maths (+2.1 SE), 12 km away, similar intake").
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

UNKNOWN_KM = 100.0
UNKNOWN_CONTEXT = 2.0
OFFER_BONUS = -0.5


@dataclass(frozen=True)
class Weights:
    strength: float = 2.0
    distance: float = 1.0
    context: float = 1.0


@dataclass(frozen=True)
class Ranked:
    index: int  # position in the input arrays
    cost: float
    strength_z: float | None
    distance_km: float | None
    context_distance: float | None
    offered: bool


def pairing_costs(
    *,
    strength_z: np.ndarray,
    distance_km: np.ndarray,
    context_distance: np.ndarray,
    offered: np.ndarray,
    weights: Weights = Weights(),  # noqa: B008 - frozen dataclass, safe as a default
) -> np.ndarray:
    """The cost of each candidate (NaN = unknown), vectorised over candidates."""
    z = np.nan_to_num(np.asarray(strength_z, dtype=float), nan=0.0)
    km = np.where(np.isnan(distance_km), UNKNOWN_KM, distance_km)
    ctx = np.where(np.isnan(context_distance), UNKNOWN_CONTEXT, context_distance)
    return (
        weights.strength * (-np.clip(z, -3.0, 3.0) / 3.0)
        + weights.distance * (np.minimum(km, 200.0) / 200.0)
        + weights.context * (np.minimum(ctx, 4.0) / 4.0)
        + np.where(np.asarray(offered, dtype=bool), OFFER_BONUS, 0.0)
    )


def rank(
    *,
    strength_z: Sequence[float],
    distance_km: Sequence[float],
    context_distance: Sequence[float],
    offered: Sequence[bool],
    limit: int = 10,
    weights: Weights = Weights(),  # noqa: B008
) -> list[Ranked]:
    """The `limit` cheapest candidates, cheapest first (ties by input order)."""
    z = np.asarray(strength_z, dtype=float)
    km = np.asarray(distance_km, dtype=float)
    ctx = np.asarray(context_distance, dtype=float)
    off = np.asarray(offered, dtype=bool)
    if not (len(z) == len(km) == len(ctx) == len(off)):
        raise ValueError(
            "Every candidate needs a strength, a distance, a context distance and an offer flag."
        )
    costs = pairing_costs(strength_z=z, distance_km=km, context_distance=ctx, offered=off, weights=weights)
    order = np.argsort(costs, kind="stable")[:limit]

    def known(values: np.ndarray, i: int) -> float | None:
        return None if np.isnan(values[i]) else float(values[i])

    return [
        Ranked(
            index=int(i),
            cost=float(costs[i]),
            strength_z=known(z, i),
            distance_km=known(km, i),
            context_distance=known(ctx, i),
            offered=bool(off[i]),
        )
        for i in order
    ]


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (haversine, Earth radius 6371 km) from one point to many; NaN stays NaN."""
    p1, l1 = np.radians(lat), np.radians(lon)
    p2, l2 = np.radians(np.asarray(lats, dtype=float)), np.radians(np.asarray(lons, dtype=float))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))
