"""Replies by e-mail: one message in, at most one post out (`reply_receive`).

Both ways mail reaches Kindred call it: `kindred mail-in --smtp` (an SMTP server, aiosmtpd, that
the installation's mail server relays the reply domain to) and `kindred mail-in` reading one
message on standard input (a Postfix `pipe` transport). In order:

1. **Auto-replies and bounces are dropped** without a word back (so two robots never answer each
   other): an empty envelope sender (`<>`, RFC 5321 §4.5.5), `Auto-Submitted` other than "no"
   (RFC 3834), `Precedence: bulk|junk|list|auto_reply`, `X-Autoreply`/`X-Autorespond`, a
   `List-Id`, a delivery or read report (`multipart/report`), or a From of MAILER-DAEMON or
   postmaster.
2. **The address**: a reply address (kindred.board.reply_address) whose signature is right names
   the person and the thread; a forged or altered one is refused.
3. **The sender**: the From address must be the person's e-mail address as Kindred has it now
   (compared without regard to case), and the message must not be marked as failing
   authentication: an `Authentication-Results` header (RFC 8601) with `dmarc=fail`, `dkim=fail`
   or `spf=fail`, or `Received-SPF: fail`, refuses it. Kindred checks no signature itself: those
   results are the receiving mail server's (OpenDKIM, OpenDMARC, rspamd), so what is verified is
   "the address only that person was sent, from their own address, not failing the checks their
   domain publishes". A header claiming "pass" is never trusted (anyone can write one); a
   "fail" is, since it can only refuse the message it is in. Without such a mail server in front,
   From is taken as written: docs/deploying.md says so.
4. **The text**: the plain-text part (or the HTML part made text), then the quoted message,
   quoted lines and signature removed (kindred.board.quotes); nothing left is refused. It was
   written as plain text, so its line breaks are kept as Markdown hard breaks
   (kindred.board.rendering.line_breaks_kept) before it is stored.
5. **Attachments** (parts sent as attachments, not images embedded in an HTML signature) go
   through the board's own rules (kindred.core.attachments: type by content, size); one refused
   is left out and logged, the rest of the reply is posted.
6. **Once**: a message whose Message-ID was posted already (its mail server tried again after
   Kindred's answer was lost) is dropped; the Message-ID is kept beside the post (`InboundReply`).
7. **Posting** is `kindred.board.services.post_reply` as that person: the same permission check
   (still a member of the network, the network not closed), limits, audit entry
   (`board.post_created`) and notifications as a reply typed on the site. Someone who has left the
   network since the e-mail was sent is refused there; someone over their posting limits is
   deferred (the sender's mail server tries again later).

Anything refused changes nothing and is logged (logger `kindred.mail`, at INFO for dropped
robots, WARNING for refusals); the outcome tells the caller what to answer (`Received`).
"""

import enum
import logging
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as modern_policy
from email.utils import getaddresses, parseaddr
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from kindred.accounts.models import User
from kindred.board import quotes
from kindred.board.models import InboundReply, Post, Thread
from kindred.board.rendering import line_breaks_kept
from kindred.board.reply_address import is_reply_address, reply_token_read
from kindred.board.services import MAX_ATTACHMENTS, post_reply
from kindred.core import attachments as attachment_checks

logger = logging.getLogger("kindred.mail")


class Outcome(enum.StrEnum):
    POSTED = "posted"
    # an auto-reply or a bounce: dropped, never answered
    IGNORED = "ignored"
    # a message that cannot be posted: nothing changed; the SMTP server says why in its answer
    REFUSED = "refused"
    # over the person's posting limits for now: nothing changed; the sender's server tries again later
    DEFERRED = "deferred"


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    reason: str = ""
    post: Post | None = None


_ROBOT_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_ROBOT_SENDERS = {"mailer-daemon", "postmaster"}
_AUTH_FAIL = re.compile(r"\b(?:dmarc|dkim|spf)\s*=\s*fail\b", re.IGNORECASE)


def _robot(message: EmailMessage, sender: str | None) -> str:
    """Why the message is an auto-reply or a bounce, or ''."""
    if sender is not None and sender.strip("<> ") == "":
        return "empty envelope sender (a bounce)"
    submitted = str(message.get("Auto-Submitted", "")).strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    if str(message.get("Precedence", "")).strip().lower() in _ROBOT_PRECEDENCE:
        return f"Precedence: {message.get('Precedence')}"
    for header in ("X-Autoreply", "X-Autorespond", "List-Id"):
        if message.get(header) is not None:
            return f"{header} header"
    if message.get_content_type() == "multipart/report":
        return "a delivery or read report"
    local = parseaddr(str(message.get("From", "")))[1].rpartition("@")[0].lower()
    if local in _ROBOT_SENDERS:
        return f"sent by {local}"
    return ""


def _failed_authentication(message: EmailMessage) -> str:
    for value in message.get_all("Authentication-Results", []):
        if found := _AUTH_FAIL.search(str(value)):
            return f"Authentication-Results: {found[0]}"
    for value in message.get_all("Received-SPF", []):
        if str(value).strip().lower().startswith("fail"):
            return "Received-SPF: fail"
    return ""


