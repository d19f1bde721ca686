"""Fixtures for the importer tests: samples of the real England files, and small copies of them to break."""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# Small cuts of the real 2018/19 files, kept in the repository (data/england-2019/README.md), so
# that every test runs in any checkout; the full files (../shared) are for the benchmarks.
SAMPLES = HERE / "data" / "england-2019"
GIAS_SAMPLE = HERE / "data" / "gias_sample.csv"
# Another country's real published file (data/france-2021/SOURCE.md): French column names, a
# semicolon delimiter, the national school id (UAI) and a measure Kindred does not know.
FRANCE = HERE / "data" / "france-2021"


def sample(name: str) -> Path:
    path = SAMPLES / name
    assert path.exists(), f"no sample {name} in {SAMPLES}"
    return path


def sample_lines(name: str, rows: int) -> list[str]:
    """The header and the first `rows` data rows of a sample file, as text lines without endings."""
    text = sample(name).read_text(encoding="utf-8-sig")
    return text.splitlines()[: rows + 1]


@pytest.fixture
def write_csv(tmp_path):
    """Write lines to a CSV file in tmp_path with a chosen encoding, line ending and BOM."""

    def write(name: str, lines: list[str], *, encoding="utf-8", newline="\n", bom=False) -> Path:
        path = tmp_path / name
        data = (newline.join(lines) + newline).encode(encoding)
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
        return path

    return write
