"""Fixtures for the importer tests: the shared sample files, and small copies of them to break."""

from pathlib import Path

import pytest

# The shared sample data sits beside the checkout (../shared), as on developer machines and in CI.
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "england-2019"
HERE = Path(__file__).resolve().parent
GIAS_SAMPLE = HERE / "data" / "gias_sample.csv"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"the shared sample file {name} is not on this machine")
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
