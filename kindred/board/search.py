"""Searching posts across every board a person reads.

- PostgreSQL: full-text search with the language-neutral `simple` configuration (boards are
  written in English, Welsh, Arabic...), `websearch_to_tsquery` for what people type, and GIN
  indexes on the post bodies and thread titles (migration 0002).
- SQLite: an FTS5 table `board_post_fts` (title, body) kept by triggers (migration 0002), with the
  `unicode61` tokenizer folding diacritics ("ysgol" finds "ysgôl").

Access is applied in the same query: only posts in the networks the person belongs to (every
network for site administrators), and never a deleted or hidden post.
"""

import re

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

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


def matching_posts_q(text: str) -> Q | None:
    """A filter on Post for posts whose body or thread title matches `text` (None: nothing to find)."""
    text = (text or "").strip()[:200]
    if not _WORD.search(text):
        return None
    if connection.vendor == "postgresql":
        return Q(
            pk__in=RawSQL(
                "SELECT id FROM board_post WHERE to_tsvector('simple', body) @@ websearch_to_tsquery('simple', %s)",
                [text],
            )
        ) | Q(
            thread_id__in=RawSQL(
                "SELECT id FROM board_thread WHERE to_tsvector('simple', title) @@ websearch_to_tsquery('simple', %s)",
                [text],
            )
        )
    return Q(
        pk__in=RawSQL("SELECT rowid FROM board_post_fts WHERE board_post_fts MATCH %s", [_fts5_query(text)])
    )


def search_posts(*, user, text: str, page: int | str = 1):
    """A page of the visible posts matching `text` in the boards `user` reads, newest first."""
    condition = matching_posts_q(text)
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
