"""Reading a published table, row by row, whatever its form: CSV text in any common encoding and
delimiter, a spreadsheet (.xlsx, .ods, .xls), JSON records, or Parquet.

The form is told by the file's first bytes, not its name: a workbook renamed `.csv` is read as a
workbook, and the summary says so. Rows are streamed: memory does not grow with the file's size
(a CSV is decoded and split as it is read; an .xlsx is read with openpyxl's read-only mode, which
parses the sheet's XML as it goes; JSON is parsed as a stream by ijson; Parquet is read a batch at a
time by pyarrow). What was found (encoding, delimiter, sheet) is reported.
"""

import codecs
import csv
import itertools
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

from kindred.core.progress import Said, listed
from kindred.schools.importing.report import Problem, error_text

CHUNK = 1 << 20  # bytes read at a time while checking the encoding
SNIFF_LINES = 50
# Names said in the summary and notes: message ids, worded for each reader (a job's page is read later,
# perhaps in another language); a format's or an encoding's own name (CSV, UTF-8) is the same in each.
DELIMITERS = {",": gettext_noop("comma"), ";": gettext_noop("semicolon"), "\t": gettext_noop("tab"),
              "|": gettext_noop("vertical bar")}  # fmt: skip
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
PARQUET = b"PAR1"
FORMAT_NAMES = {"csv": "CSV", "xlsx": gettext_noop("Excel workbook (.xlsx)"),
                "ods": gettext_noop("OpenDocument spreadsheet (.ods)"),
                "xls": gettext_noop("Excel 97-2003 workbook (.xls)"), "json": "JSON", "parquet": "Parquet"}  # fmt: skip
JSON_HEADER_RECORDS = 1000  # the columns of a JSON file: the keys of its first records
ENCODING_NAMES = {"utf-8-sig": gettext_noop("UTF-8 with a byte-order mark"), "utf-8": "UTF-8", "utf-16": "UTF-16",
                  "cp1252": "Windows-1252", "latin-1": "Latin-1"}  # fmt: skip
SPREADSHEET_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods", ".xls": "xls", ".json": "json",
                        ".jsonl": "json", ".ndjson": "json", ".parquet": "parquet", ".pq": "parquet"}  # fmt: skip


class Table:
    """A file's header and its rows, read once, in order. Row numbers count as a spreadsheet
    does: the header is row 1.

    `rows()` yields (row number, cells) with every row as wide as the header; blank rows are
    counted (`blank_rows`), rows longer than the header are problems (`problems`), and
    `rows_read` counts the data rows given. `estimated_rows` (for progress) is known before.
    """

    def __init__(
        self,
        *,
        header: list[str],
        records: Iterator[list[str]] | None,
        file_format: str,
        encoding: str = "",
        delimiter: str = "",
        sheet: str = "",
        sheets: tuple[str, ...] = (),
        estimated_rows: int | None = None,
        problems: list[Problem] | None = None,
        notes: list[Said] | None = None,
        first_row: int = 2,
    ):
        self.header = header
        self._records = records
        self.format = file_format
        self.encoding = encoding
        self.delimiter = delimiter
        self.sheet = sheet
        self.sheets = sheets
        self.shape = ""  # a JSON file's: "records", "object" (of records) or "lines"
        self.estimated_rows = estimated_rows
        self.problems: list[Problem] = problems or []
        self.notes: list[Said] = notes or []  # what the reader noticed, as message ids and values
        self.blank_rows = 0
        self.rows_read = 0
        self._first_row = first_row
        self._check_header()

    @classmethod
    def failed(cls, problem: Problem, **kwargs: Any) -> "Table":
        return cls(header=[], records=None, problems=[problem], **kwargs)

    def _check_header(self) -> None:
        seen: dict[str, int] = {}
        for position, name in enumerate(self.header, start=1):
            if name and name in seen:
                self.problems.append(
                    Problem(
                        1,
                        name,
                        Said(
                            gettext_noop("column %(n)d repeats the name of column %(m)d"),
                            n=position,
                            m=seen[name],
                        ),
                        value=name,
                    )
                )
            seen.setdefault(name, position)

    def limit(self, records: int) -> "Table":
        """Read no more than the first `records` lines after the header (a preview)."""
        if self._records is not None:
            self._records = itertools.islice(self._records, records)
        return self

    def column_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.header)}

    def description(self) -> Said:
        """How the file was read, for the summary: `CSV, UTF-8, semicolon-separated`, kept as message ids
        and values (a job's page words it for each reader; as a str it is the English)."""
        parts: list[Said] = [Said(FORMAT_NAMES.get(self.format, self.format))]
        if self.encoding:
            parts.append(Said(ENCODING_NAMES.get(self.encoding, self.encoding)))
        if self.delimiter:
            name = Said(DELIMITERS.get(self.delimiter, self.delimiter))
            parts.append(Said(gettext_noop("%(name)s-separated"), name=name))
        if self.sheet:
            parts.append(Said(gettext_noop("sheet %(sheet)r"), sheet=self.sheet))
        shapes = {
            "records": gettext_noop("a list of records"),
            "object": gettext_noop("an object of records (its keys in the column 'key')"),
            "lines": gettext_noop("one record a line"),
        }
        if self.shape:
            parts.append(Said(shapes[self.shape]))
        return listed(parts)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        if self._records is None:
            return
        records, self._records = self._records, None
        width = len(self.header)
        for number, cells in enumerate(records, start=self._first_row):
            if not any(cell.strip() for cell in cells):
                self.blank_rows += 1
                continue
            if len(cells) > width:
                if any(cell.strip() for cell in cells[width:]):
                    self.rows_read += 1
                    self.problems.append(
                        Problem(
                            number,
                            "",
                            Said(
                                gettext_noop(
                                    "the row has %(cells)d cells but the header has %(columns)d columns"
                                ),
                                cells=len(cells),
                                columns=width,
                            ),
                        )
                    )
                    continue
                cells = cells[:width]
            elif len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            self.rows_read += 1
            yield number, cells


