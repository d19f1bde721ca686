"""A network's messageboard: threads, posts, attachments, reports, read state and notifications.

Read state is one watermark per person and thread (`ThreadRead.last_read_post_id`): post ids grow
with time, so "unread" is "a visible post by someone else with a larger id". That keeps the state
exact and small (one row per thread a person opened, not one per post), as Discourse's
`topic_users.last_read_post_number` does. Digests use the same idea per person
(`NotificationSettings.digest_watermark`); see `kindred/board/delivery.py`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kindred.core.mail import single_line


class Thread(models.Model):
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A pinned announcement stays at the top of the board.
    pinned = models.BooleanField(_("pinned announcement"), default=False)
    # Kept by the services so the board lists threads without counting posts.
    last_post_at = models.DateTimeField(null=True)
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["network", "-pinned", "-last_post_at"], name="thread_board_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("board_thread", args=[self.pk])


class PostQuerySet(models.QuerySet):
    def visible(self):
        """Posts a reader sees in full: neither deleted by their author nor hidden by a coordinator."""
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)


class Post(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    # The thread's network, repeated so unread counts and search filter on one table.
    network = models.ForeignKey("networks.Network", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="board_posts"
    )
    body = models.TextField(_("message"))
    # The Markdown rendered and sanitised once, at write time (kindred.board.rendering).
    html = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["thread", "id"], name="post_thread_order"),
            models.Index(fields=["network", "id"], name="post_network_order"),
        ]

    def __str__(self) -> str:
        return f"{self.thread} #{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('board_thread', args=[self.thread_id])}?post={self.pk}#post-{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.deleted_at is None and self.hidden_at is None


class Attachment(models.Model):
    """A file on a post; its type was found from its content (kindred.board.attachments)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="board/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("board_attachment", args=[self.pk])


class InboundReply(models.Model):
    """A reply by e-mail that was posted, by its Message-ID: a message delivered twice (a mail server
    trying again after Kindred's answer was lost) is posted once (kindred.board.mail_in)."""

    message_id = models.CharField(max_length=500)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_id"], name="inboundreply_once_per_message"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.post_id}"


class PostReport(models.Model):
    """Someone telling the coordinators that a post needs their attention."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "reported_by"], name="postreport_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.post}: {self.reason[:40]}"


class ThreadRead(models.Model):
    """How far a person has read a thread, and whether they follow or mute it."""

    class Level(models.TextChoices):
        NORMAL = "normal", _("Normal: in the digest and the unread counts")
        FOLLOWING = "following", _("Following: an e-mail at once for every reply")
        MUTED = "muted", _("Muted: no e-mail at once, not in the unread counts")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_post_id = models.BigIntegerField(default=0)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.NORMAL)
    visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="threadread_one_per_person"),
        ]
        indexes = [models.Index(fields=["thread", "level"], name="threadread_followers")]

    def __str__(self) -> str:
        return f"{self.user} read {self.thread} to #{self.last_read_post_id}"


class Notification(models.Model):
    """A post that concerns one person in particular (a mention, a reply in a followed thread).

    At most one per person and post, whatever the reasons: that is what makes "exactly once" hold.
    """

    class Reason(models.TextChoices):
        MENTION = "mention", _("mentioned you")
        REPLY = "reply", _("replied in a thread you follow")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_notifications"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the post went out in an e-mail of its own; the digest then leaves it out.
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="notification_one_per_person_and_post"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_reason_display()} ({self.post_id})"


class NotificationSettings(models.Model):
    """One person's e-mail choices, and how far their digests have gone."""

    class Digest(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        NEVER = "never", _("Never (read on the site)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_settings"
    )
    email_at_once = models.BooleanField(
        _("e-mail me at once when I am mentioned or someone replies in a thread I follow"), default=True
    )
    digest = models.CharField(
        _("digest of unread posts"), max_length=8, choices=Digest.choices, default=Digest.DAILY
    )
    # A muted thread is quiet, mentions included (they wait for the digest), unless this is on.
    mentions_in_muted_threads = models.BooleanField(
        _("tell me at once when someone mentions me in a thread I muted"), default=False
    )
    # The largest post id that a digest to this person has covered.
    digest_watermark = models.BigIntegerField(default=0)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"{self.user}: {self.digest}"


class OutgoingEmail(models.Model):
    """An e-mail written in the same transaction as the state that caused it, sent afterwards.

    A crash after the commit leaves it unsent, and the next `kindred digest` (or the worker)
    sends it; a crash before the commit leaves neither the e-mail nor the state change.
    """

    class Kind(models.TextChoices):
        AT_ONCE = "at_once", _("At once")
        DIGEST = "digest", _("Digest")
        WELCOME = "welcome", _("Welcome")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    unsubscribe_url = models.URLField(max_length=500)
    # The e-mail's Reply-To: the person's reply address for the thread it is about (empty when it
    # is about several threads or replies by e-mail are off; kindred.board.mail_in).
    reply_to = models.CharField(max_length=254, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # A sender claims a batch before sending it, so two senders never send the same e-mail; a
    # claim older than delivery.STALE_CLAIM (a sender that died) can be taken over.
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set aside: the message itself was refused (a header with a line break, an address the mail
    # server will not take); kept with the reason, never tried again by itself, so it blocks
    # nobody else's e-mail. The admin's "Send again" clears it (kindred.core.mail).
    failed_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=500, blank=True, default="")
    # Held back while a web push tells the person the same thing (kindred.board.push): deleted when
    # one of their devices took the push, released to be sent when none did (the fallback).
    awaiting_push = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outgoingemail_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}: {self.subject}"


class PushSubscription(models.Model):
    """One browser (a device) where a person turned web push notifications on (kindred.board.push).

    The endpoint is the push service's address for that browser; `p256dh` (its public key) and
    `auth_secret` are what the payload is encrypted to (RFC 8291). Removed when the person turns it
    off and when the push service answers 404 or 410 (the browser unsubscribed or went away)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=200)
    auth_secret = models.CharField(max_length=100)
    # A short description of the browser, from its User-Agent ("Firefox on Android"), for the list
    # of devices on the settings page.
    device = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_failure = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint"], name="pushsubscription_one_per_endpoint"),
        ]
        indexes = [models.Index(fields=["user"], name="pushsubscription_person")]

    def __str__(self) -> str:
        return f"{self.user}: {self.device or self.endpoint[:40]}"


class OutgoingPush(models.Model):
    """A web push written in the same transaction as the notification it carries, sent afterwards
    to each of the person's devices by the same claim-and-mark rules as the e-mail outbox.

    It holds its fallback e-mail (`email`, with `awaiting_push`): when a device took the push the
    e-mail is deleted; when none did, it is released and goes as before."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The words, in the person's language when it was written, like the e-mail outbox's.
    title = models.CharField(max_length=300)
    body = models.CharField(max_length=1000)
    # A path on the site (the service worker opens it on its own origin) and the notification's tag:
    # a push sent twice (a sender that died after a device took it) replaces itself on the device.
    path = models.CharField(max_length=500)
    tag = models.CharField(max_length=100)
    language = models.CharField(max_length=10)
    email = models.OneToOneField(
        OutgoingEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="push"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    claim = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The devices (PushSubscription ids) that took it so far, each added the moment it did, so a
    # sender taking over a dead one's claim does not push to them again.
    delivered_to = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # at least one device took it
    fell_back_at = models.DateTimeField(null=True, blank=True)  # none did: the e-mail went instead

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                condition=Q(sent_at__isnull=True, fell_back_at__isnull=True),
                name="outgoingpush_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"push to {self.user_id}: {self.title}"
