"""Reading files: the form told by the bytes, encodings and delimiters sniffed, cells as text."""

from datetime import date, datetime
from pathlib import Path

from kindred.schools.importing.reading import cell_text, open_table, sniff_delimiter

ZOO = Path(__file__).resolve().parent / "zoo"


def test_the_delimiter_is_the_one_that_splits_the_first_lines_alike():
    assert sniff_delimiter(["a;b;c\n", "1;2,5;3\n", "4;5;6\n"]) == ";"
    assert sniff_delimiter(["a,b\n", '"x; y",2\n']) == ","
    assert sniff_delimiter(["a\tb\tc\n", "1\t2\t3\n"]) == "\t"
    assert sniff_delimiter(["name\n", "one\n"]) == ","  # one column: nothing to tell


def test_a_utf16_semicolon_file_is_read_with_its_encoding_and_delimiter(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("URN;Nom\r\n1;Élan\r\n".encode("utf-16"))
    table = open_table(path)
    assert (table.encoding, table.delimiter) == ("utf-16", ";")
    assert table.header == ["URN", "Nom"]
    assert list(table.rows()) == [(2, ["1", "Élan"])]


def test_a_csv_file_named_xlsx_is_read_as_csv_and_the_note_says_so(tmp_path):
    path = tmp_path / "results.xlsx"
    path.write_text("URN,Name\n1,A\n")
    table = open_table(path)
    assert table.format == "csv"
    assert table.notes == ["the file is named results.xlsx but is CSV text: it was read as CSV"]


def test_spreadsheet_cells_read_as_a_csv_file_would_write_them():
    assert cell_text(None) == ""
    assert cell_text(100000.0) == "100000"
    assert cell_text(2.5) == "2.5"
    assert cell_text(0.1) == "0.1"
    assert cell_text(date(2019, 8, 31)) == "2019-08-31"
    assert cell_text(datetime(2019, 8, 31)) == "2019-08-31"
    assert cell_text(True) == "TRUE"


def test_a_workbook_is_read_row_by_row_with_the_sheets_own_row_numbers():
    table = open_table(ZOO / "results.xlsx", sheet="Schools")
    rows = list(table.rows())
    assert table.header[:2] == ["URN", "School name"]
    assert [number for number, _cells in rows] == [3, 4, 5]  # an empty row 1, the header on row 2
    assert table.description() == "Excel workbook (.xlsx), sheet 'Schools'"
    assert open_table(ZOO / "results.xlsx", sheet=2).sheet == "Schools"


def test_a_zip_that_is_no_spreadsheet_is_a_clear_problem(tmp_path):
    import zipfile

    path = tmp_path / "photos.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"...")
    table = open_table(path)
    assert [str(p) for p in table.problems] == [
        "the file: the file is a zip archive but not an .xlsx or .ods spreadsheet"
    ]
    assert list(table.rows()) == []
