"""Writes to the messageboard: one function per action, keyword-only, atomic, audited.

Posting also decides, in the same transaction, who hears about the post at once (mentions and
followers of the thread) and writes their e-mails to the outbox (kindred.board.delivery).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.services import audit
from kindred.board import delivery, tasks
from kindred.board.access import can_moderate, may_start_thread
from kindred.board.models import (
    Attachment,
    NotificationSettings,
    Post,
    PostReport,
    Thread,
    ThreadRead,
)
from kindred.board.rendering import mentioned_names_and_emails, render
from kindred.core import attachments as attachment_checks
from kindred.core import ratelimit
from kindred.core.mail import single_line
from kindred.networks.access import is_network_member, network_member_users
from kindred.networks.models import Network

MAX_BODY = 20_000
MAX_ATTACHMENTS = 5


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write a message first."))
    if len(body) > MAX_BODY:
        raise ValidationError(_("A message may be at most %(n)d characters.") % {"n": MAX_BODY})
    return body


def _must_be_member(user, network) -> None:
    if not is_network_member(user, network):
        raise PermissionDenied(_("Only the network's members can post on its board."))
    if network.status == Network.Status.CLOSED:
        raise ValidationError(_("This network is closed: its board can be read but no longer written to."))


def _mentioned_users(body: str, network, author):
    names, emails = mentioned_names_and_emails(body)
    if not names and not emails:
        return []
    condition = Q(email__in=emails)
    for name in names:
        condition |= Q(full_name__iexact=name)
    return list(network_member_users(network).filter(condition).exclude(pk=author.pk).distinct())


def _within_limits(author, body: str) -> None:
    """The per-person limits on posting (settings BOARD_POSTS_PER_MINUTE, _PER_HOUR and
    BOARD_MENTIONS_PER_POST), checked before anything is written."""
    names, emails = mentioned_names_and_emails(body)
    most = settings.BOARD_MENTIONS_PER_POST
    mentioned = len(names | emails)
    if most > 0 and mentioned > most and not ratelimit.is_suspended():
        raise ValidationError(
            _("A post may mention at most %(n)s people; this one mentions %(count)s.")
            % {"n": most, "count": mentioned},
            code="rate_limited",
        )
    own = Post.objects.filter(author=author)
    ratelimit.check(
        own,
        person=author,
        limit=settings.BOARD_POSTS_PER_MINUTE,
        window=timedelta(minutes=1),
        message=_("You have posted %(n)s times in the last minute: please wait a minute and post again."),
    )
    ratelimit.check(
        own,
        person=author,
        limit=settings.BOARD_POSTS_PER_HOUR,
        window=timedelta(hours=1),
        message=_("You have posted %(n)s times in the last hour: please wait a while and post again."),
    )


def _add_post(*, thread: Thread, author, body: str, files) -> Post:
    _within_limits(author, body)
    files = list(files or [])
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(_("At most %(n)d attachments per post.") % {"n": MAX_ATTACHMENTS})
    limit = settings.BOARD_ATTACHMENT_MAX_BYTES
    checked = [
        attachment_checks.check(f, limit=limit) for f in files
    ]  # all checked before anything is written
    previous = Post.objects.filter(thread=thread).aggregate(m=Max("id"))["m"] or 0
    post = Post.objects.create(
        thread=thread, network_id=thread.network_id, author=author, body=body, html=render(body)
    )
    for uploaded, result in zip(files, checked, strict=True):
        Attachment.objects.create(
            post=post,
            file=uploaded,
            name=uploaded.name[:200],
            content_type=result.content_type,
            size=result.size,
        )
    mentioned = _mentioned_users(body, thread.network, author)
    post.mentions.set(mentioned)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=post.created_at, post_count=F("post_count") + 1)
    # Writing in a thread means following it from now on (unless muted). It moves the read mark
    # past one's own post only if everything before it was read: a reply sent from an old page
    # must not swallow the posts that arrived meanwhile.
    read, _created = ThreadRead.objects.get_or_create(
        user=author, thread=thread, defaults={"level": ThreadRead.Level.FOLLOWING}
    )
    if read.last_read_post_id >= previous:
        read.last_read_post_id = post.pk
    read.visited_at = timezone.now()
    if read.level == ThreadRead.Level.NORMAL:
        read.level = ThreadRead.Level.FOLLOWING
    read.save()
    if delivery.notify_at_once(post=post, mentioned=mentioned):
        # After the post is committed: send the outbox in the worker (or now, without a queue).
        transaction.on_commit(tasks.outbox_send.enqueue)
    return post


@transaction.atomic
def thread_create(*, network, by, title: str, body: str, files=(), pinned: bool = False) -> Thread:
    """Start a thread with its first post; only members post, only coordinators pin."""
    _must_be_member(by, network)
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Give the thread a title."))
    if len(title) > 200:
        raise ValidationError(_("A title may be at most 200 characters."))
    single_line(title)  # it is the subject of the thread's e-mails
    body = _clean_body(body)
    if pinned and not can_moderate(by, network):
        raise PermissionDenied(_("Only coordinators pin announcements."))
    if not may_start_thread(by, network):
        raise PermissionDenied(_("Only the coordinators post announcements to every member network."))
    ratelimit.check(
        Thread.objects.filter(created_by=by),
        person=by,
        limit=settings.BOARD_THREADS_PER_HOUR,
        window=timedelta(hours=1),
        message=_("You have started %(n)s threads in the last hour: please wait a while and start another."),
    )
    thread = Thread.objects.create(network=network, title=title, created_by=by, pinned=pinned)
    post = _add_post(thread=thread, author=by, body=body, files=files)
    audit(by, "board.thread_created", thread, network=network.pk, post=post.pk, pinned=pinned)
    return thread


@transaction.atomic
def post_reply(*, thread: Thread, by, body: str, files=()) -> Post:
    _must_be_member(by, thread.network)
    post = _add_post(thread=thread, author=by, body=_clean_body(body), files=files)
    audit(by, "board.post_created", post, thread=thread.pk)
    return post


@transaction.atomic
def post_edit(*, post: Post, by, body: str) -> Post:
    """The author changes their post; it shows an "edited" mark. Nobody is notified again."""
    if post.author_id != by.pk:
        raise PermissionDenied(_("Only the author can edit a post."))
    if not post.is_visible:
        raise ValidationError(_("This post was removed and cannot be edited."))
    post.body = _clean_body(body)
    post.html = render(post.body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "html", "edited_at"])
    audit(by, "board.post_edited", post)
    return post


@transaction.atomic
def post_delete(*, post: Post, by) -> Post:
    """The author removes their post; a placeholder keeps the thread's order readable."""
    if post.author_id != by.pk:
        raise PermissionDenied(_("Only the author can delete a post."))
    if post.deleted_at is None:
        post.deleted_at = timezone.now()
        post.save(update_fields=["deleted_at"])
        audit(by, "board.post_deleted", post)
    return post


