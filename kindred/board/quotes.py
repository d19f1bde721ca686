"""What a person wrote in a reply by e-mail, without the message they replied to or their signature.

Checked on PyPI before writing this (7 December 2026): `mail-parser-reply` 1.36 (the maintained
fork of GitHub's email_reply_parser) knows thirteen languages but neither Welsh nor Arabic, and
cuts a reply at the first "Thanks," or "Best," line, which on a messageboard would lose whatever
came after it; `quotequail` 0.5 finds English reply headers and needs lxml for HTML; `talon`
was last released in 2017. So the rules are ours, few and in this order:

1. Everything from the first **reply header** on is the quoted message: a line (or two lines,
   as clients wrap it) "On … wrote:" in the languages Kindred speaks and a few more (Welsh
   "Ar … ysgrifennodd …:", Arabic "في … كتب:"), Outlook's "-----Original Message-----", its
   line of underscores, and its block of "From:" with "Sent:" / "Date:" / "To:" below it
   (Welsh "Oddi wrth:", Arabic "من:").
2. Lines starting with ">" are quoted text wherever they are (an answer written between the
   quoted lines keeps its own lines).
3. Everything from the **signature separator** on goes: the standard "-- " line (RFC 3676; also
   "--" as some clients trim it), and the sign-offs that phones add ("Sent from my iPhone",
   "Get Outlook for Android", "Anfonwyd o'm iPhone", "أُرسلت من iPhone").

Bidirectional marks (Arabic mail programs put U+200F before a line) are ignored when matching.
A reply that is only quoted text comes out empty, and the caller refuses it.
"""

import re
from html.parser import HTMLParser

_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

# A reply header on one line: the attribution line that mail programs write above the quote.
_ATTRIBUTION = re.compile(
    r"""^(?:
        On\s.+\swrote:                       # English (Gmail, Apple Mail, Thunderbird)
      | Ar\s.+\s(?:ysgrifennodd|wnaeth\s.+\sysgrifennu).*:   # Welsh
      | (?:في|فى)\s.+\s(?:كتب|كتبت|كتبَ).*:    # Arabic
      | (?:.+\s)?(?:كتب|كتبت)\s*:               # Arabic, name first ("… كتب:")
      | Le\s.+\sa\s[ée]crit\s?:                # French
      | Am\s.+\sschrieb.*:                   # German
      | El\s.+\sescribi[óo]:                 # Spanish
      | Op\s.+\sschreef.*:                   # Dutch
      | Il\s.+\sha\sscritto:                 # Italian
      | Em\s.+\sescreveu:                    # Portuguese
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^(?:-{2,}\s*(?:Original Message|Forwarded message|Neges wreiddiol|الرسالة الأصلية)\s*-{2,}|_{20,})\s*$",
    re.IGNORECASE,
)
# Outlook's block of headers above the quote: "From:" and, within the next lines, one more.
_FROM = re.compile(r"^\*?(?:From|Oddi wrth|Gan|من|Von|De|Van)\s*:\*?\s", re.IGNORECASE)
_FROM_NEXT = re.compile(
    r"^\*?(?:Sent|Date|To|Subject|Anfonwyd|Dyddiad|At|Pwnc|تاريخ الإرسال|التاريخ|إلى|الموضوع|"
    r"Gesendet|Envoyé|Verzonden)\s*:",
    re.IGNORECASE,
)
_SIGN_OFFS = re.compile(
    r"""^(?:
        Sent\sfrom\smy\s.+
      | Sent\sfrom\s(?:Outlook|Mail|Yahoo\sMail|Samsung|Proton\sMail).*
      | Get\s(?:Outlook|BlueMail).*
      | Sent\svia\s.+
      | Anfonwyd\s(?:o'?m|o\sfy|o)\s.+           # Welsh
      | (?:أُرسلت|أرسلت|تم\sالإرسال|مرسل|أُرسل|أرسل)\s(?:من|عبر)\s.+  # Arabic
      | Envoyé\sde\smon\s.+
      | Von\smeinem\s.+\sgesendet
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


def _plain(line: str) -> str:
    return _MARKS.sub("", line).strip()


def _quote_starts(lines: list[str]) -> int:
    """The index of the first line of the quoted message, or len(lines)."""
    for index, raw in enumerate(lines):
        line = _plain(raw)
        if not line:
            continue
        following = _plain(lines[index + 1]) if index + 1 < len(lines) else ""
        if _ATTRIBUTION.match(line) or _ATTRIBUTION.match(f"{line} {following}"):
            return index
        if _SEPARATOR.match(line):
            return index
        if _FROM.match(line) and any(_FROM_NEXT.match(_plain(n)) for n in lines[index + 1 : index + 4]):
            return index
    return len(lines)


def reply_text(text: str) -> str:
    """The new text of a reply: no quoted message, no quoted lines, no signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = lines[: _quote_starts(lines)]
    kept = []
    for raw in lines:
        line = _plain(raw)
        if raw.rstrip("\r") in ("-- ", "--") or _SIGN_OFFS.match(line):
            break
        if line.startswith(">"):
            continue
        kept.append(raw.rstrip())
    return "\n".join(kept).strip()


class _Text(HTMLParser):
    """The text of an HTML part, without quoted blocks: for mail programs that send no plain text."""

    SKIP = {"blockquote", "style", "script", "head", "title"}
    # Gmail, Outlook on the web, Yahoo and Thunderbird keep the quoted message in marked blocks.
    QUOTE_CLASS = re.compile(r"gmail_quote|divRplyFwdMsg|yahoo_quoted|moz-cite-prefix")
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}
    VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "area", "base", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth = 0  # open elements inside a skipped block (0: not skipping)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            if tag == "br" and not self.depth:
                self.parts.append("\n")
            return
        if self.depth:
            self.depth += 1
        elif tag in self.SKIP or self.QUOTE_CLASS.search(dict(attrs).get("class") or ""):
            self.depth = 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.depth:
            self.depth -= 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def html_text(html: str) -> str:
    """Plain text from an HTML e-mail part (quoted blocks left out), for `reply_text`."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts))
