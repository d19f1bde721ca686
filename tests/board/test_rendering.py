"""Posts are Markdown rendered safely: nothing a member writes can run in another member's browser."""

from html.parser import HTMLParser

import pytest

from kindred.board.rendering import excerpt, line_breaks_kept, mentioned_names_and_emails, render

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "![img](https://evil.example/track.png)",
    '<form action="https://evil.example"><input name=x></form>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    "<<script>script>alert(1)<</script>/script>",
    "`<script>` in code is shown, not run",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
]


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


HARMLESS_TAGS = {"p", "a", "code", "pre", "strong", "em", "ul", "ol", "li", "blockquote", "br"}


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_markup_renders_as_harmless_html(body):
    html = render(body)
    for tag, attrs in Elements(html).tags:
        assert tag in HARMLESS_TAGS, html
        assert not any(name.startswith("on") or name == "style" for name in attrs), html
        if tag == "a":
            assert attrs.get("href", "https://").startswith(("http://", "https://", "mailto:")), html


def test_ordinary_markdown_keeps_its_formatting():
    html = render("**bold** and *italic*\n\n- one\n- two\n\n[site](https://example.org)")
    assert "<strong>bold</strong>" in html, html and "<em>italic</em>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow noopener noreferrer ugc"' in html


def test_html_typed_in_a_post_is_shown_as_text():
    assert "&lt;b&gt;" in render("I like <b> tags")


def test_mentions_are_found_by_name_and_by_email():
    names, emails = mentioned_names_and_emails(
        "Thanks @**Ann Jones** and @bob@example.org, not me@example.org"
    )
    assert names == {"ann jones"}
    assert emails == {"bob@example.org"}


def test_an_excerpt_is_plain_text():
    assert excerpt("**Hello** <script>x</script> [there](https://e.org)") == "Hello <script>x</script> there"


@pytest.mark.parametrize(
    "text, kept",
    [
        ("Thanks\nJane", "Thanks  \nJane"),
        ("One\ntwo\nthree\n\nFour", "One  \ntwo  \nthree\n\nFour"),
        # the end of a paragraph, lists, an item's second line, fenced and indented code, headings
        ("- a\n- b\n  more\n\n1. x\n2. y", "- a\n- b  \n  more\n\n1. x\n2. y"),
        ("```\ncode\nmore\n```\nafter\nend", "```\ncode\nmore\n```\nafter  \nend"),
        ("    indented\n    code", "    indented\n    code"),
        ("# Heading\ntext\nmore", "# Heading\ntext  \nmore"),
        ("Title\n---\nbody", "Title\n---\nbody"),
        ("> quoted\n> lines", "> quoted  \n> lines"),
        # a code span across two lines, and a break already typed, are left alone
        ("a `code\nspan` b\nc", "a `code\nspan` b\nc"),
        ("Thanks\\\nJane", "Thanks\\\nJane"),
    ],
)
def test_line_breaks_kept_makes_each_break_inside_a_paragraph_a_hard_break(text, kept):
    assert line_breaks_kept(text) == kept
    assert render(kept).count("<br>") == render(text).count("<br>") + kept.count("  \n")
