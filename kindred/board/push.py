"""Web push notifications for people who turn them on, with e-mail as the fallback.

What a person gets when a post concerns them (a mention, a reply in a thread they follow:
`delivery.notify_at_once`):

- no device with push turned on: the e-mail at once, as before;
- one or more: an `OutgoingPush`, and the same e-mail written beside it but held back
  (`OutgoingEmail.awaiting_push`). `push_send` pushes to each device; when at least one took it
  the held e-mail is deleted, when none did (every push service refused, or the devices were
  gone) the e-mail is released and the outbox sends it. So the person hears once by push, or
  else once by e-mail — never neither, and never twice on one channel.

Exactly once, as the e-mail outbox does it (delivery.outbox_send): the push and its e-mail are
written in the posting transaction; a sender claims a batch in one statement (two senders never
take the same push; a dead sender's claim is taken over after `delivery.STALE_CLAIM`); each device
that takes the push is recorded at once (`delivered_to`), so a sender taking over does not push to
it again; only the one device that took the push in the instant before a sender died can get it
twice, and then it carries the same tag and topic, so the browser shows it once (the e-mail
outbox's Message-ID does the same). The decision — sent, or fallen back with the e-mail released —
is one transaction.
"""

import json
import logging
import re
import uuid
from datetime import timedelta

import requests
from django.db import transaction
from django.db.models import Q
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language_bidi, override

from kindred.audit.services import audit
from kindred.board import webpush
from kindred.board.models import OutgoingEmail, OutgoingPush, PushSubscription

logger = logging.getLogger("kindred.push")

MAX_DEVICES = 20  # one person's browsers with push on; the oldest goes when a new one comes
# A claim older than this (a sender that died) can be taken over, as in the e-mail outbox.
STALE_CLAIM = timedelta(minutes=15)


class PushRefused(ValueError):
    """A subscription the server will not keep (the reason is for the log, not for people)."""


# ----------------------------------------------------------------------------- subscriptions


def device_name(user_agent: str) -> str:
    """A short name for a browser from its User-Agent: "Firefox on Android"."""
    agent = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("SamsungBrowser", "Samsung Internet"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Chromium/", "Chromium"),
                ("Safari/", "Safari"),
            )
            if token in agent
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iPhone"),
                ("iPad", "iPad"),
                ("CrOS", "ChromeOS"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if token in agent
        ),
        "",
    )
    return " · ".join(part for part in (browser, system) if part)[:100]


@transaction.atomic
def push_subscribe(
    *, user, endpoint: str, p256dh: str, auth_secret: str, user_agent: str = ""
) -> PushSubscription:
    """Keep a browser's push subscription for `user` (the same endpoint again: its keys renewed).

    An endpoint belongs to one browser profile: if another account had it (two people taking turns
    on one computer), it moves to the one who turned push on last."""
    if not webpush.enabled():
        raise PushRefused("web push is off on this installation")
    endpoint, p256dh, auth_secret = endpoint.strip(), p256dh.strip(), auth_secret.strip()
    problem = webpush.subscription_check(endpoint=endpoint, p256dh=p256dh, auth_secret=auth_secret)
    if problem:
        raise PushRefused(problem)
    before = PushSubscription.objects.filter(endpoint=endpoint).values_list("user_id", flat=True).first()
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth_secret": auth_secret,
            "device": device_name(user_agent),
            "last_failure": "",
            "last_failure_at": None,
        },
    )
    mine = PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")
    for old in mine[MAX_DEVICES:]:
        old.delete()
    if before != user.pk:  # a new device, or one moving from another account
        audit(user, "board.push_subscribed", None, device=subscription.device)
    return subscription


@transaction.atomic
def push_unsubscribe(*, user, endpoint: str = "", device_id: int | None = None) -> int:
    """Turn push off for one of `user`'s devices (by its endpoint, or its id on the settings page);
    returns how many were removed (0: it was not theirs, or already gone)."""
    mine = PushSubscription.objects.filter(user=user)
    if device_id is not None:
        mine = mine.filter(pk=device_id)
    elif endpoint:
        mine = mine.filter(endpoint=endpoint.strip())
    else:
        return 0
    devices = list(mine.values_list("device", flat=True))
    mine.delete()
    for device in devices:
        audit(user, "board.push_unsubscribed", None, device=device)
    return len(devices)


