"""Getting every post to every member exactly once: e-mail at once, digests, the outbox.

The promise ("messages won't be missed"): every visible post reaches every member of its
network, other than its author, exactly once, by one of

1. an e-mail at once, when the person is mentioned or follows the thread (and has not switched
   those e-mails off): one `Notification` row per person and post, marked `emailed`;
2. a digest (daily or weekly, each person's choice): the posts with ids in
   (`digest_watermark`, bound] in the person's networks, less those they have read on the site
   (`ThreadRead.last_read_post_id`) and those already e-mailed at once;
3. reading it on the site first (the thread page moves the read mark).

How a digest run stays exact when it crashes: people are taken in chunks by id; for each chunk,
one transaction writes the digest e-mails to the outbox (`OutgoingEmail`) *and* moves each
person's watermark to the run's bound. A crash rolls back the chunk in progress (no e-mail, no
watermark moved), and a re-run carries on from there; chunks already committed are not redone
because their watermarks have moved. The outbox is then sent, each e-mail marked sent right after
the mail server accepted it, so a crash while sending leaves the rest for the next run.

The bound is the largest id of the posts written more than `SETTLE` ago, so that a post whose
transaction was still open when the run started (a smaller id committed late) is not jumped over.

Memory is bounded by the chunk: a chunk's people, their networks and the posts since the
smallest watermark in the chunk.
"""

import multiprocessing
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import connections, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kindred.board.models import Notification, NotificationSettings, OutgoingEmail, Post, Thread, ThreadRead
from kindred.board.rendering import excerpt
from kindred.core.progress import Progress, no_progress

SETTLE = timedelta(seconds=60)
STALE_CLAIM = timedelta(minutes=15)
UNSUBSCRIBE_SALT = "kindred.board.unsubscribe"
DIGEST_PERIOD = {
    NotificationSettings.Digest.DAILY: timedelta(days=1),
    NotificationSettings.Digest.WEEKLY: timedelta(days=7),
}
# A digest is due when the last one is older than its period less this slack (a daily run at
# 07:00 that finished at 07:05 yesterday is still due at 07:00 today).
DUE_SLACK = timedelta(hours=2)


def settings_for(user) -> NotificationSettings:
    row, _created = NotificationSettings.objects.get_or_create(user=user)
    return row


# ----------------------------------------------------------------------------- links and e-mails


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str]:
    """The person and the kind of e-mail of a one-click unsubscribe link; BadSignature if forged."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or data.get("k") not in OutgoingEmail.Kind.values:
        raise signing.BadSignature("not an unsubscribe token")
    return int(data["u"]), data["k"]


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _email(*, user_id: int, to: str, kind: str, subject: str, body: str) -> OutgoingEmail:
    unsubscribe = _url(reverse("board_unsubscribe", args=[unsubscribe_token(user_id, kind)]))
    footer = _("Stop these e-mails with one click: %(url)s") % {"url": unsubscribe}
    settings_link = _("Choose what Kindred sends you: %(url)s") % {
        "url": _url(reverse("board_notification_settings"))
    }
    return OutgoingEmail(
        user_id=user_id,
        kind=kind,
        to=to,
        subject=subject[:300],
        body=f"{body}\n\n-- \n{settings_link}\n{footer}\n",
        unsubscribe_url=unsubscribe,
    )


def _post_lines(*, author: str, body: str, post_id: int, thread_id: int) -> str:
    link = _url(f"{reverse('board_thread', args=[thread_id])}?post={post_id}#post-{post_id}")
    return f"  {author}: {excerpt(body)}\n  {link}\n"


# ----------------------------------------------------------------------------- at once


def notify_at_once(*, post: Post, mentioned: Iterable) -> list[Notification]:
    """Inside the posting transaction: notify the mentioned and the thread's followers."""
    from kindred.networks.access import network_member_users

    reasons: dict[int, str] = {user.pk: Notification.Reason.MENTION for user in mentioned}
    for user_id in _quiet_when_muted(post, reasons):
        del reasons[user_id]  # the post reaches them in the digest, like the rest of the thread
    members = network_member_users(post.network).values("pk")
    followers = (
        ThreadRead.objects.filter(
            thread_id=post.thread_id, level=ThreadRead.Level.FOLLOWING, user_id__in=members
        )
        .exclude(user_id=post.author_id)
        .values_list("user_id", flat=True)
    )
    for user_id in followers:
        reasons.setdefault(user_id, Notification.Reason.REPLY)
    reasons.pop(post.author_id, None)
    if not reasons:
        return []
    choices = dict(
        NotificationSettings.objects.filter(user_id__in=reasons).values_list("user_id", "email_at_once")
    )
    from kindred.accounts.models import User

    people = {u.pk: u for u in User.objects.filter(pk__in=reasons, is_active=True, deleted_at__isnull=True)}
    notifications, emails = [], []
    thread = post.thread
    author = str(post.author) if post.author else _("Former member")
    for user_id, reason in reasons.items():
        if user_id not in people:
            continue
        by_email = choices.get(user_id, True)
        notifications.append(Notification(user_id=user_id, post=post, reason=reason, emailed=by_email))
        if by_email:
            if reason == Notification.Reason.MENTION:
                subject = _("%(author)s mentioned you in “%(thread)s”") % {
                    "author": author,
                    "thread": thread.title,
                }
            else:
                subject = _("New reply in “%(thread)s”") % {"thread": thread.title}
            body = _post_lines(author=author, body=post.body, post_id=post.pk, thread_id=thread.pk)
            emails.append(
                _email(
                    user_id=user_id,
                    to=people[user_id].email,
                    kind=OutgoingEmail.Kind.AT_ONCE,
                    subject=subject,
                    body=body,
                )
            )
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    OutgoingEmail.objects.bulk_create(emails)
    if emails:
        transaction.on_commit(_send_soon)
    return notifications


