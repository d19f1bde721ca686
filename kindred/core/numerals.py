"""Numbers written in the active language's digits.

Django formats numbers per language (separators from kindred/formats/) but always with the
digits 0–9. Where the active language writes Eastern Arabic digits — the country profile's
`eastern_arabic_digits` lists it (Egypt's lists Arabic), or the EASTERN_ARABIC_DIGITS setting, which
overrides the profile when it is set, even empty, does:

- `digits()` writes an already formatted number with ٠١٢٣٤٥٦٧٨٩ and the Arabic decimal (٫) and
  thousands (٬) separators (the `number` and `school_year` filters use it);
- `digits_in_html()` does the same (and writes a per cent sign as ٪) for every number a person reads on a page, whichever template
  or filter printed it (intcomma, floatformat, a raw integer, a date, Django's own templates):
  `EasternDigitsMiddleware` applies it to each HTML response in that language, so no page can
  miss a number.

What is never rewritten: anything inside a tag (attribute values: URLs, ids, form values, dates in
<input>), the contents of <script>, <style>, <code>, <pre>, <kbd>, <samp> and <textarea> (code and
form values), HTML comments and character references (&#39;), and codes written with Latin
letters or as addresses (a postcode "SW1A 1AA", "KS2", an e-mail address, a URL or a path).
"""

import re
from collections.abc import Collection

from django.conf import settings
from django.utils.translation import get_language

from kindred import countries

_EASTERN = str.maketrans("0123456789.,", "٠١٢٣٤٥٦٧٨٩٫٬")
_EASTERN_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

# The parts of a page that are not text a person reads: comments, elements whose content is code
# or a form's value, and tags (whose attribute values may hold ">" inside quotes).
_NOT_TEXT = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|code|pre|kbd|samp|textarea)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>.*?</\1\s*>"
    r"|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>",
    re.DOTALL | re.IGNORECASE,
)
# A word of text (split at spaces and character references) that holds a digit.
_WORD = re.compile(r"&#?[0-9A-Za-z]+;|[^\s<&]*[0-9][^\s<&]*")
# A word that is a code or an address rather than a number: Latin letters, "@", "://", a leading "/".
_CODE = re.compile(r"[A-Za-z@]|://|^/")
# A separator between two digits (1,234.5), written the Arabic way.
_SEPARATOR = re.compile(r"(?<=[0-9])[.,](?=[0-9])")


def eastern_arabic_digit_languages() -> Collection[str]:
    """The languages written with Eastern Arabic digits: the setting where it is set, else the
    country profiles' choice (with several countries installed, a language any of them writes so:
    Egypt's Arabic, beside England and Wales, is read in Eastern Arabic digits)."""
    if settings.EASTERN_ARABIC_DIGITS is not None:
        return settings.EASTERN_ARABIC_DIGITS
    return {language for profile in countries.installed() for language in profile.eastern_arabic_digits}


def uses_eastern_arabic_digits(language: str | None = None) -> bool:
    language = (language or get_language() or "").split("-")[0]
    return language in eastern_arabic_digit_languages()


def digits(text: str, language: str | None = None) -> str:
    """`text` (an already formatted number) in the language's digits."""
    return text.translate(_EASTERN) if uses_eastern_arabic_digits(language) else text


def _word(match: re.Match) -> str:
    word = match.group()
    if word.startswith("&") or _CODE.search(word):
        return word
    word = _SEPARATOR.sub(lambda m: m.group().translate(_EASTERN), word)
    return word.translate(_EASTERN_DIGITS).replace("%", "٪")


def _text(text: str) -> str:
    return _WORD.sub(_word, text) if text else text


def digits_in_html(html: str) -> str:
    """`html` with the numbers of its text in Eastern Arabic digits (see the module's docstring)."""
    out, position = [], 0
    for match in _NOT_TEXT.finditer(html):
        out.append(_text(html[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(_text(html[position:]))
    return "".join(out)


class EasternDigitsMiddleware:
    """Writes the numbers of each HTML page in Eastern Arabic digits where the page's language asks.

    Placed after the middleware that choose the language (LocaleMiddleware, the person's saved
    language) and inside GZipMiddleware, so it sees the page before it is compressed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and not response.has_header("Content-Encoding")
            and uses_eastern_arabic_digits()
        ):
            charset = response.charset
            response.content = digits_in_html(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