def _reply_addresses(message: EmailMessage, recipients: list[str]) -> list[str]:
    """The reply addresses the message was sent to: the envelope's when known, else its headers'."""
    found = [r for r in recipients if is_reply_address(r)]
    if not found:
        headers: list[str] = []
        for name in ("Delivered-To", "X-Original-To", "To", "Cc"):
            headers.extend(str(v) for v in message.get_all(name, []))
        found = [address for _name, address in getaddresses(headers) if is_reply_address(address)]
    return list(dict.fromkeys(a.lower() for a in found))


def _text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if part.get_content_type() == "text/html":
        content = quotes.html_text(content)
    # Written as plain text, not Markdown: its line breaks are kept ("Thanks" above "Jane").
    return line_breaks_kept(quotes.reply_text(content))


def _attachments(message: EmailMessage) -> list[SimpleUploadedFile]:
    """The files attached (not embedded images), each checked by the board's rules; refused ones left out."""
    kept: list[SimpleUploadedFile] = []
    for part in message.iter_attachments():
        if part.get_content_disposition() != "attachment" and (
            part.get("Content-ID") or part.get_content_maintype() == "text"
        ):
            continue  # an image an HTML body shows (a logo in a signature), or a text part
        if part.get_content_maintype() in ("multipart", "message"):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        name = PurePath(part.get_filename() or "attachment").name.replace("\x00", "")[:200] or "attachment"
        upload = SimpleUploadedFile(name, data, content_type=part.get_content_type())
        try:
            attachment_checks.check(upload, limit=settings.BOARD_ATTACHMENT_MAX_BYTES)
        except ValidationError as refused:
            logger.warning("Reply by e-mail: attachment %r left out: %s", name, "; ".join(refused.messages))
            continue
        kept.append(upload)
    return kept[:MAX_ATTACHMENTS]


def _refused(reason: str, **context) -> Received:
    """Refuse, logging the reason with its context; the reason alone may go back to the sender."""
    details = ", ".join(f"{key} {value}" for key, value in context.items())
    logger.warning("Reply by e-mail refused: %s%s", reason, f" ({details})" if details else "")
    return Received(Outcome.REFUSED, reason)


def reply_receive(*, raw: bytes, sender: str | None = None, recipients: list[str] | None = None) -> Received:
    """Post the reply in `raw` (an RFC 5322 message) as the person its reply address names.

    `sender` is the envelope sender (MAIL FROM) and `recipients` the envelope recipients, when the
    caller knows them (the SMTP server does; a pipe is given them by the mail server)."""
    message = message_from_bytes(raw, policy=modern_policy)
    assert isinstance(message, EmailMessage)
    if robot := _robot(message, sender):
        logger.info("Reply by e-mail ignored: %s", robot)
        return Received(Outcome.IGNORED, robot)
    addresses = _reply_addresses(message, recipients or [])
    if not addresses:
        return _refused("not sent to a reply address")
    if len(addresses) > 1:
        return _refused("sent to several reply addresses at once")
    token = reply_token_read(addresses[0])
    if token is None:
        return _refused("the reply address is not one Kindred made", address=addresses[0])
    user_id, thread_id = token
    person = User.objects.filter(pk=user_id, is_active=True, deleted_at__isnull=True).first()
    if person is None:
        return _refused("the person has no account any more", person=user_id)
    senders = [address for _name, address in getaddresses([str(v) for v in message.get_all("From", [])])]
    if len(senders) != 1 or senders[0].casefold() != person.email.casefold():
        return _refused(
            "it was not sent from the address Kindred wrote to", person=user_id, sender=", ".join(senders)
        )
    if failed := _failed_authentication(message):
        return _refused("the message failed the sender's authentication checks", person=user_id, why=failed)
    thread = Thread.objects.select_related("network").filter(pk=thread_id).first()
    if thread is None:
        return _refused("the thread no longer exists", thread=thread_id)
    message_id = str(message.get("Message-ID", "")).strip()[:500]
    if message_id and InboundReply.objects.filter(message_id=message_id).exists():
        logger.info("Reply by e-mail ignored: %s was posted already", message_id)
        return Received(Outcome.IGNORED, "posted already")
    body = _text(message)
    if not body:
        return _refused("nothing was written above the quoted text", person=user_id, thread=thread_id)
    try:
        with transaction.atomic():
            post = post_reply(thread=thread, by=person, body=body, files=_attachments(message))
            if message_id:
                InboundReply.objects.create(message_id=message_id, post=post)
    except IntegrityError:
        if not InboundReply.objects.filter(message_id=message_id).exists():
            raise
        # the same message delivered twice at once: the other copy was posted
        logger.info("Reply by e-mail ignored: %s was posted already", message_id)
        return Received(Outcome.IGNORED, "posted already")
    except ValidationError as refused:
        text = "; ".join(refused.messages)
        if any(error.code == "rate_limited" for error in refused.error_list):
            logger.info("Reply by e-mail deferred: %s (person %s, thread %s)", text, user_id, thread_id)
            return Received(Outcome.DEFERRED, text)
        return _refused(text, person=user_id, thread=thread_id)
    except PermissionDenied as refused:
        return _refused(str(refused), person=user_id, thread=thread_id)
    logger.info("Reply by e-mail posted: post %s by person %s in thread %s", post.pk, user_id, thread_id)
    return Received(Outcome.POSTED, post=post)
