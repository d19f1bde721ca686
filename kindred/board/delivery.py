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

import logging
import multiprocessing
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import connections, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, override

from kindred.accounts.models import PendingWelcome, User
from kindred.audit.services import audit
from kindred.board import push
from kindred.board.models import (
    Notification,
    NotificationSettings,
    OutgoingEmail,
    OutgoingPush,
    Post,
    PushSubscription,
    Thread,
    ThreadRead,
)
from kindred.board.rendering import excerpt
from kindred.board.reply_address import reply_address
from kindred.board.selectors import member_network_ids
from kindred.core.mail import message_send
from kindred.core.progress import Progress, Said, no_progress
from kindred.networks.access import network_member_users
from kindred.networks.models import generated_name

logger = logging.getLogger("kindred.mail")

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


def _email(*, user_id: int, to: str, kind: str, subject: str, body: str, reply_to: str = "") -> OutgoingEmail:
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
        reply_to=reply_to,
    )


def _post_lines(*, author: str, body: str, post_id: int, thread_id: int) -> str:
    link = _url(f"{reverse('board_thread', args=[thread_id])}?post={post_id}#post-{post_id}")
    return f"  {author}: {excerpt(body)}\n  {link}\n"


# ----------------------------------------------------------------------------- at once


def notify_at_once(*, post: Post, mentioned: Iterable) -> list[OutgoingEmail]:
    """Inside the posting transaction: notify the mentioned and the thread's followers.

    Returns the e-mails it put in the outbox; the posting service has them sent once it commits."""
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

    people = {u.pk: u for u in User.objects.filter(pk__in=reasons, is_active=True, deleted_at__isnull=True)}
    # Those with a device to push to are told by push, their e-mail held back as the fallback.
    pushed = push.wants_push([uid for uid in people if choices.get(uid, True)])
    notifications, emails, pushes = [], [], []
    thread = post.thread
    for user_id, reason in reasons.items():
        if user_id not in people:
            continue
        # `emailed`: told at once, by e-mail or by push (which falls back to the e-mail)
        by_email = choices.get(user_id, True)
        notifications.append(Notification(user_id=user_id, post=post, reason=reason, emailed=by_email))
        if by_email:
            email = _at_once_email(people[user_id], post=post, thread=thread, reason=reason)
            email.awaiting_push = user_id in pushed
            emails.append(email)
            if user_id in pushed:
                pushes.append(_at_once_push(people[user_id], post=post, thread=thread, reason=reason))
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    OutgoingEmail.objects.bulk_create(emails)
    if pushes:
        held = {e.user_id: e for e in emails if e.awaiting_push}  # bulk_create set their ids
        for item in pushes:
            item.email = held.get(item.user_id)
        OutgoingPush.objects.bulk_create(pushes)
    return emails


def _at_once_subject(*, post: Post, thread: Thread, reason: str) -> tuple[str, str]:
    """The author's name and the subject of an e-mail (the title of a push) at once, in the active language."""
    author = str(post.author) if post.author else _("Former member")
    if reason == Notification.Reason.MENTION:
        return author, _("%(author)s mentioned you in “%(thread)s”") % {
            "author": author,
            "thread": thread.title,
        }
    return author, _("New reply in “%(thread)s”") % {"thread": thread.title}


def _at_once_push(person: User, *, post: Post, thread: Thread, reason: str) -> OutgoingPush:
    """The push notification telling `person` of `post`, in their language: the e-mail's subject as
    its title, the post's first words as its text, the post as the page it opens."""
    language = person.language or settings.LANGUAGE_CODE
    with override(language):
        author, title = _at_once_subject(post=post, thread=thread, reason=reason)
        body = f"{author}: {excerpt(post.body)}"
    return OutgoingPush(
        user_id=person.pk,
        title=title[:300],
        body=body[:1000],
        path=post.get_absolute_url(),
        tag=f"kindred-post-{post.pk}",
        language=language,
    )


def _at_once_email(person: User, *, post: Post, thread: Thread, reason: str) -> OutgoingEmail:
    """The e-mail telling `person` of `post`, in their language (the outbox keeps the words)."""
    with override(person.language or settings.LANGUAGE_CODE):
        author, subject = _at_once_subject(post=post, thread=thread, reason=reason)
        body = _post_lines(author=author, body=post.body, post_id=post.pk, thread_id=thread.pk)
        reply_to = reply_address(user_id=person.pk, thread_id=thread.pk)
        if reply_to:
            body += "\n" + _("Reply to this e-mail to answer in the thread (write above the quoted text).")
        return _email(
            user_id=person.pk,
            to=person.email,
            kind=OutgoingEmail.Kind.AT_ONCE,
            subject=subject,
            body=body,
            reply_to=reply_to,
        )


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
    set_aside: int = 0
    pruned: int = 0
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
        progress(summary.people, total, Said(gettext_noop("%(n)d digests written"), n=summary.emails))
    return summary


