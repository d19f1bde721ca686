"""One search interface per kind of thing: schools, people, posts, resources.

Each kind is searched in its own way on each database (an FTS5 table kept by triggers on SQLite;
trigram or GIN indexes on PostgreSQL), but every caller asks the same question the same way:

    matching("people", User.objects.all(), "jo smith")        # a QuerySet of what the text finds
    matching("posts", Post.objects.all(), "reading", networks=[3, 7])

The app that owns a kind registers its search from its AppConfig.ready() (core sits below every
app and imports none of them):

    search_register(Search(kind="people", model="accounts.user", backends={"sqlite": ..., "postgresql": ...}))

A back end takes the typed text (and the kind's own keyword arguments, such as the networks a
post search covers) and returns a filter on the kind's model: `Q()` to find every row (a kind
where blank text means "everything"), `None` to find nothing, otherwise the rows the text finds.
Where one filter serves both databases (an index on PostgreSQL, a scan on SQLite), the kind gives
the same function for both. Each kind's module docstring says what its search means.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet

#: The databases Kindred runs on (settings.DATABASES): every search has a back end for each.
VENDORS = ("sqlite", "postgresql")

Backend = Callable[..., Q | None]


@dataclass(frozen=True)
class Search:
    kind: str
    model: str  # the searched model's label, lower case ("accounts.user")
    backends: dict[str, Backend] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [vendor for vendor in VENDORS if vendor not in self.backends]
        if missing:
            raise ValueError(f"The {self.kind} search has no back end for {', '.join(missing)}.")

    def q(self, text: str, **scope) -> Q | None:
        """The filter that finds what `text` finds, on the database in use (None: nothing)."""
        return self.backends[connection.vendor](text or "", **scope)


SEARCHES: dict[str, Search] = {}


def search_register(search: Search) -> None:
    """Make `search` the one search of its kind."""
    SEARCHES[search.kind] = search


def search_of(kind: str) -> Search:
    try:
        return SEARCHES[kind]
    except KeyError:
        raise LookupError(
            f"No search of {kind!r} is registered (known: {', '.join(sorted(SEARCHES))})."
        ) from None


def matching(kind: str, queryset: QuerySet, text: str, **scope) -> QuerySet:
    """`queryset` narrowed to the rows of `kind` that `text` finds (`scope`: the kind's own options)."""
    search = search_of(kind)
    if queryset.model._meta.label_lower != search.model:
        raise TypeError(f"The {kind} search finds {search.model}, not {queryset.model._meta.label_lower}.")
    condition = search.q(text, **scope)
    return queryset.none() if condition is None else queryset.filter(condition)
