"""CSV exports of stored evidence, shared by the commands and the dashboard's download."""

from collections.abc import Iterable, Iterator

from kindred.core.csv_export import csv_writer
from kindred.evidence.models import FamilyMember, Performance

FAMILY_COLUMNS = ["school_id", "similar_school_id", "rank", "distance"]
PERFORMANCE_COLUMNS = [
    "school_id",
    "measure",
    "year",
    "value",
    "expected",
    "estimate",
    "lower",
    "upper",
    "flag",
]


def family_rows() -> Iterator[list]:
    rows = FamilyMember.objects.order_by("school__registry_id", "rank").values_list(
        "school__registry_id", "member__registry_id", "rank", "distance"
    )
    for school, member, rank, distance in rows.iterator(chunk_size=20_000):
        yield [school, member, rank, f"{distance:.4f}"]


def performance_rows() -> Iterator[list]:
    rows = Performance.objects.order_by("school__registry_id", "measure__code", "year").values_list(
        "school__registry_id",
        "measure__code",
        "year",
        "value",
        "expected",
        "estimate",
        "lower",
        "upper",
        "flag",
    )
    for school, measure, year, *numbers, flag in rows.iterator(chunk_size=20_000):
        yield [school, measure, "" if year is None else year, *(f"{n:.4f}" for n in numbers), flag]


def write_csv(stream, header: list[str], rows: Iterable[list]) -> int:
    writer = csv_writer(stream, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
