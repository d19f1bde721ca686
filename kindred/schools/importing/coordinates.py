"""British National Grid eastings/northings to latitude/longitude, for a whole file at once."""

from functools import cache

import numpy as np
from pyproj import Transformer


@cache
def _bng_to_wgs84() -> Transformer:
    # always_xy: (easting, northing) in, (longitude, latitude) out, whatever the CRS axis order.
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def bng_to_latlon(eastings: np.ndarray, northings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Latitudes and longitudes (degrees, rounded to 6 places, about 0.1 m) for OSGB36 grid points."""
    longitudes, latitudes = _bng_to_wgs84().transform(eastings, northings)
    return np.round(np.asarray(latitudes), 6), np.round(np.asarray(longitudes), 6)
