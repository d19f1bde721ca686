"""Travel between schools: great-circle distance times a detour factor, behind a pluggable source.

Brokering and formation never compute travel themselves; they ask a `TravelSource` for a matrix of
kilometres (or minutes) between two sets of points. The default, `GreatCircle`, is the great-circle
distance on a sphere of the Earth's mean radius times a detour factor (roads are not straight; 1.3
is the usual rule of thumb for road networks), and, when a speed is given, turned into minutes. An
installation with a routing service or a table of journey times plugs in its own source: anything
with the same `km` and `minutes` methods will do.

For optimisation, points are also placed in 3-D (unit sphere times the radius): the straight-line
(chord) distance there is within 0.01% of the great-circle distance below 100 km, and it lets
nearest-neighbour trees and matrix products do the work.
"""

from dataclasses import dataclass
from typing import Protocol

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


class TravelSource(Protocol):
    """Anything that can say how far apart two sets of points are (rows: first set, columns: second)."""

    def km(self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray: ...

    def minutes(
        self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
    ) -> np.ndarray: ...

    def km_pairs(self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
        """Km from each first point to the second point of the same index (a vector)."""
        ...

    def minutes_pairs(
        self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
    ) -> np.ndarray: ...


def to_xyz(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Points in 3-D km coordinates (n × 3) on a sphere of the Earth's mean radius."""
    phi = np.radians(np.asarray(latitude, dtype=float))
    lam = np.radians(np.asarray(longitude, dtype=float))
    cos_phi = np.cos(phi)
    return EARTH_RADIUS_KM * np.column_stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)])


def chord_to_arc_km(chord: np.ndarray) -> np.ndarray:
    """Great-circle km from straight-line (chord) km between points on the sphere."""
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / (2 * EARTH_RADIUS_KM), 0.0, 1.0))


@dataclass(frozen=True)
class GreatCircle:
    """Great-circle km times `detour`; minutes at `speed_kmh` on the road."""

    detour: float = 1.3
    speed_kmh: float = 40.0

    def __post_init__(self) -> None:
        if not self.detour >= 1:
            raise ValueError(
                f"the detour factor must be 1 or more (roads are never shorter), got {self.detour}"
            )
        if not self.speed_kmh > 0:
            raise ValueError(f"the speed must be above 0 km/h, got {self.speed_kmh}")

    def km(self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
        """Matrix of road km estimates, len(lat1) × len(lat2): `chord_to_arc_km` of the chord times
        the detour, each step in place (brokering costs hundreds of millions of pairs with it)."""
        a, b = to_xyz(lat1, lon1), to_xyz(lat2, lon2)
        km = np.add.outer((a * a).sum(1), (b * b).sum(1))
        km -= 2 * a @ b.T
        np.clip(km, 0.0, None, out=km)
        np.sqrt(km, out=km)  # the chord
        km /= 2 * EARTH_RADIUS_KM
        np.clip(km, 0.0, 1.0, out=km)
        np.arcsin(km, out=km)
        km *= 2 * EARTH_RADIUS_KM  # the great circle
        km *= self.detour
        return km

    def minutes(self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
        minutes = self.km(lat1, lon1, lat2, lon2)
        minutes /= self.speed_kmh
        minutes *= 60.0
        return minutes

    def km_pairs(self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
        chord = np.linalg.norm(to_xyz(lat1, lon1) - to_xyz(lat2, lon2), axis=1)
        return self.detour * chord_to_arc_km(chord)

    def minutes_pairs(
        self, lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
    ) -> np.ndarray:
        return self.km_pairs(lat1, lon1, lat2, lon2) / self.speed_kmh * 60.0
