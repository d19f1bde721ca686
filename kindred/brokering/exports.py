"""Brokering and formation results as CSV rows and GeoJSON, for the command line and downloads."""

import json
from collections.abc import Iterable
from typing import IO

from kindred.core.csv_export import csv_writer

BROKER_COLUMNS = ["need_school_id", "domain", "partner_school_id", "cost", "reason"]
FORMATION_COLUMNS = ["school_id", "network"]
INCREMENTAL_COLUMNS = ["school_id", "network", "change"]


def write_csv(stream: IO[str], columns: list[str], rows: Iterable[Iterable]) -> int:
    writer = csv_writer(stream)
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def point(lon: float, lat: float, properties: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": properties,
    }


def line(points: list[tuple[float, float]], properties: dict) -> dict:
    coordinates = [[round(lon, 6), round(lat, 6)] for lat, lon in points]
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coordinates},
        "properties": properties,
    }


def write_geojson(stream: IO[str], features: list[dict]) -> int:
    json.dump({"type": "FeatureCollection", "features": features}, stream)
    return len(features)
