"""Numbers written in the active language's digits.

Django formats numbers per language (separators from kindred/formats/) but always with the
digits 0–9. Where the EASTERN_ARABIC_DIGITS setting lists the active language, `digits()` also
writes ٠١٢٣٤٥٦٧٨٩ with the Arabic decimal (٫) and thousands (٬) separators.
"""

from django.conf import settings
from django.utils.translation import get_language

_EASTERN = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")


def uses_eastern_arabic_digits(language: str | None = None) -> bool:
    language = (language or get_language() or "").split("-")[0]
    return language in settings.EASTERN_ARABIC_DIGITS


def digits(text: str, language: str | None = None) -> str:
    """`text` (an already formatted number) in the language's digits."""
    return text.translate(_EASTERN) if uses_eastern_arabic_digits(language) else text