def _quiet_when_muted(post: Post, mentioned_ids) -> set[int]:
    """The mentioned people who muted the post's thread and did not ask to hear of mentions there."""
    if not mentioned_ids:
        return set()
    muted = set(
        ThreadRead.objects.filter(
            thread_id=post.thread_id, level=ThreadRead.Level.MUTED, user_id__in=list(mentioned_ids)
        ).values_list("user_id", flat=True)
    )
    if not muted:
        return set()
    wanted = NotificationSettings.objects.filter(user_id__in=muted, mentions_in_muted_threads=True)
    return muted - set(wanted.values_list("user_id", flat=True))


def _send_soon() -> None:
    """After the post is committed: send the outbox in the worker (or now, without a queue)."""
    from kindred.board.tasks import outbox_send

    outbox_send.enqueue()


def notifications_mark_read(*, user, thread: Thread, up_to_post_id: int) -> None:
    Notification.objects.filter(
        user=user, post__thread=thread, post_id__lte=up_to_post_id, read_at__isnull=True
    ).update(read_at=timezone.now())


# ----------------------------------------------------------------------------- digests


@dataclass
class DigestSummary:
    people: int = 0
    due: int = 0
    emails: int = 0
    posts: int = 0
    sent: int = 0
    bound: int = 0
    chunks: int = 0
    extra: dict = field(default_factory=dict)


def _is_due(row: NotificationSettings, now: datetime) -> bool:
    period = DIGEST_PERIOD.get(row.digest)
    if period is None:
        return False
    return row.last_digest_at is None or row.last_digest_at <= now - period + DUE_SLACK


def digest_bound(now: datetime) -> int:
    return Post.objects.filter(created_at__lt=now - SETTLE).aggregate(m=Max("id"))["m"] or 0


def digest_compose(
    *, now: datetime | None = None, chunk: int = 2000, progress: Progress = no_progress
) -> DigestSummary:
    """Write the due digests to the outbox, chunk by chunk (see the module docstring)."""
    from kindred.accounts.models import User
    from kindred.board.selectors import member_network_ids

    now = now or timezone.now()
    summary = DigestSummary(bound=digest_bound(now))
    people = User.objects.filter(is_active=True, deleted_at__isnull=True)
    total = people.count()
    after = 0
    while True:
        ids = list(people.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:chunk])
        if not ids:
            break
        after = ids[-1]
        with transaction.atomic():
            _compose_chunk(
                ids, now=now, bound=summary.bound, summary=summary, member_network_ids=member_network_ids
            )
        summary.people += len(ids)
        summary.chunks += 1
        progress(summary.people, total, _("%(n)d digests written") % {"n": summary.emails})
    return summary


