"""Reading a CSV file as published: any common encoding, with or without a byte-order mark,
CRLF or LF line endings, blank trailing rows."""

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from kindred.schools.importing.report import Problem


@dataclass
class Table:
    """A CSV file's header and rows. Row numbers count as a spreadsheet does: the header is row 1."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    blank_rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    def column_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.header)}


def decode(raw: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read with: UTF-8 (with or without BOM),
    UTF-16 with a BOM, otherwise Windows-1252 (what Excel writes on Windows)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def read_table(path: str | Path) -> Table:
    """Read a whole CSV file. Problems with its shape are listed on the table, not raised."""
    try:
        text, encoding = decode(Path(path).read_bytes())
    except UnicodeDecodeError as error:  # pragma: no cover - latin-1 decodes every byte
        return Table(
            [], [], "", problems=[Problem(0, "", _("cannot read the file: %(error)s") % {"error": error})]
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as error:
        return Table(
            [],
            [],
            encoding,
            problems=[Problem(reader.line_num, "", _("not a CSV file: %(error)s") % {"error": error})],
        )
    table = Table([], [], encoding)
    if not records or not any(cell.strip() for cell in records[0]):
        table.problems.append(Problem(1, "", _("the file is empty or has no header row")))
        return table
    table.header = [cell.strip().lstrip("\ufeff") for cell in records[0]]
    seen: dict[str, int] = {}
    for position, name in enumerate(table.header, start=1):
        if name and name in seen:
            table.problems.append(
                Problem(
                    1,
                    name,
                    _("column %(n)d repeats the name of column %(m)d") % {"n": position, "m": seen[name]},
                )
            )
        seen.setdefault(name, position)
    width = len(table.header)
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            table.blank_rows += 1
            continue
        if len(cells) > width:
            if any(cell.strip() for cell in cells[width:]):
                table.problems.append(
                    Problem(
                        number,
                        "",
                        _("the row has %(cells)d cells but the header has %(columns)d columns")
                        % {"cells": len(cells), "columns": width},
                    )
                )
                continue
            cells = cells[:width]
        elif len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        table.rows.append((number, cells))
    return table
