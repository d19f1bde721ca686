import pytest

from kindred.schools.importing.cleaning import (
    Blank,
    CellError,
    clean_count,
    clean_date,
    clean_id,
    clean_number,
)


@pytest.mark.parametrize("text", ["SUPP", "supp", " LOWCOV ", "SP", "c", "[c]", "-999"])
def test_suppression_codes_read_as_suppressed(text):
    assert clean_number(text) is Blank.SUPPRESSED


@pytest.mark.parametrize("text", ["", "  ", "NA", "N/A", "NE", "NP", "z", "[z]", "x", "[x]", ".."])
def test_not_applicable_codes_read_as_missing(text):
    assert clean_number(text) is Blank.MISSING


@pytest.mark.parametrize(
    ("text", "number"),
    [("2.6", 2.6), ("-0.5", -0.5), ("8.30%", 8.3), (" 45% ", 45.0), ("1,234", 1234.0), ("0", 0.0)],
)
def test_numbers_are_read_with_percent_signs_and_thousands_separators(text, number):
    assert clean_number(text) == number


@pytest.mark.parametrize("text", ["abc", "1.2.3", "nan", "inf", "12 pupils"])
def test_text_that_is_not_a_number_is_an_error(text):
    with pytest.raises(CellError):
        clean_number(text)


def test_ids_written_as_decimals_are_whole_ids():
    assert clean_id("100000.0") == "100000"
    assert clean_id(" 141279 ") == "141279"
    assert clean_id("SC123.5") == "SC123.5"


def test_a_count_must_be_whole_and_not_negative():
    assert clean_count("285.0") == 285
    assert clean_count("SUPP") is Blank.SUPPRESSED
    for bad in ("2.5", "-3"):
        with pytest.raises(CellError):
            clean_count(bad)


def test_dates_are_read_in_the_usual_formats():
    assert str(clean_date("31-08-2019")) == "2019-08-31"
    assert str(clean_date("2019-08-31")) == "2019-08-31"
    assert str(clean_date("20190831")) == "2019-08-31"
    assert clean_date("") is None
    with pytest.raises(CellError):
        clean_date("31/31/2019", "%d/%m/%Y")
