"""Write the zoo's spreadsheets: `python tests/importing/zoo/make_spreadsheets.py`.

results.xlsx has two sheets, "About" (a note) and "Schools" (the table, with an empty row above
its header); results.ods holds the same table in its only sheet; xlsx_named.csv is the
workbook saved under a .csv name, as happens when a file is renamed by hand.
"""

import shutil
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl

HERE = Path(__file__).resolve().parent
HEADER = ["URN", "School name", "Opened", "FSM %", "Pupils"]
ROWS = [
    [7101, "Spreadsheet Primary", date(2015, 9, 1), 12.5, 210],
    [7102, "Workbook Academy", date(2011, 4, 1), 30, 1020],
    [7103.0, "Calc College", None, "SUPP", 88],
]


def write_xlsx(path: Path) -> None:
    book = openpyxl.Workbook()
    about = book.active
    about.title = "About"
    about.append(["Schools, 2023/24: published by the ministry"])
    sheet = book.create_sheet("Schools")
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)


def _cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value.isoformat()}</text:p></table:table-cell>'
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def write_ods(path: Path) -> None:
    rows = "".join(
        f"<table:table-row>{''.join(_cell(v) for v in row)}</table:table-row>" for row in [HEADER, *ROWS]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Schools">{rows}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    write_xlsx(HERE / "results.xlsx")
    write_ods(HERE / "results.ods")
    shutil.copy(HERE / "results.xlsx", HERE / "xlsx_named.csv")