def open_table(path: str | Path, *, sheet: str | int | None = None) -> Table:
    """Open a CSV file or a spreadsheet for reading. Problems with its form (not a table, an
    unknown sheet, no header) are listed on the table, not raised."""
    path = Path(path)
    with path.open("rb") as handle:
        start = handle.read(8)
        head = handle.read(CHUNK)
    suffix_format = SPREADSHEET_SUFFIXES.get(path.suffix.lower(), "csv")
    if start.startswith(PARQUET):
        file_format = "parquet"
    elif _looks_like_json(start + head):
        file_format = "json"
    elif start.startswith(ZIP):
        file_format = _zip_format(path)
        if file_format is None:
            return Table.failed(
                Problem(
                    0, "", gettext_noop("the file is a zip archive but not an .xlsx or .ods spreadsheet")
                ),
                file_format="zip",
            )
    elif start.startswith(OLE):
        file_format = "xls"
    else:
        file_format = "csv"
    notes: list[Said] = []
    if file_format != suffix_format:
        what = {
            "csv": gettext_noop("CSV text: it was read as CSV"),
            "xlsx": gettext_noop("an Excel workbook (.xlsx): it was read as one"),
            "ods": gettext_noop("an OpenDocument spreadsheet (.ods): it was read as one"),
            "xls": gettext_noop("an Excel 97-2003 workbook (.xls): it was read as one"),
            "json": gettext_noop("JSON: it was read as JSON"),
            "parquet": gettext_noop("a Parquet file: it was read as one"),
        }[file_format]
        notes.append(
            Said(gettext_noop("the file is named %(name)s but is %(what)s"), name=path.name, what=Said(what))
        )
    if file_format in ("csv", "json", "parquet"):
        if sheet is not None:
            notes.append(
                Said(
                    gettext_noop(
                        "a %(format)s file has no sheets: the sheet asked for (%(sheet)s) was ignored"
                    ),
                    format=Said(FORMAT_NAMES[file_format]),
                    sheet=sheet,
                )
            )
        opener = {"csv": _open_csv, "json": _open_json, "parquet": _open_parquet}[file_format]
        return opener(path, notes)
    if file_format == "xlsx":
        return _open_xlsx(path, sheet, notes)
    return _open_calamine(path, sheet, notes, file_format)


def _zip_format(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError):
        return None
    return None


# CSV ------------------------------------------------------------------------------------------


