"""Each outbox e-mail is marked sent the moment the mail server accepted it, not at the end of its
batch: a sender killed mid-batch (SIGKILL, a power cut: no clean-up runs) leaves every e-mail it
had sent marked, so the sender that takes its claim over sends none of them again (issue #26's
fault drill, benchmarks/drill_faults.py, does it with a real kill and a real SMTP server).
"""

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from kindred.board.delivery import outbox_send
from kindred.board.models import OutgoingEmail

pytestmark = pytest.mark.django_db


class MarkedBeforeEachSend(locmem.EmailBackend):
    """Django's in-memory backend, noting how many e-mails the outbox shows sent as each one goes:
    what a sender killed at that moment would leave behind."""

    marked: list[int] = []

    def send_messages(self, messages):
        MarkedBeforeEachSend.marked.append(OutgoingEmail.objects.filter(sent_at__isnull=False).count())
        return super().send_messages(messages)


def digests_queue(person, count: int) -> list[OutgoingEmail]:
    """`count` digests waiting in the outbox for `person`, subjects "Digest 0", "Digest 1", ..."""
    return [
        OutgoingEmail.objects.create(
            user=person,
            kind=OutgoingEmail.Kind.DIGEST,
            to=person.email,
            subject=f"Digest {i}",
            body="Unread posts",
            unsubscribe_url="https://kindred.example/unsubscribe/",
        )
        for i in range(count)
    ]


def test_each_email_is_marked_sent_before_the_next_one_goes(settings, teacher_x):
    settings.EMAIL_BACKEND = f"{__name__}.MarkedBeforeEachSend"
    MarkedBeforeEachSend.marked = []
    digests_queue(teacher_x, 4)
    assert outbox_send(batch=50) == 4
    assert MarkedBeforeEachSend.marked == [0, 1, 2, 3]
    assert [m.subject for m in mail.outbox] == ["Digest 0", "Digest 1", "Digest 2", "Digest 3"]
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


class DiesAfterTheServerAccepts(locmem.EmailBackend):
    """The mail server accepts the e-mail, and the sender dies before marking it sent."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise SystemExit("killed")


def test_an_email_sent_again_after_a_sender_died_carries_the_same_message_id(settings, teacher_x):
    """Exactly once cannot be promised over SMTP (the server may accept an e-mail in the instant the
    sender dies); what can be: the copy sent again is the same message (one Message-ID), which mail
    programs show once. Different e-mails never share an id."""
    settings.DEFAULT_FROM_EMAIL = "Kindred <kindred@schools.example.org>"
    emails = digests_queue(teacher_x, 2)
    settings.EMAIL_BACKEND = f"{__name__}.DiesAfterTheServerAccepts"
    with pytest.raises(SystemExit):
        outbox_send(batch=50)
    first_try = mail.outbox[-1]
    # the dead sender's claim lapses; the next sender takes the e-mail over and sends it again
    OutgoingEmail.objects.update(claim="", claimed_at=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_send(batch=50) == 2
    again, other = mail.outbox[-2:]
    assert again.subject == first_try.subject == "Digest 0"
    assert again.extra_headers["Message-ID"] == first_try.extra_headers["Message-ID"]
    assert again.message()["Message-ID"] == first_try.message()["Message-ID"]
    assert other.message()["Message-ID"] != again.message()["Message-ID"]
    assert again.message()["Message-ID"].startswith(f"<outbox.{emails[0].pk}.")
    assert again.message()["Message-ID"].endswith("@schools.example.org>")
