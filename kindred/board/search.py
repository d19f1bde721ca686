"""Searching posts across every board a person reads.

- PostgreSQL: full-text search with `kindred_board`, the language-neutral `simple` configuration
  plus `unaccent` (boards are written in English, Welsh, Arabic...), `websearch_to_tsquery` for
  what people type, and GIN indexes on the post bodies and thread titles (migrations 0002, 0004).
- SQLite: an FTS5 table `board_post_fts` (title, body, and the post's network as the token `n<id>`)
  kept by triggers (migrations 0002 and 0006), with the `unicode61` tokenizer folding diacritics
  ("ysgol" finds "ysgôl"). A search in a person's boards asks FTS5 for the words *and* one of the
  person's networks, so it reads the short lists of their networks' posts, not every match in the
  country (3 s for a common word in 500,000 posts before, benchmarks/README.md).

Access is applied in the same query: only posts in the networks the person belongs to (every
network for site administrators), and never a deleted or hidden post.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from kindred.accounts.access import is_site_admin
from kindred.board.access import readable_networks_q
from kindred.board.models import Post
from kindred.core.bulk import sqlite_triggers_paused
from kindred.core.search import Search, matching
from kindred.networks.models import Network

PER_PAGE = 20
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


#: Up to this many networks, a search names them in the FTS5 query; beyond, it collects the matches.
MAX_NETWORKS_IN_QUERY = 200


def _fts5_query(text: str, networks: list[int] | None = None) -> str:
    """Each word as a quoted FTS5 string, all required, in the title or body; the last one as a
    prefix. With `networks`, only posts of those networks."""
    words = _WORD.findall(text)[:MAX_TERMS]
    if not words:
        return ""
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    quoted[-1] += " *"
    query = "{title body} : (" + " ".join(quoted) + ")"
    if networks is not None:
        query = "net : (" + " OR ".join(f'"n{pk}"' for pk in networks) + ") AND " + query
    return query


def _text(text: str) -> str | None:
    text = (text or "").strip()[:200]
    return text if _WORD.search(text) else None


def _posts_q_postgresql(
    text: str, *, everywhere: bool = False, networks: list[int] | None = None
) -> Q | None:
    text = _text(text)
    if text is None:
        return None
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


def _posts_q_sqlite(text: str, *, everywhere: bool = False, networks: list[int] | None = None) -> Q | None:
    text = _text(text)
    if text is None:
        return None
    if everywhere or networks is None or len(networks) > MAX_NETWORKS_IN_QUERY:
        # Every board, or a great many: collect the matches once, then join.
        return Q(
            pk__in=RawSQL(
                "SELECT rowid FROM board_post_fts WHERE board_post_fts MATCH %s", [_fts5_query(text)]
            )
        )
    if not networks:
        return Q(pk__in=[])
    return Q(
        pk__in=RawSQL(
            "SELECT rowid FROM board_post_fts WHERE board_post_fts MATCH %s", [_fts5_query(text, networks)]
        )
    )


#: Registered in BoardConfig.ready(); asked through kindred.core.search.matching("posts", ...).
#: Its options: `everywhere` (the search covers every board: site administrators) and `networks`
#: (the boards it covers, when they are few; on SQLite the full-text query then starts from them).
#: Blank text, or text without a letter or digit, finds nothing.
POSTS = Search(
    kind="posts", model="board.post", backends={"sqlite": _posts_q_sqlite, "postgresql": _posts_q_postgresql}
)


def search_posts(*, user, text: str, page: int | str = 1):
    """A page of the visible posts matching `text` in the boards `user` reads, newest first."""
    everywhere = is_site_admin(user)
    networks = None if everywhere else list(_networks(user).values_list("pk", flat=True))
    posts = (
        matching("posts", Post.objects.visible(), text, everywhere=everywhere, networks=networks)
        # the ids themselves, not the rule that finds them: PostgreSQL's planner then knows the
        # person's networks hold a few hundred posts, and starts from them (13.7 s → see
        # benchmarks/README.md: it scanned every post newest-first for a common word)
        .filter(network__in=_networks(user) if networks is None else networks)
        .select_related("thread", "network", "author")
        .order_by("-id")
    )
    return Paginator(posts, PER_PAGE).get_page(page)


def _networks(user):
    return Network.objects.filter(readable_networks_q(user)).values("pk")


@contextmanager
def posts_indexed_after() -> Iterator[None]:
    """Within a transaction: posts inserted in the block go into SQLite's search table once, at the end
    (one INSERT ... SELECT), rather than row by row through its insert trigger (a bulk load of
    500,000 posts). Their threads must be written before the block ends; only inserts may happen.

    PostgreSQL's search indexes are plain GIN indexes: a loader drops and rebuilds them with
    kindred.core.bulk.indexes_rebuilt_after(Post, Thread).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM board_post")
        before = int(cursor.fetchone()[0])
    catch_up = [
        "INSERT INTO board_post_fts (rowid, title, body, net) "
        "SELECT p.id, t.title, p.body, 'n' || p.network_id FROM board_post p "
        f"JOIN board_thread t ON t.id = p.thread_id WHERE p.id > {before} ORDER BY p.id"
    ]
    with sqlite_triggers_paused(["board_post_fts_insert"], catch_up):
        yield
