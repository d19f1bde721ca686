"""E-mail that one bad message never stops: single-line header values, one message sent at a time.

Two rules, both from the hardening review (issue 20, item 1):

1. **Every value that reaches a mail header is one line, by validation.** Titles of threads and
   events, people's names and anything else put in a subject is checked with `single_line` where it
   is written (model validators and the services), so "Hello\\r\\nBcc: x" is refused with a clear
   message rather than stored.
2. **One bad message is set aside with its reason and never blocks the others.** Rows written
   before the rule, or a mail server refusing one address, still happen: `message_send` sends one
   message and returns why it was refused (an empty string when the server took it), so the caller
   marks that one message and carries on. Only a failure of the connection itself (the server is
   down) is raised: then nothing more can be sent, and what is unsent stays for the next run.

Also here: `OneFileEmailBackend`, an e-mail backend that appends every message to one file (setting
`EMAIL_FILE`): the demo's e-mails, readable in one place instead of scrolling through the console.
"""

import contextlib
import logging
import re
import smtplib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.core.mail.backends.filebased import EmailBackend as FileBasedEmailBackend
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("kindred.mail")

# Everything str.splitlines() breaks at: a header folded at any of them is a second header to
# some mail program.
LINE_BREAK = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def single_line(value: Any) -> None:
    """Validator: refuse a value with a line break in it (it may end up in an e-mail's header)."""
    if isinstance(value, str) and LINE_BREAK.search(value):
        raise ValidationError(
            _("Keep this to one line: line breaks are not allowed here."), code="line_break"
        )


def one_line(value: str) -> str:
    """The value with each run of line breaks made one space (for rows stored before validation)."""
    return re.sub(f"(?:\\s*{LINE_BREAK.pattern})+\\s*", " ", value).strip()


# Refusals of one message (not of the connection): the message is set aside, the rest go on.
# BadHeaderError: a header with a line break; ValueError/UnicodeError: a header or address that
# cannot be encoded; the SMTP errors: the server refused this message's sender, recipients or data.
MESSAGE_REFUSED: tuple[type[BaseException], ...] = (
    BadHeaderError,
    ValueError,
    UnicodeError,
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


def refusal(error: BaseException) -> str:
    """The reason kept beside a message set aside: the kind of error and its text, one line."""
    return one_line(f"{type(error).__name__}: {error}")[:500]


def message_send(connection, message: EmailMessage) -> str:
    """Send one message over an open connection; '' when accepted, else why it was refused.

    A failure of the connection (SMTPServerDisconnected, OSError, ...) is raised to the caller."""
    try:
        connection.send_messages([message])
    except MESSAGE_REFUSED as error:
        return refusal(error)
    return ""


def messages_send(messages: Iterable[tuple[Any, EmailMessage]]) -> list[tuple[Any, str]]:
    """Send each (key, message) on its own over one connection; returns (key, reason) for each not sent.

    For the e-mails that are sent once, beside a change (an event's new time, its cancellation,
    an invitation): a refused message is logged with its reason, and a failed connection leaves
    every remaining message with that reason rather than failing the change that caused them."""
    failed: list[tuple[Any, str]] = []
    pending = list(messages)
    if not pending:
        return failed
    connection = get_connection()
    try:
        connection.open()
        for index, (key, message) in enumerate(pending):
            try:
                reason = message_send(connection, message)
            except (smtplib.SMTPException, OSError) as error:
                reason = refusal(error)
                failed.extend((k, reason) for k, _m in pending[index:])
                break
            if reason:
                failed.append((key, reason))
    except (smtplib.SMTPException, OSError) as error:  # could not even connect
        failed = [(key, refusal(error)) for key, _m in pending]
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    for key, reason in failed:
        logger.warning("E-mail not sent (%s): %s", key, reason)
    return failed


class OneFileEmailBackend(FileBasedEmailBackend):
    """Like Django's file-based backend, but every connection of every process appends to the same
    file, so the messages read in the order they were sent."""

    def __init__(self, *args, **kwargs):
        if not settings.EMAIL_FILE:
            raise ImproperlyConfigured("EMAIL_FILE must name the file e-mails are appended to.")
        self.email_file = Path(settings.EMAIL_FILE).resolve()
        super().__init__(*args, file_path=str(self.email_file.parent), **kwargs)

    def _get_filename(self) -> str:
        return str(self.email_file)
