"""Importing schools, measures and links between schools from published CSV files (see docs/importing.md).

reading (bytes to rows) -> mapping (what the columns mean) -> cleaning (cell text to values)
-> planning (check everything, decide the changes) -> writing (the one place that writes).
"""

from kindred.schools.importing.mapping import MappingError, mapping_load, ready_mappings
from kindred.schools.importing.report import ImportFailed, ImportReport, Problem
from kindred.schools.importing.service import (
    CountryNotInstalled,
    ImportKind,
    links_import,
    measures_import,
    schools_import,
)

__all__ = [
    "CountryNotInstalled",
    "ImportFailed",
    "ImportKind",
    "ImportReport",
    "MappingError",
    "Problem",
    "links_import",
    "mapping_load",
    "measures_import",
    "ready_mappings",
    "schools_import",
]
