"""`{% load board %}{% recent_threads network %}`: a network page shows its board's latest threads."""

from django import template
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kindred.board.access import board_for_user
from kindred.board.models import Thread

register = template.Library()


@register.inclusion_tag("board/_recent_threads.html", takes_context=True)
def recent_threads(context, network, count: int = 5):
    user = context["request"].user
    try:
        board_for_user(user, network.pk)
    except (Http404, PermissionDenied):
        return {"network": network, "threads": None}
    threads = Thread.objects.filter(network=network).order_by("-pinned", "-last_post_at", "-pk")[:count]
    return {"network": network, "threads": list(threads)}
