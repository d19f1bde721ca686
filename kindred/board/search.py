"""Searching posts across every board a person reads.

- PostgreSQL: full-text search with `kindred_board`, the language-neutral `simple` configuration
  plus `unaccent` (boards are written in English, Welsh, Arabic...), `websearch_to_tsquery` for
  what people type, and GIN indexes on the post bodies and thread titles (migrations 0002, 0004).
- SQLite: an FTS5 table `board_post_fts` (title, body) kept by triggers (migration 0002), with the
  `unicode61` tokenizer folding diacritics ("ysgol" finds "ysgôl").

Access is applied in the same query: only posts in the networks the person belongs to (every
network for site administrators), and never a deleted or hidden post.
"""

import re

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from kindred.accounts.access import is_site_admin
from kindred.board.access import readable_networks_q
from kindred.board.models import Post

PER_PAGE = 20
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


def _fts5_query(text: str) -> str:
    """Each word as a quoted FTS5 string, all required; the last one as a prefix."""
    words = _WORD.findall(text)[:MAX_TERMS]
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += " *"
    return " ".join(quoted)


def matching_posts_q(text: str, *, everywhere: bool = False) -> Q | None:
    """A filter on Post for posts whose body or thread title matches `text` (None: nothing to find).

    `everywhere`: the search covers every board (site administrators), which changes the best plan
    on SQLite.
    """
    text = (text or "").strip()[:200]
    if not _WORD.search(text):
        return None
    if connection.vendor == "postgresql":
        # On the row itself, so the planner may start from the person's networks (few posts) or
        # from the GIN index (a rare word), whichever is cheaper.
        return Q(
            RawSQL(
                "(to_tsvector('kindred_board', board_post.body) @@ websearch_to_tsquery('kindred_board', %s)"
                " OR board_post.thread_id IN (SELECT id FROM board_thread"
                " WHERE to_tsvector('kindred_board', title) @@ websearch_to_tsquery('kindred_board', %s)))",
                [text, text],
                output_field=BooleanField(),
            )
        )
    if everywhere:
        # Every board (site administrators): collect the matches once, then join.
        return Q(
            pk__in=RawSQL(
                "SELECT rowid FROM board_post_fts WHERE board_post_fts MATCH %s", [_fts5_query(text)]
            )
        )
    # A person's own boards (a few hundred posts): check each of their posts against the index,
    # rather than collecting every match of a common word in the whole country.
    return Q(
        RawSQL(
            "EXISTS (SELECT 1 FROM board_post_fts WHERE board_post_fts MATCH %s"
            " AND board_post_fts.rowid = board_post.id)",
            [_fts5_query(text)],
            output_field=BooleanField(),
        )
    )


def search_posts(*, user, text: str, page: int | str = 1):
    """A page of the visible posts matching `text` in the boards `user` reads, newest first."""
    condition = matching_posts_q(text, everywhere=is_site_admin(user))
    posts = (
        Post.objects.none()
        if condition is None
        else (
            Post.objects.visible()
            .filter(condition)
            .filter(network__in=_networks(user))
            .select_related("thread", "network", "author")
            .order_by("-id")
        )
    )
    return Paginator(posts, PER_PAGE).get_page(page)


def _networks(user):
    from kindred.networks.models import Network

    return Network.objects.filter(readable_networks_q(user)).values("pk")
