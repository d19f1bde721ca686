"""Finding people by part of their name or e-mail address, fast with 870,000 people.

Used by the admin's list of people and by every search-as-you-type picker of a person
(`UserAdmin.get_search_results`). What a search means:

- An e-mail address (one word with "@"): that address, through its unique index.
- PostgreSQL: every word typed is contained somewhere in the name or the address, any case
  (Django's `icontains`), answered from the trigram indexes of migration accounts/0005.
- SQLite: every word typed *starts* a word of the name or the address (an FTS5 prefix query on
  `accounts_user_fts`, accounts/0005): "smi" finds "Jo Smith" and "jo.smith@school.example",
  "mit" does not. Accents are folded ("sian" finds "Siân"). A search with no letters or digits
  finds no one. A blank search finds everyone.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from kindred.core.bulk import sqlite_triggers_paused
from kindred.core.search import Search, matching

MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def _fts5_prefix_query(text: str) -> str:
    """Each word as a quoted FTS5 string with a prefix star; all required."""
    return " ".join('"' + word.replace('"', '""') + '" *' for word in _WORD.findall(text)[:MAX_WORDS])


def _words_q_sqlite(term: str) -> Q | None:
    query = _fts5_prefix_query(term)
    if not query:
        return None
    return Q(pk__in=RawSQL("SELECT rowid FROM accounts_user_fts WHERE accounts_user_fts MATCH %s", [query]))


def _words_q_postgresql(term: str) -> Q:
    condition = Q()
    for word in term.split()[:MAX_WORDS]:
        condition &= Q(email__icontains=word) | Q(full_name__icontains=word)
    return condition


def _people_q(words_q: Callable[[str], Q | None]) -> Callable[[str], Q | None]:
    """A back end: everyone for a blank search, an e-mail address through its unique index, and
    otherwise the words, as `words_q` finds them on its database."""

    def people_q(text: str) -> Q | None:
        term = " ".join((text or "").split())[:200]
        if not term:
            return Q()
        if "@" in term and " " not in term:
            local, _, domain = term.rpartition("@")
            return Q(email__in={term, f"{local}@{domain.lower()}", term.lower()})
        return words_q(term)

    return people_q


#: Registered in AccountsConfig.ready(); asked through kindred.core.search.matching("people", ...).
PEOPLE = Search(
    kind="people",
    model="accounts.user",
    backends={"sqlite": _people_q(_words_q_sqlite), "postgresql": _people_q(_words_q_postgresql)},
)


def people_matching(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of User) narrowed to the people `text` finds; see the module docstring."""
    return matching("people", queryset, text)


@contextmanager
def people_indexed_after() -> Iterator[None]:
    """Within a transaction: people inserted in the block are added to the SQLite search table once,
    at the end, rather than row by row by its insert trigger (a bulk load of 870,000 people).

    PostgreSQL's trigram indexes are plain indexes: a loader drops and rebuilds them with
    kindred.core.bulk.indexes_rebuilt_after(User). Only inserts may happen in the block.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accounts_user")
        before = int(cursor.fetchone()[0])
    catch_up = [
        "INSERT INTO accounts_user_fts (rowid, full_name, email) "
        f"SELECT id, full_name, email FROM accounts_user WHERE id > {before} ORDER BY id"
    ]
    with sqlite_triggers_paused(["accounts_user_fts_insert"], catch_up):
        yield
