"""Several sender processes share the outbox: every e-mail goes out exactly once."""

import os

import pytest
from django.core.mail.backends.filebased import EmailBackend
from django.db import connection

from kindred.accounts.models import User
from kindred.board import delivery
from kindred.board.models import OutgoingEmail

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="forked senders need a database other processes can open (the SQLite test database is in memory)",
)


class FilePerProcess(EmailBackend):
    """Django's file backend names its file by the second and `id(self)`, which two forked senders
    share (the same memory layout): both appended to one file. This one names it by process too."""

    def _get_filename(self):
        if self._fname is None:
            self._fname = os.path.join(self.file_path, f"{os.getpid()}-{abs(id(self))}.log")
        return self._fname


@pytest.mark.django_db(transaction=True)
def test_two_senders_send_every_email_exactly_once(settings, tmp_path):
    settings.EMAIL_BACKEND = "tests.board.test_parallel_senders.FilePerProcess"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    person = User.objects.create_user(
        email="reader@example.org", password="x-long-enough-1", full_name="Reader"
    )
    OutgoingEmail.objects.bulk_create(
        OutgoingEmail(
            user=person,
            kind="digest",
            to=f"reader+{i}@example.org",
            subject=f"Digest {i}",
            body="Unread posts",
            unsubscribe_url="https://kindred.example.org/u/",
        )
        for i in range(600)
    )

    sent = delivery.outbox_send_parallel(senders=2, parallel_from=100)

    assert sent == 600
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()
    written = "".join(path.read_text() for path in tmp_path.iterdir())
    recipients = [line.removeprefix("To: ") for line in written.splitlines() if line.startswith("To: ")]
    assert sorted(recipients) == sorted(f"reader+{i}@example.org" for i in range(600))
    # two processes really shared the work: each wrote its own files
    assert len({path.name.split("-")[0] for path in tmp_path.iterdir()}) == 2
