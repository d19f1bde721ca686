"""The translation catalogues are complete: every string the code marks is translated into every
shipped language, and no template text is left unmarked.

The first check extracts the strings afresh (Django's makemessages, i.e. GNU xgettext) into a copy
of the catalogues, so a string marked today and not yet translated fails it, naming the string.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
KINDRED = ROOT / "kindred"
# As in docs/translating.md. The overrides of the admin's templates keep Django's own catalogue.
MAKEMESSAGES_OPTIONS = ["--no-location", "-i", "*/migrations/*", "-i", "core/overrides/*"]
SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

needs_gettext = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext is not installed (run.py test installs it as root)."
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, polib.POFile]:
    """The catalogues as makemessages would leave them now, made in a copy of the source tree."""
    copy = tmp_path_factory.mktemp("source") / "kindred"
    shutil.copytree(KINDRED, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    command = [sys.executable, "-m", "django", "makemessages", *MAKEMESSAGES_OPTIONS]
    command += [f"-l{code}" for code in SHIPPED]
    subprocess.run(
        command,
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "kindred.settings",
            "DEBUG": "true",
            "PYTHONPATH": str(ROOT),
            "PATH": "/usr/bin:/bin",
        },
    )
    return {code: polib.pofile(str(copy / "locale" / code / "LC_MESSAGES" / "django.po")) for code in SHIPPED}


@needs_gettext
@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_string_is_translated_into_every_shipped_language(extracted, language):
    catalogue = extracted[language]
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    guessed = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == [], (
        f"translate these into {language} in kindred/locale/{language}/LC_MESSAGES/django.po"
    )
    assert guessed == [], f"check these guessed ('fuzzy') {language} translations and remove the fuzzy flag"


@pytest.mark.parametrize("language", SHIPPED)
def test_the_shipped_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    catalogue = polib.pofile(str(KINDRED / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 400
    assert catalogue.percent_translated() == 100
    assert catalogue.fuzzy_entries() == []
    assert not catalogue.metadata_is_fuzzy, "a fuzzy header is skipped by msgfmt, and its plural rule with it"


def test_arabic_has_its_six_plural_forms_and_welsh_its_four():
    arabic = polib.pofile(str(KINDRED / "locale" / "ar" / "LC_MESSAGES" / "django.po"))
    welsh = polib.pofile(str(KINDRED / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    assert arabic.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert welsh.metadata["Plural-Forms"].startswith("nplurals=4;")
    for entry in arabic:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == 6 and all(entry.msgstr_plural.values()), entry.msgid


# Text outside {% translate %} that is not words for a reader: punctuation, numbers, symbols,
# and a few technical tokens shown as they are.
ALLOWED_BARE_TEXT = {"CSV", "JSON", "YAML", "yaml", "xlsx", "ods", "csv", "PDF", "km", "TOTP", "URN"}
WORD = re.compile(r"[^\W\d_]{2,}")
ATTRIBUTE = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"{]*)"')


def unmarked_text(source: str) -> list[str]:
    """Words a reader sees in a template that are not inside a translation tag."""
    pieces, depth = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("blocktranslate", "blocktrans", "comment"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
                depth -= 1
        # Tags and variables become a neutral mark, so HTML split around them still parses.
        pieces.append(token.contents if token.token_type == TokenType.TEXT and not depth else "\x00")
    text = "".join(pieces)
    found = [value for value in ATTRIBUTE.findall(text) if WORD.search(value)]
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return found + [word for word in WORD.findall(text) if word not in ALLOWED_BARE_TEXT]


def templates() -> list[Path]:
    return sorted(p for p in KINDRED.glob("*/templates/**/*") if p.suffix in {".html", ".txt"})


def test_the_template_check_finds_bare_words_and_accepts_marked_ones():
    assert unmarked_text("<p>Hello {{ name }}</p>") == ["Hello"]
    assert unmarked_text('<input placeholder="Your name">') == ["Your name"]
    assert unmarked_text("<p>{% translate 'Hello' %} · {{ n }} km</p>") == []
    assert unmarked_text("{% blocktranslate %}Hello {{ n }}{% endblocktranslate %}") == []
    assert unmarked_text("{% comment %}Notes for developers{% endcomment %}") == []
    assert unmarked_text("<a href=\"{% url 'home' %}?next=1\">Home</a>") == ["Home"]


def test_no_template_has_text_outside_a_translation_tag():
    offenders = {
        str(path.relative_to(ROOT)): words
        for path in templates()
        if (words := unmarked_text(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "mark these with {% translate %} or {% blocktranslate %}"