def _compose_chunk(ids, *, now, bound, summary, member_network_ids) -> None:
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
    # Someone without a digest yet starts from their period, not from the board's first post (one
    # look-up per period and chunk: a first national run has 870,000 such people).
    floor = {}
    first_of: dict[str, int] = {}
    for uid, row in due.items():
        floor[uid] = row.digest_watermark
        if row.last_digest_at is None:
            if row.digest not in first_of:
                first_of[row.digest] = _first_id_since(now - DIGEST_PERIOD[row.digest])
            floor[uid] = max(floor[uid], first_of[row.digest] - 1)
    all_networks = set().union(*networks_of.values()) if networks_of else set()
    lowest = min(floor.values())
    posts_by_network: dict[int, list[dict]] = defaultdict(list)
    if all_networks and bound > lowest:
        for p in (
            Post.objects.visible()
            .filter(network_id__in=all_networks, id__gt=lowest, id__lte=bound)
            .order_by("id")
            .values(
                "id",
                "network_id",
                "thread_id",
                "author_id",
                "body",
                "thread__title",
                "network__name",
                "network__made_by",
                "network__name_params",
            )
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
    addresses = {
        pk: (email, language)
        for pk, email, language in User.objects.filter(pk__in=due).values_list("pk", "email", "language")
    }
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
            email, language = addresses[uid]
            with override(language or settings.LANGUAGE_CODE):  # in the reader's language
                outbox.append(_digest_email(uid, email, row.digest, chosen, names))
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
            # A network Kindred named is named in the reader's language, like on its pages.
            network = generated_name(p["network__made_by"], p["network__name_params"]) or p["network__name"]
            label = _("%(network)s — %(thread)s") % {
                "network": network,
                "thread": p["thread__title"],
            }
            if muted:
                label += " " + _("(muted)")
            lines.append(f"\n{label}\n")
            address = reply_address(user_id=user_id, thread_id=p["thread_id"])
            if address:
                lines.append("  " + _("Reply by e-mail: %(address)s") % {"address": address} + "\n")
        author = names.get(p["author_id"], _("Former member"))
        lines.append(_post_lines(author=author, body=p["body"], post_id=p["id"], thread_id=p["thread_id"]))
    count = len(chosen)
    if digest == NotificationSettings.Digest.WEEKLY:
        subject = ngettext("Your weekly digest: %(n)d new post", "Your weekly digest: %(n)d new posts", count)
    else:
        subject = ngettext("Your daily digest: %(n)d new post", "Your daily digest: %(n)d new posts", count)
    threads = {p["thread_id"] for _muted, p in chosen}
    return _email(
        user_id=user_id,
        to=to,
        kind=OutgoingEmail.Kind.DIGEST,
        subject=subject % {"n": count},
        body="".join(lines).strip("\n"),
        # A digest about one thread is answered like an e-mail at once; one about several carries
        # each thread's address under its heading.
        reply_to=reply_address(user_id=user_id, thread_id=threads.pop()) if len(threads) == 1 else "",
    )


# ----------------------------------------------------------------------------- the outbox


def _claim(batch: int) -> list[OutgoingEmail]:
    """Claim up to `batch` unsent e-mails for this sender, in one statement (atomic on both databases)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    free = Q(sent_at__isnull=True, failed_at__isnull=True, awaiting_push=False) & (
        Q(claim="") | Q(claimed_at__lt=now - STALE_CLAIM)
    )
    ids = OutgoingEmail.objects.filter(free).order_by("pk").values_list("pk", flat=True)[:batch]
    OutgoingEmail.objects.filter(free, pk__in=list(ids)).update(claim=token, claimed_at=now)
    return list(OutgoingEmail.objects.filter(claim=token, sent_at__isnull=True).order_by("pk"))


def outbox_send(*, batch: int = 50, progress: Progress = no_progress) -> int:
    """Send every unsent e-mail in the outbox, oldest first; returns how many this call sent.

    A sender claims a batch, sends it over one connection and marks each e-mail sent as soon as
    the server accepted it (one UPDATE each, committed at once). Two senders at once (the worker
    after a post, and `kindred digest`) never send the same e-mail. A sender that dies mid-batch
    (killed, a power cut) leaves its claim on the e-mails it had not sent, which another sender
    takes over after STALE_CLAIM: only the one e-mail the mail server accepted in the instant
    before the sender died, not yet marked, can be sent twice (the fault drill,
    benchmarks/drill_faults.py: marking the batch at its end sent up to a batch again) — with the
    same Message-ID both times (`message_id`), so mail programs show it once.

    Each e-mail is sent on its own: one the mail server (or Django, for a header with a line
    break) refuses is set aside with the reason (`failed_at`, `failure`) and the others go on. A
    failure of the connection stops the run: what was sent is marked, the rest of the batch is
    released for the next run, and the error is raised.
    """
    sent = 0
    total = OutgoingEmail.objects.filter(
        sent_at__isnull=True, failed_at__isnull=True, awaiting_push=False
    ).count()
    if not total:
        return 0
    connection = get_connection()
    connection.open()
    try:
        while emails := _claim(batch):
            done: list[int] = []
            try:
                for email in emails:
                    reason = message_send(connection, _message(email))
                    if reason:
                        _set_aside(email, reason)
                    else:
                        OutgoingEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now())
                        done.append(email.pk)
            finally:
                # on a failed connection, the rest of the batch is free for the next sender at once
                OutgoingEmail.objects.filter(
                    pk__in=[e.pk for e in emails], sent_at__isnull=True, failed_at__isnull=True
                ).update(claim="", claimed_at=None)
            sent += len(done)
            progress(sent, total, "")
    finally:
        connection.close()
    return sent


def _set_aside(email: OutgoingEmail, reason: str) -> None:
    logger.warning("Outbox e-mail %s set aside: %s", email.pk, reason)
    OutgoingEmail.objects.filter(pk=email.pk).update(failed_at=timezone.now(), failure=reason, claim="")


def outbox_set_aside(*, since: datetime | None = None) -> int:
    """How many e-mails are set aside (since a moment, for a run's report)."""
    rows = OutgoingEmail.objects.filter(failed_at__isnull=False, sent_at__isnull=True)
    if since is not None:
        rows = rows.filter(failed_at__gte=since)
    return rows.count()


@transaction.atomic
def outbox_retry(*, ids: Iterable[int], by) -> int:
    """Put e-mails that were set aside back in the outbox (after mending what was wrong)."""
    count = OutgoingEmail.objects.filter(
        pk__in=list(ids), failed_at__isnull=False, sent_at__isnull=True
    ).update(failed_at=None, failure="", claim="", claimed_at=None)
    audit(by, "board.outbox_retried", None, count=count)
    return count


def message_id(email: OutgoingEmail) -> str:
    """The e-mail's own Message-ID (RFC 5322), the same on every try: if a sender dies in the instant
    after the mail server accepted an e-mail and before it was marked sent, the copy sent again
    carries the same id, and mail programs (and Gmail, and most IMAP servers' duplicate filters)
    show the person one message. Its creation time keeps it unique should a row id be reused."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "kindred.invalid"
    stamp = int(email.created_at.timestamp() * 1_000_000)
    return f"<outbox.{email.pk}.{stamp}@{domain}>"


def _message(email: OutgoingEmail) -> EmailMessage:
    return EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={
            "Message-ID": message_id(email),
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
    started = timezone.now()
    push.push_send()  # pushes left waiting (the worker was down): sent, or their e-mails released
    left_over = outbox_send()
    summary = digest_compose(now=now, chunk=chunk, progress=progress)
    summary.sent = left_over + outbox_send_parallel(senders=senders, progress=progress)
    summary.set_aside = outbox_set_aside(since=started)
    summary.pruned = outbox_prune()
    return summary


def outbox_prune(*, now: datetime | None = None) -> int:
    """Delete e-mails sent (or set aside) more than OUTBOX_RETENTION_DAYS ago; returns how many.

    Unsent e-mails are kept whatever their age: they are still to be sent."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    old = Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, failed_at__lt=cutoff)
    deleted, _by_model = OutgoingEmail.objects.filter(old).delete()
    # Web pushes sent, or fallen back to their e-mail, likewise.
    OutgoingPush.objects.filter(Q(sent_at__lt=cutoff) | Q(fell_back_at__lt=cutoff)).delete()
    return deleted


def outbox_scrub(*, user) -> tuple[int, int]:
    """A person's account is being deleted: their e-mails, pushes and push devices go (sent or not),
    and their name and address are replaced by "Former member" in other people's e-mails and pushes
    (a mention, a digest's author).
    Returns (deleted, rewritten)."""
    deleted, _by_model = OutgoingEmail.objects.filter(user=user).delete()
    # Their browsers with push on, and the pushes to them, go too (the account row stays, anonymised).
    PushSubscription.objects.filter(user=user).delete()
    OutgoingPush.objects.filter(user=user).delete()
    former = str(_("Former member"))
    needles = [n for n in (user.full_name, user.email) if n]
    rewritten = 0
    if needles:
        mention = Q()
        for needle in needles:
            mention |= Q(subject__contains=needle) | Q(body__contains=needle)
        whole = [re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)") for needle in needles]
        for email in OutgoingEmail.objects.filter(mention).only("pk", "subject", "body"):
            subject, body = email.subject, email.body
            for pattern in whole:
                subject, body = pattern.sub(former, subject), pattern.sub(former, body)
            OutgoingEmail.objects.filter(pk=email.pk).update(subject=subject[:300], body=body)
            rewritten += 1
        # Web pushes to others that name them (a mention, a reply's author) likewise.
        named = Q()
        for needle in needles:
            named |= Q(title__contains=needle) | Q(body__contains=needle)
        for item in OutgoingPush.objects.filter(named).only("pk", "title", "body"):
            title, text = item.title, item.body
            for pattern in whole:
                title, text = pattern.sub(former, title), pattern.sub(former, text)
            OutgoingPush.objects.filter(pk=item.pk).update(title=title[:300], body=text[:1000])
    return deleted, rewritten


# ----------------------------------------------------------------------------- welcome e-mails


@dataclass
class WelcomeSummary:
    queued: int = 0  # welcome e-mails put in the outbox by this run
    skipped: int = 0  # people who had signed in already (no e-mail needed)
    pending: int = 0  # still waiting for a later run (the hour's allowance was used)
    sent: int = 0  # e-mails the outbox sent (welcomes and anything else waiting)


def welcome_send(
    *,
    now: datetime | None = None,
    per_hour: int | None = None,
    batch: int = 500,
    progress: Progress = no_progress,
) -> WelcomeSummary:
    """`kindred welcome`: welcome e-mails for people a bulk import made, at most `per_hour`
    (WELCOME_EMAILS_PER_HOUR) in any hour, then the outbox sent.

    Each person's PendingWelcome row is deleted in the transaction that puts their e-mail in the
    outbox, so a run stopped at any point resumes where it stopped, and nobody gets two (two runs at
    once: on PostgreSQL each skips the rows the other holds; on SQLite the second's write fails and
    changes nothing). Someone who has signed in already needs no welcome: their row goes, unsent.
    The e-mail carries a link to choose a password, written when the e-mail is queued (the link
    lasts PASSWORD_RESET_HOURS), in the person's language.
    """
    now = now or timezone.now()
    per_hour = settings.WELCOME_EMAILS_PER_HOUR if per_hour is None else per_hour
    summary = WelcomeSummary()
    recent = OutgoingEmail.objects.filter(
        kind=OutgoingEmail.Kind.WELCOME, created_at__gte=now - timedelta(hours=1)
    )
    allowed = max(0, per_hour - recent.count())
    while summary.queued < allowed:
        with transaction.atomic():
            pending = PendingWelcome.objects.order_by("pk").select_for_update(skip_locked=True)
            ids = list(pending.values_list("pk", flat=True)[: min(batch, allowed - summary.queued)])
            if not ids:
                break
            people = list(User.objects.filter(pk__in=ids))
            emails = []
            for user in people:
                if user.last_login is not None or user.has_usable_password() or not user.is_active:
                    summary.skipped += 1
                else:
                    emails.append(_welcome_email(user))
            OutgoingEmail.objects.bulk_create(emails)
            PendingWelcome.objects.filter(pk__in=ids).delete()
            summary.queued += len(emails)
        progress(summary.queued, allowed, gettext_noop("welcome e-mails"))
    summary.pending = PendingWelcome.objects.count()
    summary.sent = outbox_send(progress=progress)
    return summary


def _welcome_email(user: User) -> OutgoingEmail:
    with override(user.language or settings.LANGUAGE_CODE):
        link = _url(
            reverse(
                "password_reset_confirm",
                args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
            )
        )
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        body = _(
            "Hello %(name)s,\n\n"
            "An account on Kindred, where schools work together, has been made for you with this address "
            "(%(email)s).\n\n"
            "Choose your password to sign in: %(link)s\n\n"
            "The link works for %(hours)d hours. After that, ask for a new one on the sign-in page: %(reset)s"
        ) % {
            "name": user.full_name or user.email,
            "email": user.email,
            "link": link,
            "hours": hours,
            "reset": _url(reverse("password_reset")),
        }
        email = _email(user_id=user.pk, to=user.email, kind=OutgoingEmail.Kind.DIGEST, subject="", body=body)
        email.subject = _("Welcome to Kindred")
    # The one-click link stops the e-mails that follow a welcome (digests); the welcome is one e-mail.
    email.kind = OutgoingEmail.Kind.WELCOME
    return email


def unsubscribe(*, user_id: int, kind: str) -> NotificationSettings:
    """One-click unsubscribe: digests stop, or e-mails at once stop."""
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
