"""Reads of the library that other pages share: searching the resources a person may see."""

from django.db.models import Q, QuerySet

from kindred.accounts.models import User
from kindred.library.access import resources_visible_q
from kindred.library.models import Resource

MAX_WORDS = 12


def search_resources(*, user: User, text: str) -> QuerySet[Resource]:
    """The resources `user` may see (`access.resources_visible_q`) in which every word of `text`
    is in the title, description, tags, framework domain or subject; newest first. Empty text finds
    every visible resource (the library's own list); the board's search never asks with none."""
    resources = Resource.objects.filter(resources_visible_q(user)).select_related("network")
    for word in (text or "").split()[:MAX_WORDS]:
        resources = resources.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(tags__icontains=word)
            | Q(domain__icontains=word)
            | Q(subject__icontains=word)
        )
    return resources