def _compose_chunk(ids, *, now, bound, summary, member_network_ids) -> None:
    from kindred.accounts.models import User

    NotificationSettings.objects.bulk_create(
        [NotificationSettings(user_id=i) for i in ids], ignore_conflicts=True
    )
    rows = {
        row.user_id: row for row in NotificationSettings.objects.select_for_update().filter(user_id__in=ids)
    }
    due = {uid: row for uid, row in rows.items() if _is_due(row, now)}
    summary.due += len(due)
    if not due:
        return
    networks_of = member_network_ids(list(due))
    # Someone without a digest yet starts from their period, not from the board's first post.
    floor = {}
    for uid, row in due.items():
        floor[uid] = row.digest_watermark
        if row.last_digest_at is None:
            floor[uid] = max(floor[uid], _first_id_since(now - DIGEST_PERIOD[row.digest]) - 1)
    all_networks = set().union(*networks_of.values()) if networks_of else set()
    lowest = min(floor.values())
    posts_by_network: dict[int, list[dict]] = defaultdict(list)
    if all_networks and bound > lowest:
        for p in (
            Post.objects.visible()
            .filter(network_id__in=all_networks, id__gt=lowest, id__lte=bound)
            .order_by("id")
            .values("id", "network_id", "thread_id", "author_id", "body", "thread__title", "network__name")
        ):
            posts_by_network[p["network_id"]].append(p)
    candidate_threads = {p["thread_id"] for ps in posts_by_network.values() for p in ps}
    reads = {}
    notified = set()
    if candidate_threads:
        for user_id, thread_id, last, level in ThreadRead.objects.filter(
            user_id__in=due, thread_id__in=candidate_threads
        ).values_list("user_id", "thread_id", "last_read_post_id", "level"):
            reads[(user_id, thread_id)] = (last, level)
        notified = set(
            Notification.objects.filter(
                user_id__in=due, emailed=True, post_id__gt=lowest, post_id__lte=bound
            ).values_list("user_id", "post_id")
        )
    authors = {p["author_id"] for ps in posts_by_network.values() for p in ps}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=authors)} if authors else {}
    emails_of = dict(User.objects.filter(pk__in=due).values_list("pk", "email"))
    outbox = []
    for uid, row in due.items():
        chosen = []
        for network_id in networks_of.get(uid, ()):
            for p in posts_by_network.get(network_id, ()):
                if p["id"] <= floor[uid] or p["author_id"] == uid or (uid, p["id"]) in notified:
                    continue
                last, level = reads.get((uid, p["thread_id"]), (0, ThreadRead.Level.NORMAL))
                if p["id"] <= last:
                    continue
                chosen.append((level == ThreadRead.Level.MUTED, p))
        if chosen:
            outbox.append(_digest_email(uid, emails_of[uid], row.digest, chosen, names))
            summary.posts += len(chosen)
    OutgoingEmail.objects.bulk_create(outbox, batch_size=500)
    # Every due person's digest now covers everything up to the bound: one statement for the chunk.
    NotificationSettings.objects.filter(user_id__in=list(due)).update(
        digest_watermark=Greatest(F("digest_watermark"), bound), last_digest_at=now
    )
    summary.emails += len(outbox)


