"""Who may read, write and moderate a network's messageboard (built on kindred.networks.access).

| who                                        | reads | posts, edits own | hides posts, pins |
|--------------------------------------------|-------|------------------|-------------------|
| site administrator                         | yes   | no               | yes               |
| coordinator of the network                 | yes   | yes              | yes               |
| member of the network (staff of a member school, a person with a role) | yes | yes | no |
| leader over an informal group's members (networks/access.py `may_moderate_group`) | yes | no (403) | yes |
| a person of a network below a community of communities (networks/access.py `is_reached_through_links`), on the community's board | yes | no (403) | no |
| someone who may see the network but is no member | 403 | 403           | 403               |
| anyone else                                | 404   | 404              | 404               |
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import Access, is_site_admin
from kindred.board.models import Attachment, Post, Thread
from kindred.networks.access import (
    is_network_member,
    is_reached_through_links,
    known_access,
    may_moderate_group,
    network_for_user,
    reached_network_ids,
)
from kindred.networks.models import Network


def can_moderate(user, network: Network) -> bool:
    """Coordinators of the network and site administrators; for an informal group, the leaders
    over its members too."""
    return known_access(user, network) == Access.WRITE or may_moderate_group(user, network)


def board_for_user(user, network_pk: int, *, post: bool = False, moderate: bool = False) -> Network:
    """The network whose board `user` may read (and post to, or moderate); 404 or 403 otherwise."""
    network = network_for_user(user, network_pk)
    if moderate:
        if not can_moderate(user, network):
            raise PermissionDenied("Only the network's coordinators can do this.")
        return network
    member = is_network_member(user, network)
    network.viewer_is_member = member  # saves the views asking again
    # A community of communities' board is read by the people of its member networks (issue 23,
    # item 5): its announcements reach them; they post nothing there.
    reached = not member and not post and is_reached_through_links(user, network)
    network.viewer_reads = member or reached  # reads as a member: read marks, follow or mute
    if not member and (post or not (reached or is_site_admin(user) or may_moderate_group(user, network))):
        raise PermissionDenied("Only the network's members can read and write its board.")
    return network


def may_start_thread(user, network: Network) -> bool:
    """Who starts a thread on a board its members may write to: any member; on a community of
    communities' board, whose threads are announcements to every member network, its coordinators."""
    return not network.has_member_networks or known_access(user, network) == Access.WRITE


def thread_for_user(user, pk: int, *, post: bool = False, moderate: bool = False) -> Thread:
    thread = get_object_or_404(Thread, pk=pk)
    thread.network = board_for_user(user, thread.network_id, post=post, moderate=moderate)
    return thread


def post_for_user(user, pk: int, *, own: bool = False, moderate: bool = False) -> Post:
    """A post on a board `user` may read; with own=True only its author (a member) may have it."""
    post = get_object_or_404(Post.objects.select_related("thread", "network", "author"), pk=pk)
    board_for_user(user, post.network_id, post=own, moderate=moderate)
    if own and post.author_id != user.pk:
        raise PermissionDenied("Only the author can change a post.")
    return post


def attachment_for_user(user, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment.objects.select_related("post"), pk=pk)
    board_for_user(user, attachment.post.network_id)
    if not attachment.post.is_visible:
        raise Http404("This post was removed.")
    return attachment


def readable_networks_q(user, *, prefix: str = "") -> Q:
    """The networks whose boards `user` reads, as a filter (every network for site admins)."""
    if is_site_admin(user):
        return Q()
    if not user.is_authenticated or not user.is_active:
        return Q(**{f"{prefix}pk__in": []})
    return Q(**{f"{prefix}pk__in": reached_network_ids(user)})