def sniff_encoding(path: Path) -> tuple[str, int]:
    """The encoding of a text file and its number of line breaks (a progress estimate), read in
    chunks: UTF-8 (with or without BOM), UTF-16 with a BOM, otherwise Windows-1252 (what Excel and
    GIAS write on Windows), otherwise Latin-1 (which decodes every byte)."""
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", _count_lines(path, b"\n\x00" if start.startswith(codecs.BOM_UTF16_LE) else b"\x00\n")
    for encoding in ("utf-8-sig" if start.startswith(codecs.BOM_UTF8) else "utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        lines = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    decoder.decode(chunk)
                    lines += chunk.count(b"\n")
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding, lines
    return "latin-1", _count_lines(path, b"\n")


def _count_lines(path: Path, newline: bytes) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            lines += chunk.count(newline)
    return lines


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the first lines into the most columns, the same number on each
    line: comma, semicolon, tab or vertical bar. A one-column file is comma-separated."""
    best, best_score = ",", (0.0, 1)
    for delimiter in DELIMITERS:
        try:
            widths = [len(cells) for cells in csv.reader(lines, delimiter=delimiter) if cells]
        except csv.Error:
            continue
        if not widths or widths[0] < 2:
            continue
        consistent = sum(1 for width in widths if width == widths[0]) / len(widths)
        score = (consistent, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _open_csv(path: Path, notes: list[Said]) -> Table:
    encoding, lines = sniff_encoding(path)
    with path.open("r", encoding=encoding, newline="") as start:
        head = [line for _n, line in zip(range(SNIFF_LINES), start, strict=False)]
    delimiter = sniff_delimiter(head)
    text = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    name = encoding
    try:
        first = next(reader, None)
    except csv.Error as error:
        text.close()
        return Table.failed(
            Problem(
                reader.line_num, "", Said(gettext_noop("not a CSV file: %(error)s"), error=error_text(error))
            ),
            file_format="csv",
            encoding=name,
        )
    if first is None or not any(cell.strip() for cell in first):
        text.close()
        return Table.failed(
            Problem(1, "", gettext_noop("the file is empty or has no header row")),
            file_format="csv",
            encoding=name,
        )
    header = [cell.strip().lstrip("\ufeff") for cell in first]

    def records() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as error:
            table.problems.append(
                Problem(
                    reader.line_num,
                    "",
                    Said(gettext_noop("not a CSV file: %(error)s"), error=error_text(error)),
                )
            )
        finally:
            text.close()

    table = Table(
        header=header,
        records=records(),
        file_format="csv",
        encoding=name,
        delimiter=delimiter,
        estimated_rows=max(lines - 1, 0),
        notes=notes,
    )
    return table


# JSON and Parquet -----------------------------------------------------------------------------


def _looks_like_json(head: bytes) -> bool:
    """A file whose text starts with `[{` or `{"`: a list of records, an object of records, or JSON
    lines (a CSV's header never starts so)."""
    text = head.lstrip(codecs.BOM_UTF8).lstrip()
    return text.startswith(b"{") or (text.startswith(b"[") and text[1:].lstrip()[:1] in (b"{", b"]"))


def json_cell(value: Any) -> str:
    """A JSON or Parquet value as the text a CSV file would hold (nested values as JSON)."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


def _records_table(
    records: Iterator[dict],
    *,
    file_format: str,
    notes: list[Said],
    estimated_rows: int | None,
    close,
    shape: str,
) -> Table:
    """A table whose columns are the keys of the first records (a key first seen later is a problem
    on its row: a JSON file has no header to promise its columns)."""
    first = list(itertools.islice(records, JSON_HEADER_RECORDS))
    header: list[str] = []
    for record in first:
        header.extend(k for k in record if k not in header)
    if not header:
        close()
        return Table.failed(
            Problem(1, "", gettext_noop("the file holds no records")), file_format=file_format
        )
    known = set(header)

    def rows() -> Iterator[list[str]]:
        try:
            for number, record in enumerate(itertools.chain(first, records), start=2):
                extra = [k for k in record if k not in known]
                if extra:
                    table.problems.append(
                        Problem(
                            number,
                            "",
                            Said(
                                gettext_noop("the record has keys the first records do not have: %(keys)s"),
                                keys=", ".join(extra),
                            ),
                        )
                    )
                    yield [""] * len(header)
                    continue
                yield [json_cell(record.get(k)) for k in header]
        except Exception as error:  # a broken file: ijson's and pyarrow's own errors
            table.problems.append(
                Problem(0, "", Said(gettext_noop("cannot read the file: %(error)s"), error=error_text(error)))
            )
        finally:
            close()

    table = Table(
        header=[str(k).strip() for k in header],
        records=rows(),
        file_format=file_format,
        encoding="",
        estimated_rows=estimated_rows,
        notes=notes,
    )
    table.shape = shape
    return table


def _open_json(path: Path, notes: list[Said]) -> Table:
    """A list of records (`[{...}, ...]`), an object of records (`{"id": {...}}`: the keys become
    the column `key`), or JSON lines (one record a line), parsed as a stream."""
    import ijson  # only needed for JSON files

    handle = path.open("rb")
    head = handle.read(CHUNK).lstrip(codecs.BOM_UTF8).lstrip()
    handle.seek(0)
    if head.startswith(codecs.BOM_UTF8):
        handle.read(len(codecs.BOM_UTF8))
    shape = "records"
    first_line = head.split(b"\n", 1)[0].strip()
    if head.startswith(b"["):
        items: Iterator[Any] = ijson.items(handle, "item", use_float=True)
    else:
        try:
            single = json.loads(first_line) if b"\n" in head.strip() else None
        except ValueError:
            single = None
        if isinstance(single, dict):
            shape = "lines"
            handle.close()
            handle = path.open("r", encoding="utf-8-sig")
            items = (json.loads(line) for line in handle if line.strip())
        else:
            shape = "object"
            items = (
                {"key": key, **value} if isinstance(value, dict) else value
                for key, value in ijson.kvitems(handle, "", use_float=True)
            )

    def records() -> Iterator[dict]:
        for number, item in enumerate(items, start=2):
            if not isinstance(item, dict):
                raise ValueError(
                    Said(gettext_noop("record %(n)d is not an object of keys and values"), n=number - 1)
                )
            yield item

    try:
        return _records_table(
            records(), file_format="json", notes=notes, estimated_rows=None, close=handle.close, shape=shape
        )
    except Exception as error:  # the first records could not be read
        handle.close()
        return Table.failed(
            Problem(
                0, "", Said(gettext_noop("cannot read the JSON file: %(error)s"), error=error_text(error))
            ),
            file_format="json",
        )


def _open_parquet(path: Path, notes: list[Said]) -> Table:
    """A Parquet file, a batch of rows at a time (pyarrow, when installed)."""
    try:
        import pyarrow.parquet as pq  # optional: the `parquet` extra
    except ImportError:
        return Table.failed(
            Problem(
                0,
                "",
                gettext_noop(
                    "this is a Parquet file; this installation reads CSV, .xlsx, .ods, .xls and JSON files "
                    "(install pyarrow, the 'parquet' extra, to read Parquet), or save the file as CSV"
                ),
            ),
            file_format="parquet",
        )
    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises its own kinds for a damaged file
        return Table.failed(
            Problem(
                0, "", Said(gettext_noop("cannot read the Parquet file: %(error)s"), error=error_text(error))
            ),
            file_format="parquet",
        )
    header = list(parquet.schema_arrow.names)

    def records() -> Iterator[dict]:
        for batch in parquet.iter_batches(batch_size=10_000):
            yield from batch.to_pylist()

    if not header:
        parquet.close()
        return Table.failed(Problem(1, "", gettext_noop("the file holds no records")), file_format="parquet")
    table = Table(
        header=header,
        records=None,
        file_format="parquet",
        estimated_rows=parquet.metadata.num_rows,
        notes=notes,
    )

    def rows() -> Iterator[list[str]]:
        try:
            for record in records():
                yield [json_cell(record[k]) for k in header]
        except Exception as error:  # a damaged row group
            table.problems.append(
                Problem(
                    0,
                    "",
                    Said(gettext_noop("cannot read the Parquet file: %(error)s"), error=error_text(error)),
                )
            )
        finally:
            parquet.close()

    table._records = rows()
    return table


# Spreadsheets ---------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV file would hold: whole numbers without `.0`, dates as
    `2019-08-31`, empty cells as ``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _choose_sheet(names: list[str], sheet: str | int | None) -> tuple[str | None, Problem | None]:
    if sheet is None or sheet == "":
        return (
            (names[0], None) if names else (None, Problem(0, "", gettext_noop("the workbook has no sheets")))
        )
    if isinstance(sheet, int) or str(sheet).isdigit():
        number = int(sheet)
        if 1 <= number <= len(names):
            return names[number - 1], None
    elif str(sheet) in names:
        return str(sheet), None
    return None, Problem(
        0,
        "",
        Said(
            gettext_noop("the workbook has no sheet %(sheet)r; its sheets are: %(names)s"),
            sheet=sheet,
            names=", ".join(repr(n) for n in names),
        ),
        value=str(sheet),
    )


def _sheet_table(
    records: Iterator[list[str]],
    *,
    file_format: str,
    sheet: str,
    sheets: list[str],
    estimated_rows: int | None,
    notes: list[Said],
    close,
) -> Table:
    first_row = 1
    for header in records:
        if any(cell.strip() for cell in header):
            break
        first_row += 1  # empty rows above the header
    else:
        close()
        return Table.failed(
            Problem(
                1, "", Said(gettext_noop("the sheet %(sheet)r is empty or has no header row"), sheet=sheet)
            ),
            file_format=file_format,
            sheet=sheet,
        )
    while header and not header[-1].strip():
        header.pop()
    if len(sheets) > 1:
        notes.append(
            Said(
                gettext_noop(
                    "the workbook has %(n)d sheets; sheet %(sheet)r was read (another: --sheet NAME)"
                ),
                n=len(sheets),
                sheet=sheet,
            )
        )

    def rows() -> Iterator[list[str]]:
        try:
            yield from records
        finally:
            close()

    return Table(
        header=[cell.strip() for cell in header],
        records=rows(),
        file_format=file_format,
        sheet=sheet,
        sheets=tuple(sheets),
        estimated_rows=None if estimated_rows is None else max(estimated_rows - first_row, 0),
        notes=notes,
        first_row=first_row + 1,
    )


def _open_xlsx(path: Path, sheet: str | int | None, notes: list[Said]) -> Table:
    import openpyxl  # only needed for workbooks

    handle = path.open("rb")  # a file object: openpyxl refuses a path not named .xlsx
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        handle.close()
        return Table.failed(
            Problem(
                0, "", Said(gettext_noop("cannot read the workbook: %(error)s"), error=error_text(error))
            ),
            file_format="xlsx",
        )

    def close() -> None:
        workbook.close()
        handle.close()

    name, problem = _choose_sheet(workbook.sheetnames, sheet)
    if problem is not None:
        close()
        return Table.failed(problem, file_format="xlsx", sheets=tuple(workbook.sheetnames))
    worksheet = workbook[name]
    records = ([cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True))
    return _sheet_table(
        records,
        file_format="xlsx",
        sheet=name,
        sheets=list(workbook.sheetnames),
        estimated_rows=worksheet.max_row,
        notes=notes,
        close=close,
    )


def _open_calamine(path: Path, sheet: str | int | None, notes: list[Said], file_format: str) -> Table:
    from python_calamine import CalamineWorkbook  # only needed for .ods and .xls

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error kinds for a damaged file
        return Table.failed(
            Problem(
                0, "", Said(gettext_noop("cannot read the spreadsheet: %(error)s"), error=error_text(error))
            ),
            file_format=file_format,
        )
    name, problem = _choose_sheet(list(workbook.sheet_names), sheet)
    if problem is not None:
        return Table.failed(problem, file_format=file_format, sheets=tuple(workbook.sheet_names))
    worksheet = workbook.get_sheet_by_name(name)
    records = ([cell_text(value) for value in row] for row in worksheet.iter_rows())
    return _sheet_table(
        records,
        file_format=file_format,
        sheet=name,
        sheets=list(workbook.sheet_names),
        estimated_rows=worksheet.height,
        notes=notes,
        close=workbook.close,
    )


def read_table(path: str | Path, *, sheet: str | int | None = None) -> Table:
    """Kept for callers that read a whole small file: the same as open_table."""
    return open_table(path, sheet=sheet)


@dataclass
class Preview:
    """The first rows of a file, for the mapping builder: its header and up to `limit` rows."""

    table: Table
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def preview(path: str | Path, *, sheet: str | int | None = None, limit: int = 20) -> Preview:
    table = open_table(path, sheet=sheet)
    result = Preview(table)
    for number, cells in table.rows():
        result.rows.append((number, cells))
        if len(result.rows) >= limit:
            break
    return result