@transaction.atomic
def post_hide(*, post: Post, by, hidden: bool = True) -> Post:
    """A coordinator hides a post from the board (or shows it again)."""
    if not can_moderate(by, post.network):
        raise PermissionDenied(_("Only the network's coordinators can hide posts."))
    post.hidden_at = timezone.now() if hidden else None
    post.hidden_by = by if hidden else None
    post.save(update_fields=["hidden_at", "hidden_by"])
    if hidden:
        PostReport.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=timezone.now())
    audit(by, "board.post_hidden" if hidden else "board.post_shown", post)
    return post


@transaction.atomic
def post_report(*, post: Post, by, reason: str) -> PostReport:
    """Anyone who reads the board tells its coordinators about a post."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what is wrong with the post."))
    if len(reason) > 500:
        raise ValidationError(_("A reason may be at most 500 characters."))
    if PostReport.objects.filter(post=post, reported_by=by).exists():
        raise ValidationError(_("You have already reported this post."))
    report = PostReport.objects.create(post=post, reported_by=by, reason=reason)
    audit(by, "board.post_reported", post, reason=reason)
    return report


@transaction.atomic
def thread_pin(*, thread: Thread, by, pinned: bool) -> Thread:
    if not can_moderate(by, thread.network):
        raise PermissionDenied(_("Only the network's coordinators can pin announcements."))
    thread.pinned = pinned
    thread.save(update_fields=["pinned"])
    audit(by, "board.thread_pinned" if pinned else "board.thread_unpinned", thread)
    return thread


@transaction.atomic
def thread_level_set(*, thread: Thread, user, level: str) -> ThreadRead:
    """Follow, mute or return a thread to normal, for one person."""
    if level not in ThreadRead.Level.values:
        raise ValidationError(_("Choose normal, following or muted."))
    read, _created = ThreadRead.objects.get_or_create(user=user, thread=thread)
    read.level = level
    read.save(update_fields=["level"])
    return read


def thread_mark_read(*, thread: Thread, user, up_to_post_id: int) -> None:
    """Move the person's read mark forward (never back) to `up_to_post_id`."""
    if not user.is_authenticated:
        return
    now = timezone.now()
    updated = ThreadRead.objects.filter(user=user, thread=thread).update(
        visited_at=now,
        last_read_post_id=_greatest(F("last_read_post_id"), up_to_post_id),
    )
    if not updated:
        ThreadRead.objects.get_or_create(
            user=user, thread=thread, defaults={"last_read_post_id": up_to_post_id, "visited_at": now}
        )
    delivery.notifications_mark_read(user=user, thread=thread, up_to_post_id=up_to_post_id)


def _greatest(field, value: int):
    from django.db.models.functions import Greatest

    return Greatest(field, value)


@transaction.atomic
def notification_settings_set(
    *, user, email_at_once: bool, digest: str, mentions_in_muted_threads: bool | None = None
) -> NotificationSettings:
    """Save a person's e-mail choices; `mentions_in_muted_threads` None keeps what it was."""
    if digest not in NotificationSettings.Digest.values:
        raise ValidationError(_("Choose daily, weekly or never."))
    settings_row = delivery.settings_for(user)
    settings_row.email_at_once = email_at_once
    settings_row.digest = digest
    if mentions_in_muted_threads is not None:
        settings_row.mentions_in_muted_threads = mentions_in_muted_threads
    settings_row.save(update_fields=["email_at_once", "digest", "mentions_in_muted_threads"])
    audit(
        user,
        "board.notifications_changed",
        None,
        email_at_once=email_at_once,
        digest=digest,
        mentions_in_muted_threads=settings_row.mentions_in_muted_threads,
    )
    return settings_row
