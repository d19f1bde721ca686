"""Reads of the library that other pages share: searching the resources a person may see."""

from django.db.models import Q, QuerySet

from kindred.accounts.models import User
from kindred.core.search import Search, matching
from kindred.library.access import resources_visible_q
from kindred.library.models import Resource

MAX_WORDS = 12


def search_resources(*, user: User, text: str) -> QuerySet[Resource]:
    """The resources `user` may see (`access.resources_visible_q`) in which every word of `text`
    is in the title, description, tags, framework domain or subject; newest first. Empty text finds
    every visible resource (the library's own list); the board's search never asks with none."""
    resources = Resource.objects.filter(resources_visible_q(user)).select_related("network")
    return matching("resources", resources, text)


def _resources_q(text: str) -> Q:
    """Every word of `text` in the title, description, tags, framework domain or subject (any case)."""
    condition = Q()
    for word in (text or "").split()[:MAX_WORDS]:
        condition &= (
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(tags__icontains=word)
            | Q(domain__icontains=word)
            | Q(subject__icontains=word)
        )
    return condition


#: Registered in LibraryConfig.ready(); asked through kindred.core.search.matching("resources", ...).
#: One filter on both databases (a library holds thousands of resources, not millions).
RESOURCES = Search(
    kind="resources", model="library.resource", backends={"sqlite": _resources_q, "postgresql": _resources_q}
)