def devices_of(user) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk"))


def wants_push(user_ids) -> set[int]:
    """The people among `user_ids` with at least one device to push to (none when push is off)."""
    if not webpush.enabled() or not user_ids:
        return set()
    return set(
        PushSubscription.objects.filter(user_id__in=list(user_ids))
        .values_list("user_id", flat=True)
        .distinct()
    )


# ----------------------------------------------------------------------------- sending


def payload(push: OutgoingPush) -> bytes:
    """What the service worker receives (kindred/core/webroot/service-worker.js)."""
    with override(push.language):
        direction = "rtl" if get_language_bidi() else "ltr"
    return json.dumps(
        {
            "title": push.title,
            "body": push.body,
            "path": push.path,
            "tag": push.tag,
            "lang": push.language,
            "dir": direction,
            "icon": static("kindred/icons/icon-192.png"),
        },
        ensure_ascii=False,
    ).encode("utf-8")


def _claim(batch: int) -> list[OutgoingPush]:
    token = uuid.uuid4().hex
    now = timezone.now()
    free = Q(sent_at__isnull=True, fell_back_at__isnull=True) & (
        Q(claim="") | Q(claimed_at__lt=now - STALE_CLAIM)
    )
    ids = list(OutgoingPush.objects.filter(free).order_by("pk").values_list("pk", flat=True)[:batch])
    OutgoingPush.objects.filter(free, pk__in=ids).update(claim=token, claimed_at=now)
    return list(
        OutgoingPush.objects.filter(claim=token, sent_at__isnull=True, fell_back_at__isnull=True).order_by(
            "pk"
        )
    )


def push_send(*, batch: int = 50) -> tuple[int, int]:
    """Send every push waiting, oldest first; returns (pushed, fallen back to e-mail).

    Run before the e-mail outbox (tasks.outbox_send, delivery.digest_run), which then sends the
    e-mails the fallen-back pushes released."""
    pushed = fell_back = 0
    with requests.Session() as session:
        while pushes := _claim(batch):
            for push in pushes:
                if _deliver(push, session=session):
                    pushed += 1
                else:
                    fell_back += 1
    return pushed, fell_back


def _deliver(push: OutgoingPush, *, session: requests.Session) -> bool:
    """Push to each of the person's devices not yet reached; then, in one transaction, mark it sent
    (and delete the held e-mail) or fallen back (and release it). True when a device took it."""
    delivered = list(push.delivered_to)
    devices = (
        []
        if not webpush.enabled()
        else list(
            PushSubscription.objects.filter(user_id=push.user_id).exclude(pk__in=delivered).order_by("pk")
        )
    )
    body = payload(push)
    for device in devices:
        outcome = webpush.push(
            endpoint=device.endpoint,
            p256dh=device.p256dh,
            auth_secret=device.auth_secret,
            payload=body,
            topic=re.sub(r"[^A-Za-z0-9_-]", "", push.tag)[:32],
            session=session,
        )
        now = timezone.now()
        if outcome.delivered:
            delivered.append(device.pk)
            OutgoingPush.objects.filter(pk=push.pk).update(delivered_to=delivered)
            PushSubscription.objects.filter(pk=device.pk).update(last_success_at=now)
        elif outcome.gone:
            logger.info("Push subscription %s is gone (%s): removed", device.pk, outcome.reason)
            device.delete()
        else:
            logger.warning("Push %s to subscription %s failed: %s", push.pk, device.pk, outcome.reason)
            PushSubscription.objects.filter(pk=device.pk).update(
                last_failure_at=now, last_failure=outcome.reason[:300]
            )
    now = timezone.now()
    held = (
        OutgoingEmail.objects.filter(pk=push.email_id)
        if push.email_id is not None
        else OutgoingEmail.objects.none()
    )
    with transaction.atomic():
        if delivered:
            OutgoingPush.objects.filter(pk=push.pk).update(sent_at=now, claim="")
            held.filter(awaiting_push=True, sent_at__isnull=True).delete()
            return True
        OutgoingPush.objects.filter(pk=push.pk).update(fell_back_at=now, claim="")
        held.update(awaiting_push=False)
        return False
