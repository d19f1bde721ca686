"""Markdown to safe HTML, and finding @mentions.

1. markdown-it-py parses CommonMark with raw HTML switched off, so `<script>` in a post is text.
2. nh3 (the Ammonia sanitiser) then keeps only the tags and attributes below, links only to
   http, https and mailto, and marks every link `rel="nofollow noopener noreferrer ugc"`.
   Step 2 alone would be enough; step 1 keeps the writer's intent ("<b>" shows as typed).

Mentions are written `@**Full Name**` (as in Zulip) or `@name@example.org`, and only reach
members of the network (kindred.board.services resolves them).
"""

import html
import re

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable("image")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

MENTION_BY_NAME = re.compile(r"@\*\*([^*\n]{1,200})\*\*")
MENTION_BY_EMAIL = re.compile(r"(?<![\w.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def render(body: str) -> str:
    """The post's Markdown as HTML that is safe to show to anyone."""
    return nh3.clean(
        _markdown.render(body),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )


def line_breaks_kept(text: str) -> str:
    """Plain text (a reply by e-mail) as Markdown that keeps its writer's line breaks: each line break
    inside a paragraph, which CommonMark would join into one line ("Thanks" and "Jane" side by side),
    becomes a hard break (two spaces at the line's end, invisible in the text and in e-mails).

    Only paragraphs change, found by the parser itself: lists, headings, quotes, code blocks and
    fenced code are left as written, and so is a paragraph with a code span across two lines
    (its line break is a space in the code, not a break)."""
    lines = text.split("\n")
    for token in _markdown.parse(text):
        if token.type != "inline" or token.map is None or not token.children:
            continue
        first, end = token.map
        breaks = sum(child.type in ("softbreak", "hardbreak") for child in token.children)
        if breaks != end - first - 1:
            continue
        for index in range(first, end - 1):
            if not lines[index].endswith(("  ", "\\")):
                lines[index] = lines[index].rstrip() + "  "
    return "\n".join(lines)


def mentioned_names_and_emails(body: str) -> tuple[set[str], set[str]]:
    """The names (lower case) and e-mail addresses (lower case) that `body` mentions."""
    names = {m.strip().lower() for m in MENTION_BY_NAME.findall(body)}
    emails = {m.lower() for m in MENTION_BY_EMAIL.findall(body)}
    return names, emails


def excerpt(body: str, length: int = 300) -> str:
    """Plain text for e-mails and lists: the Markdown with its markup stripped, shortened."""
    text = html.unescape(nh3.clean(_markdown.render(body), tags=set()))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
