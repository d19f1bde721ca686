"""Cut the small samples in this folder from the full England 2018/19 files.

    python tests/importing/data/england-2019/make_samples.py [../shared/data/england-2019]

Each sample keeps a file's bytes as published (encoding, byte-order mark, line endings): its
header, its first data rows, every row of the schools of Rutland (local authority 857) and of
a few schools the tests name, and its last rows (national and authority totals). Small files
(the authorities list, the grammar schools) are kept whole.
"""

import csv
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FULL = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[4] / "shared" / "data" / "england-2019"
FIRST = {"england_ks2final.csv": 200}  # the query-count test imports 200 KS2 rows
FIRST_DEFAULT, LAST = 40, 5
WHOLE = {"la_and_region_codes_meta.csv", "grammar_schools.csv"}
NAMED = {"126170", "137181", "141279"}  # schools the tests look at


def rutland_urns() -> set[str]:
    with (FULL / "england_census.csv").open(encoding="utf-8-sig", newline="") as handle:
        return {row["URN"] for row in csv.DictReader(handle) if row["LA"] == "857"}


def main() -> None:
    keep_urns = rutland_urns() | NAMED
    for path in sorted(FULL.glob("*.csv")):
        raw = path.read_bytes()
        if path.name in WHOLE:
            (HERE / path.name).write_bytes(raw)
            continue
        lines = raw.splitlines(keepends=True)
        header = next(csv.reader(io.StringIO(lines[0].decode("utf-8-sig"))))
        urn_at = header.index("URN")
        first = FIRST.get(path.name, FIRST_DEFAULT)
        kept = lines[: first + 1]
        for line in lines[first + 1 : -LAST]:
            cells = next(csv.reader(io.StringIO(line.decode("utf-8"))), [])
            if len(cells) > urn_at and cells[urn_at] in keep_urns:
                kept.append(line)
        kept += lines[-LAST:]
        (HERE / path.name).write_bytes(b"".join(kept))
        print(f"{path.name}: {len(kept) - 1} of {len(lines) - 1} rows")


if __name__ == "__main__":
    main()
