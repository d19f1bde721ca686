"""Several sender processes share the outbox: every e-mail goes out exactly once."""

import pytest
from django.db import connection

from kindred.accounts.models import User
from kindred.board import delivery
from kindred.board.models import OutgoingEmail

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="forked senders need a database other processes can open (the SQLite test database is in memory)",
)


@pytest.mark.django_db(transaction=True)
def test_two_senders_send_every_email_exactly_once(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
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
    assert len(list(tmp_path.iterdir())) >= 2
