# Arabic as written in Egypt: ٥ مارس ٢٠٢٤ or 5 مارس 2024. The separators are the Western ones;
# with EASTERN_ARABIC_DIGITS including "ar", kindred.core.numerals writes ٫ and ٬ with the digits.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y، H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
