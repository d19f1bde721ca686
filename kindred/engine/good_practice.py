"""Where good practice is: schools reliably above expectation in a domain, strongest evidence first.

A school qualifies for a domain (reading, attendance, …) when, on at least one of the domain's
measures, the whole 95% interval of its relative performance is on the good side of zero (a reliable
strength; see performance.py). Its strength of evidence is the largest z (shrunk estimate over its
posterior SD, oriented so that up is better) among those measures.

Filters: phase, distance from a starting school (great-circle distance on latitude and longitude),
and "other local authority only" for brokering across boundaries. With a starting school the list
runs nearest first (ties by evidence); without, strongest evidence first.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from kindred.engine.performance import Evidence, one_per_measure

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


@dataclass(frozen=True)
class GoodPractice:
    """Schools with a reliable strength, in display order, with the evidence for each."""

    schools: np.ndarray  # int64 school indices
    z: np.ndarray  # strength of evidence: largest oriented z over the domain's strengths
    lower: np.ndarray  # oriented lower end of the interval on that measure (above 0)
    measure: np.ndarray  # str: the measure with that evidence
    distance_km: np.ndarray  # from the starting school; NaN without one


def haversine_km(
    lat1: np.ndarray | float, lon1: np.ndarray | float, lat2: np.ndarray | float, lon2: np.ndarray | float
) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (broadcasts like numpy)."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def good_practice(
    evidence: Sequence[Evidence],
    *,
    n_schools: int,
    phase: np.ndarray | None = None,
    phases: Collection[str] | None = None,
    latitude: np.ndarray | None = None,
    longitude: np.ndarray | None = None,
    local_authority: np.ndarray | None = None,
    from_school: int | None = None,
    max_km: float | None = None,
    other_authority_only: bool = False,
) -> GoodPractice:
    """Schools reliably above expectation on any measure in `evidence` (the domain's measures).

    Pass one estimate per measure (latest year or pooled). `phases` keeps schools whose `phase` is
    listed; `max_km` keeps schools within that distance of `from_school`; `other_authority_only` keeps
    schools outside `from_school`'s local authority. The starting school itself is never listed.
    """
    if from_school is not None and not 0 <= from_school < n_schools:
        raise ValueError(f"from_school {from_school} is not a school of this table (0..{n_schools - 1})")
    if (max_km is not None or other_authority_only) and from_school is None:
        raise ValueError("a distance or authority filter needs a starting school (from_school)")
    if max_km is not None and not max_km >= 0:
        raise ValueError(f"max_km must be a distance of 0 km or more, got {max_km}")
    if phases is not None and phase is None:
        raise ValueError("a phase filter needs each school's phase")
    if other_authority_only and local_authority is None:
        raise ValueError("the other-authority filter needs each school's local authority")
    if max_km is not None and (latitude is None or longitude is None):
        raise ValueError("a distance filter needs latitude and longitude")

    best_z = np.full(n_schools, -np.inf)
    best_lower = np.full(n_schools, np.nan)
    best_measure = np.full(n_schools, "", dtype=object)
    for item in one_per_measure(evidence, n_schools=n_schools):
        index = item.school_index
        with np.errstate(invalid="ignore"):
            strong = item.valid & (item.better_lower > 0)
        rows, z = index[strong], item.z[strong]
        # a school appears once per measure, so a plain comparison finds each school's best measure
        better = z > best_z[rows]
        rows, z = rows[better], z[better]
        best_z[rows] = z
        best_lower[rows] = item.better_lower[strong][better]
        best_measure[rows] = item.measure

    keep = np.isfinite(best_z)
    if phases is not None and phase is not None:
        keep &= np.isin(np.asarray(phase), list(phases))
    distance = np.full(n_schools, np.nan)
    if from_school is not None:
        keep[from_school] = False
        if latitude is not None and longitude is not None:
            lat, lon = np.asarray(latitude, dtype=float), np.asarray(longitude, dtype=float)
            distance = haversine_km(lat[from_school], lon[from_school], lat, lon)
        if max_km is not None:
            with np.errstate(invalid="ignore"):
                keep &= distance <= max_km
        if other_authority_only and local_authority is not None:
            authority = np.asarray(local_authority)
            keep &= authority != authority[from_school]

    rows = np.flatnonzero(keep)
    if from_school is not None and np.isfinite(distance[rows]).any():
        order = np.lexsort((-best_z[rows], np.nan_to_num(distance[rows], nan=np.inf)))
    else:
        order = np.lexsort((-best_lower[rows], -best_z[rows]))
    rows = rows[order]
    return GoodPractice(
        schools=rows,
        z=best_z[rows],
        lower=best_lower[rows],
        measure=best_measure[rows].astype(str),
        distance_km=distance[rows],
    )
