"""GeoJSON (RFC 7946) features: what `kindred broker`/`form-networks --export` write and what the
API's maps answer with (api/routers_*: `/schools.geojson`, `/networks/{id}/members.geojson`).

Coordinates are longitude then latitude, rounded to 6 decimal places (about 10 cm).
"""

from typing import Any

#: The media type of GeoJSON (RFC 7946 §12), which the API's maps are sent as.
MEDIA_TYPE = "application/geo+json"


def point(lon: float, lat: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def line(points: list[tuple[float, float]], properties: dict) -> dict:
    """A LineString through `points`, each given (latitude, longitude)."""
    coordinates = [[round(lon, 6), round(lat, 6)] for lat, lon in points]
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coordinates},
        "properties": properties,
    }


def feature_collection(features: list[dict], **members: Any) -> dict:
    """A FeatureCollection of `features`; `members` are added beside them (RFC 7946 §6.1 allows
    such "foreign members": the API's `next_cursor`)."""
    return {"type": "FeatureCollection", "features": features, **members}
