"""`kindred mail-in`: replies by e-mail into the threads they answer (docs/deploying.md, "Replies by e-mail").

Two ways, one service (kindred.board.mail_in.reply_receive):

    kindred mail-in --smtp [--host 127.0.0.1] [--port 8025]   # an SMTP server the mail server relays to
    kindred mail-in --sender "$SENDER" --recipient "$RECIPIENT" < message   # one message (Postfix pipe)

Reading one message, the exit status is what Postfix's pipe transport expects (sysexits.h): 0 when
the reply was posted or was an auto-reply or a bounce (dropped), 77 (EX_NOPERM) with the reason on
stderr when it cannot be posted (Postfix bounces it to the sender, once), 75 (EX_TEMPFAIL) when
Kindred could not handle it now or the person is over their posting limits (Postfix tries again later).
"""

import signal
import sys
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from kindred.board.mail_in import Outcome, reply_receive
from kindred.board.mail_server import reply_server

EX_TEMPFAIL = 75
EX_NOPERM = 77


class Command(BaseCommand):
    help = "Post replies by e-mail: run an SMTP server for them (--smtp), or read one message on stdin."

    def add_arguments(self, parser):
        parser.add_argument("--smtp", action="store_true", help="Run an SMTP server for replies.")
        parser.add_argument(
            "--host", default="127.0.0.1", help="The address it listens on (default 127.0.0.1)."
        )
        parser.add_argument("--port", type=int, default=8025, help="The port it listens on (default 8025).")
        parser.add_argument(
            "--sender", help="The envelope sender of the message on stdin (Postfix: ${sender})."
        )
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="Its envelope recipient (Postfix: ${recipient}); without it, the To, Cc and Delivered-To headers.",
        )

    def handle(self, *args, smtp: bool, host: str, port: int, sender, recipient, **options):
        if smtp:
            self._serve(host, port)
            return
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            raise CommandError("No message on standard input.")
        try:
            received = reply_receive(raw=raw, sender=sender, recipients=recipient)
        except DatabaseError as error:
            self.stderr.write(f"Kindred cannot take the reply now: {error}")
            sys.exit(EX_TEMPFAIL)
        if received.outcome == Outcome.DEFERRED:
            self.stderr.write(f"Kindred will take this reply later: {received.reason}")
            sys.exit(EX_TEMPFAIL)
        if received.outcome == Outcome.REFUSED:
            self.stderr.write(f"Kindred could not post this reply: {received.reason}")
            sys.exit(EX_NOPERM)
        if options["verbosity"] > 1:
            self.stdout.write(received.outcome)

    def _serve(self, host: str, port: int) -> None:
        server = reply_server(host=host, port=port)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        server.start()
        self.stdout.write(f"Taking replies by e-mail on {host}:{port} (Ctrl-C or SIGTERM stops).")
        self.stdout.flush()  # to the journal now, not when the buffer fills
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
            server.handler.close()
