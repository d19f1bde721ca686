"""Reads of the messageboard that span tables: boards with unread counts, a thread's page,
notifications, and who belongs to which networks (for digests)."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from kindred.accounts.models import SchoolStaff
from kindred.board.models import Attachment, Notification, Post, PostReport, Thread, ThreadRead
from kindred.networks import access as network_access
from kindred.networks.models import MOST_LINKS_DEEP, Membership, NetworkLink, NetworkRole

THREADS_PER_PAGE = 25
POSTS_PER_PAGE = 30


def _unread_posts(user):
    """Visible posts by others that `user` has not read, outside threads they muted."""
    read_upto = ThreadRead.objects.filter(user=user, thread_id=OuterRef("thread_id")).values(
        "last_read_post_id"
    )
    muted = ThreadRead.objects.filter(
        user=user, thread_id=OuterRef("thread_id"), level=ThreadRead.Level.MUTED
    )
    return (
        Post.objects.visible()
        .exclude(author=user)
        .annotate(read_upto=Coalesce(Subquery(read_upto, output_field=IntegerField()), 0))
        .filter(id__gt=F("read_upto"))
        .exclude(Exists(muted))
    )


def unread_counts_by_network(*, user, network_ids) -> dict[int, int]:
    """{network id: unread posts} for the given networks (networks with none are left out)."""
    rows = (
        _unread_posts(user)
        .filter(network_id__in=network_ids)
        .values("network_id")
        .annotate(n=Count("id"))
        .values_list("network_id", "n")
    )
    return dict(rows)


def unread_total(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return _unread_posts(user).filter(network_id__in=network_access.reached_network_ids(user)).count()


def unread_by_network(*, user) -> list[tuple[int, str, int]]:
    """(network id, name, unread posts) for each of `user`'s networks with unread posts, most first
    (one query: the board's own read state, as `unread_total` counts it)."""
    rows = (
        _unread_posts(user)
        .filter(network_id__in=network_access.reached_network_ids(user))
        .values("network_id", "network__name")
        .annotate(n=Count("id"))
        .order_by("-n", "network__name")
        .values_list("network_id", "network__name", "n")
    )
    return list(rows)


UNREAD_COUNT_CAP = 100


def unread_total_capped(*, user, cap: int = UNREAD_COUNT_CAP) -> int:
    """`unread_total`, counting at most `cap` posts (the navigation's badge says "99+" past that,
    so a page never counts a year of unread posts)."""
    if not user.is_authenticated:
        return 0
    return _unread_posts(user).filter(network_id__in=network_access.reached_network_ids(user))[:cap].count()


def board_threads(*, network, user, page: int | str = 1):
    """A page of the board: pinned first, then by latest post; each with its unread count."""
    read = ThreadRead.objects.filter(user=user, thread=OuterRef("pk"))
    threads = (
        Thread.objects.filter(network=network)
        .select_related("created_by")
        .annotate(
            read_upto=Coalesce(
                Subquery(read.values("last_read_post_id")[:1], output_field=IntegerField()), 0
            ),
            level=Subquery(read.values("level")[:1]),
        )
        .order_by("-pinned", "-last_post_at", "-pk")
    )
    page_obj = Paginator(threads, THREADS_PER_PAGE).get_page(page)
    ids = [t.pk for t in page_obj.object_list]
    unread = dict(
        _unread_posts(user)
        .filter(thread_id__in=ids)
        .values("thread_id")
        .annotate(n=Count("id"))
        .values_list("thread_id", "n")
    )
    for thread in page_obj.object_list:
        thread.unread = 0 if thread.level == ThreadRead.Level.MUTED else unread.get(thread.pk, 0)
    return page_obj


def thread_page(*, thread, user, page: int | str | None = None, post_id: int | None = None):
    """A page of a thread's posts, with the person's read mark and follow level.

    Without a page number, opens the page with the first unread post (or the post asked for).
    """
    read = ThreadRead.objects.filter(user=user, thread=thread).first()
    last_read = read.last_read_post_id if read else 0
    posts = (
        Post.objects.filter(thread=thread)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("id")
    )
    paginator = Paginator(posts, POSTS_PER_PAGE)
    if page is None:
        target = post_id or (last_read + 1 if last_read else None)
        if target:
            before = Post.objects.filter(thread=thread, id__lt=target).count()
            page = before // POSTS_PER_PAGE + 1
        else:
            page = 1
    page_obj = paginator.get_page(page)
    return page_obj, last_read, (read.level if read else ThreadRead.Level.NORMAL)


def notifications_for(*, user, page: int | str = 1):
    rows = (
        Notification.objects.filter(user=user)
        .select_related("post__author", "post__thread", "post__network")
        .order_by("-id")
    )
    return Paginator(rows, 30).get_page(page)


def open_reports(*, network):
    return (
        PostReport.objects.filter(post__network=network, resolved_at__isnull=True)
        .select_related("post__thread", "reported_by")
        .order_by("pk")
    )


def member_network_ids(user_ids: list[int]) -> dict[int, set[int]]:
    """{person: ids of the networks they belong to} for many people at once (digests)."""
    networks: dict[int, set[int]] = defaultdict(set)
    for user_id, network_id in (
        NetworkRole.objects.active().filter(user_id__in=user_ids).values_list("user_id", "network_id")
    ):
        networks[user_id].add(network_id)
    staff = SchoolStaff.objects.filter(user_id__in=user_ids).values("school_id")
    school_networks: dict[int, set[int]] = defaultdict(set)
    for school_id, network_id in (
        Membership.objects.active().filter(school_id__in=staff).values_list("school_id", "network_id")
    ):
        school_networks[school_id].add(network_id)
    if school_networks:
        for user_id, school_id in SchoolStaff.objects.filter(
            user_id__in=user_ids, school_id__in=list(school_networks)
        ).values_list("user_id", "school_id"):
            networks[user_id] |= school_networks[school_id]
    _with_communities_above(networks)
    return networks


def _with_communities_above(networks: dict[int, set[int]]) -> None:
    """Add to each person's networks the communities of communities above them, at every level
    (issue 23, item 5): their announcements reach every member network's people in the same digest,
    as `reached_network_ids` counts them unread. One query per level, for the whole chunk."""
    below = set().union(*networks.values()) if networks else set()
    parents_of: dict[int, set[int]] = defaultdict(set)
    seen: set[int] = set()
    for _level in range(MOST_LINKS_DEEP):
        below -= seen
        if not below:
            break
        seen |= below
        level: set[int] = set()
        for member_id, parent_id in (
            NetworkLink.objects.active().filter(member_id__in=below).values_list("member_id", "parent_id")
        ):
            parents_of[member_id].add(parent_id)
            level.add(parent_id)
        below = level
    if not parents_of:
        return
    for ids in networks.values():
        todo = list(ids)
        while todo:
            for parent_id in parents_of.get(todo.pop(), ()):
                if parent_id not in ids:
                    ids.add(parent_id)
                    todo.append(parent_id)
