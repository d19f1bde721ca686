"""Finding people by part of their name or e-mail address, fast with 870,000 people.

Used by the admin's list of people and by every search-as-you-type picker of a person
(`UserAdmin.get_search_results`). What a search means:

- An e-mail address (one word with "@"): that address, through its unique index.
- PostgreSQL: every word typed is contained somewhere in the name or the address, any case
  (Django's `icontains`), answered from the trigram indexes of migration accounts/0005.
- SQLite: every word typed *starts* a word of the name or the address (an FTS5 prefix query on
  `accounts_user_fts`, accounts/0005): "smi" finds "Jo Smith" and "jo.smith@school.example",
  "mit" does not. Accents are folded ("sian" finds "Siân"). A search with no letters or digits
  finds no one.
"""

import re

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

MAX_WORDS = 8
_WORD = re.compile(r"\w+", re.UNICODE)


def _fts5_prefix_query(text: str) -> str:
    """Each word as a quoted FTS5 string with a prefix star; all required."""
    return " ".join('"' + word.replace('"', '""') + '" *' for word in _WORD.findall(text)[:MAX_WORDS])


def people_matching(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of User) narrowed to the people `text` finds; see the module docstring."""
    term = " ".join((text or "").split())[:200]
    if not term:
        return queryset
    if "@" in term and " " not in term:
        local, _, domain = term.rpartition("@")
        return queryset.filter(email__in={term, f"{local}@{domain.lower()}", term.lower()})
    if connection.vendor == "sqlite":
        query = _fts5_prefix_query(term)
        if not query:
            return queryset.none()
        return queryset.filter(
            pk__in=RawSQL("SELECT rowid FROM accounts_user_fts WHERE accounts_user_fts MATCH %s", [query])
        )
    words = term.split()[:MAX_WORDS]
    condition = Q()
    for word in words:
        condition &= Q(email__icontains=word) | Q(full_name__icontains=word)
    return queryset.filter(condition)