def _first_id_since(moment: datetime) -> int:
    first = Post.objects.filter(created_at__gte=moment).order_by("id").values_list("id", flat=True).first()
    return first if first is not None else (Post.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _digest_email(user_id, to, digest, chosen, names) -> OutgoingEmail:
    chosen.sort(key=lambda item: (item[0], item[1]["network__name"], item[1]["thread_id"], item[1]["id"]))
    lines = []
    heading = None
    for muted, p in chosen:
        key = (muted, p["network__name"], p["thread__title"])
        if key != heading:
            heading = key
            label = _("%(network)s — %(thread)s") % {
                "network": p["network__name"],
                "thread": p["thread__title"],
            }
            if muted:
                label += " " + _("(muted)")
            lines.append(f"\n{label}\n")
        author = names.get(p["author_id"], _("Former member"))
        lines.append(_post_lines(author=author, body=p["body"], post_id=p["id"], thread_id=p["thread_id"]))
    count = len(chosen)
    if digest == NotificationSettings.Digest.WEEKLY:
        subject = ngettext("Your weekly digest: %(n)d new post", "Your weekly digest: %(n)d new posts", count)
    else:
        subject = ngettext("Your daily digest: %(n)d new post", "Your daily digest: %(n)d new posts", count)
    return _email(
        user_id=user_id,
        to=to,
        kind=OutgoingEmail.Kind.DIGEST,
        subject=subject % {"n": count},
        body="".join(lines).strip("\n"),
    )


# ----------------------------------------------------------------------------- the outbox


def _claim(batch: int) -> list[OutgoingEmail]:
    """Claim up to `batch` unsent e-mails for this sender, in one statement (atomic on both databases)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    free = Q(sent_at__isnull=True) & (Q(claim="") | Q(claimed_at__lt=now - STALE_CLAIM))
    ids = OutgoingEmail.objects.filter(free).order_by("pk").values_list("pk", flat=True)[:batch]
    OutgoingEmail.objects.filter(free, pk__in=list(ids)).update(claim=token, claimed_at=now)
    return list(OutgoingEmail.objects.filter(claim=token, sent_at__isnull=True).order_by("pk"))


def outbox_send(*, batch: int = 50, progress: Progress = no_progress) -> int:
    """Send every unsent e-mail in the outbox, oldest first; returns how many this call sent.

    A sender claims a batch, sends it over one connection and marks it sent as soon as the server
    accepted it. Two senders at once (the worker after a post, and `kindred digest`) never send
    the same e-mail. A sender that dies mid-batch leaves its claim, which another takes over after
    STALE_CLAIM: that batch is the one window in which a person could get an e-mail twice (or, if
    the server refused it, later); a smaller batch narrows it, at a cost in speed.
    """
    sent = 0
    total = OutgoingEmail.objects.filter(sent_at__isnull=True).count()
    if not total:
        return 0
    connection = get_connection()
    connection.open()
    try:
        while emails := _claim(batch):
            connection.send_messages([_message(email) for email in emails])
            OutgoingEmail.objects.filter(pk__in=[e.pk for e in emails]).update(sent_at=timezone.now())
            sent += len(emails)
            progress(sent, total, "")
    finally:
        connection.close()
    return sent


def _message(email: OutgoingEmail) -> EmailMessage:
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        headers={
            # RFC 2369 and RFC 8058: mail programs show an "Unsubscribe" button that POSTs to the
            # link, with no page to visit.
            "List-Unsubscribe": f"<{email.unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def outbox_send_parallel(*, senders: int, parallel_from: int = 1000, progress: Progress = no_progress) -> int:
    """Send the outbox with `senders` processes at once; returns how many were sent.

    Building each message (MIME, headers, encoding) is CPU work, about 2.7 ms an e-mail, so one
    process sends about 360 digests a second. Senders already share the outbox safely (each claims
    its own batches), so a national digest uses one sender per core. Each is a forked process with
    its own database connection; the parent's is closed first so that none is shared.
    """
    database = connections["default"]
    in_memory = database.vendor == "sqlite" and database.is_in_memory_db()
    unsent = OutgoingEmail.objects.filter(sent_at__isnull=True).count()
    if senders <= 1 or unsent < parallel_from or in_memory:
        # a few e-mails are not worth a process each; an in-memory database cannot be shared
        return outbox_send(progress=progress)
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(senders) as pool:
        return sum(pool.map(_send_in_child, range(senders)))


def _send_in_child(_index: int) -> int:
    connections.close_all()
    return outbox_send()


def digest_run(
    *,
    now: datetime | None = None,
    chunk: int = 2000,
    senders: int = 1,
    progress: Progress = no_progress,
) -> DigestSummary:
    """`kindred digest`: send what an earlier run left in the outbox, compose, send."""
    left_over = outbox_send()
    summary = digest_compose(now=now, chunk=chunk, progress=progress)
    summary.sent = left_over + outbox_send_parallel(senders=senders, progress=progress)
    return summary


def unsubscribe(*, user_id: int, kind: str) -> NotificationSettings:
    """One-click unsubscribe: digests stop, or e-mails at once stop."""
    from kindred.accounts.models import User
    from kindred.audit.services import audit

    if not User.objects.filter(pk=user_id).exists():
        raise signing.BadSignature("the person no longer exists")
    with transaction.atomic():
        row, _created = NotificationSettings.objects.select_for_update().get_or_create(user_id=user_id)
        if kind == OutgoingEmail.Kind.DIGEST:
            row.digest = NotificationSettings.Digest.NEVER
        else:
            row.email_at_once = False
        row.save(update_fields=["digest", "email_at_once"])
        audit(row.user, "board.unsubscribed", None, kind=kind)
    return row
