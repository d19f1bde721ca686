"""`kindred mail-in --smtp`: an SMTP server (aiosmtpd) that hands each reply to `mail_in.reply_receive`.

Meant to listen on a local port behind the installation's mail server (Postfix relays the reply
domain to it: docs/deploying.md), which does TLS, spam and authentication checks. It takes mail
for reply addresses only (anything else is refused at RCPT TO, so it never relays) and answers:

- 250 when the reply was posted, and when it was an auto-reply or a bounce (taken and dropped,
  so no robot is ever answered and nothing loops);
- 550 with the reason when it cannot be posted: the sending mail server then tells the sender,
  once, in its own bounce (to the envelope sender, never to an empty one);
- 451 when the person is over their posting limits (BOARD_POSTS_PER_MINUTE, _PER_HOUR) or
  something went wrong on Kindred's side (the database is down): the mail server tries again later.

The service is synchronous Django code, so it runs in one worker thread beside aiosmtpd's event
loop, with its database connection handled as for a request (closed when too old or broken).
"""

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import close_old_connections, connections

from kindred.board.mail_in import Outcome, Received, reply_receive
from kindred.board.reply_address import is_reply_address
from kindred.board.services import MAX_ATTACHMENTS

logger = logging.getLogger("kindred.mail")


def size_limit() -> int:
    """The largest message taken: every attachment at its largest, base64-encoded, and the text."""
    return MAX_ATTACHMENTS * settings.BOARD_ATTACHMENT_MAX_BYTES * 4 // 3 + 1024 * 1024


def smtp_answer(received: Received) -> str:
    if received.outcome == Outcome.DEFERRED:
        return "451 4.7.1 Too many posts from this person just now; try again later"
    if received.outcome == Outcome.REFUSED:
        reason = " ".join(received.reason.split()).encode("ascii", "replace").decode()[:400]
        return f"550 5.7.1 Kindred could not post this reply: {reason}"
    return "250 2.0.0 OK"


class ReplyHandler:
    """aiosmtpd's handler: reply addresses only, each message to the service in a worker thread."""

    def __init__(self, *, initializer: Callable[[], None] | None = None):
        self.executor = ThreadPoolExecutor(max_workers=1, initializer=initializer)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if not is_reply_address(address):
            return "550 5.1.1 Not a reply address of this Kindred"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        try:
            received = await loop.run_in_executor(
                self.executor, self._receive, envelope.content, envelope.mail_from, list(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("Reply by e-mail: could not be handled now; the sender's server will retry")
            return "451 4.3.0 Try again later"
        return smtp_answer(received)

    @staticmethod
    def _receive(content: bytes, sender: str, recipients: list[str]) -> Received:
        close_old_connections()
        try:
            return reply_receive(raw=content, sender=sender, recipients=recipients)
        finally:
            close_old_connections()

    def close(self) -> None:
        """Close the worker thread's database connection (kept for CONN_MAX_AGE), then the thread."""
        self.executor.submit(connections.close_all).result()
        self.executor.shutdown(wait=True)


def reply_server(*, host: str, port: int, initializer: Callable[[], None] | None = None) -> Controller:
    """An SMTP server for replies on host:port, not started (`.start()`, `.stop()`)."""
    return Controller(
        ReplyHandler(initializer=initializer),
        hostname=host,
        port=port,
        data_size_limit=size_limit(),
        enable_SMTPUTF8=True,
        ident="Kindred mail-in",
    )
