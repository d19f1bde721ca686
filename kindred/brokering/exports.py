"""Brokering and formation results as CSV rows and GeoJSON, for the command line and downloads."""

import json
from collections.abc import Iterable
from typing import IO

from kindred.core.csv_export import csv_writer
from kindred.core.geojson import feature_collection

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


def write_geojson(stream: IO[str], features: list[dict]) -> int:
    json.dump(feature_collection(features), stream)
    return len(features)
