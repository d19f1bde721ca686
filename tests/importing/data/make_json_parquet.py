"""Write the JSON and Parquet copies of two real samples (run by hand; the outputs are committed).

- france-2021/fr-en-ips_ecoles.json and .parquet: the rows of fr-en-ips_ecoles.csv with the field
  names and types of data.education.gouv.fr's own JSON and Parquet exports of the dataset
  (lower-case names with underscores; the IPS a number), a list of records.
- england-2019/england_census.json: england_census.csv as an object of records keyed by URN (as
  pandas' `to_json(orient="index")` writes one), and england_census.parquet, its rows as they are.

Only the form changes: every value is the published one.
"""

import csv
import json
import re
import unicodedata
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


def france() -> None:
    with (HERE / "france-2021" / "fr-en-ips_ecoles.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    records = [{slug(k): (float(v) if k == "IPS" else v) for k, v in row.items()} for row in rows]
    out = HERE / "france-2021" / "fr-en-ips_ecoles.json"
    out.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(records), HERE / "france-2021" / "fr-en-ips_ecoles.parquet")


def england() -> None:
    with (HERE / "england-2019" / "england_census.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_urn = {row["URN"]: {k: v for k, v in row.items() if k != "URN"} for row in rows if row["URN"]}
    out = HERE / "england-2019" / "england_census.json"
    out.write_text(json.dumps(by_urn, ensure_ascii=False) + "\n", encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(rows), HERE / "england-2019" / "england_census.parquet")


if __name__ == "__main__":
    france()
    england()
