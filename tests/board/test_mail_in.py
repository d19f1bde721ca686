"""Replies by e-mail, end to end: the e-mail Kindred sent carries a reply address; a reply sent with
smtplib to a real SMTP server (`kindred mail-in --smtp`'s aiosmtpd, on a free port) is posted in
the thread as its person, quoted text stripped and attachment kept; everything else changes nothing."""

import io
import smtplib
import socket
import sys
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as modern_policy
from email.utils import parseaddr

import pytest
from django.core import mail
from django.core.management import call_command

from kindred.audit.models import AuditEvent
from kindred.board import delivery, services
from kindred.board.models import OutgoingEmail, Post
from kindred.board.reply_address import reply_address
from tests.board.conftest import PNG

pytestmark = pytest.mark.django_db(transaction=True)

DOMAIN = "reply.kindred.test"


@pytest.fixture(autouse=True)
def replies_on(settings, media_root):
    settings.REPLY_DOMAIN = DOMAIN


@pytest.fixture
def mail_in():
    """`kindred mail-in --smtp`'s server on a free port; yields (host, port)."""
    from django.db import connections

    from kindred.board.mail_server import reply_server

    connection = connections["default"]
    initializer = None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The test database lives in this thread's connection: the server's thread shares it, as
        # Django's live server does.
        connection.inc_thread_sharing()

        def initializer():
            connections["default"] = connection

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = reply_server(host="127.0.0.1", port=port, initializer=initializer)
    server.start()
    yield "127.0.0.1", port
    server.stop()
    server.handler.close()
    if initializer:
        connection.dec_thread_sharing()


def sent_reply_to(person) -> str:
    """The Reply-To of the last e-mail Kindred sent `person`."""
    delivery.outbox_send()
    messages = [m for m in mail.outbox if m.to == [person.email]]
    assert messages, f"no e-mail was sent to {person.email}"
    return messages[-1].message()["Reply-To"]


def reply(*, to: str, sender: str, text: str, **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Someone <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: Reading for pleasure"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message


QUOTED = (
    "\n\nOn Mon, 7 Dec 2026 at 09:12, Kindred <kindred@localhost> wrote:\n"
    "> New reply in “Reading for pleasure”\n>   Yann: We have one on Fridays\n"
)


def smtp_send(server, message: EmailMessage, *, envelope_from=None) -> tuple[int, str]:
    """Send `message`; (code, text) of the server's answer to its data."""
    host, port = server
    with smtplib.SMTP(host, port) as client:
        try:
            client.send_message(
                message,
                from_addr=envelope_from if envelope_from is not None else parseaddr(message["From"])[1],
            )
        except smtplib.SMTPDataError as refused:
            return refused.smtp_code, refused.smtp_error.decode()
        except smtplib.SMTPRecipientsRefused as refused:
            code, text = next(iter(refused.recipients.values()))
            return code, text.decode()
    return 250, ""


@pytest.fixture
def notified_x(thread_x, member_y, teacher_x):
    """teacher_y replies in teacher_x's thread, so teacher_x (its follower) is e-mailed at once."""
    mail.outbox.clear()
    services.post_reply(thread=thread_x, by=member_y, body="We have one on Fridays")
    return teacher_x


def test_a_reply_to_the_email_kindred_sent_is_posted_in_the_thread_as_its_person(
    mail_in, thread_x, notified_x, teacher_y
):
    address = sent_reply_to(notified_x)
    assert address.startswith("reply+") and address.endswith(f"@{DOMAIN}")
    message = reply(
        to=address,
        sender=notified_x.email.upper(),  # the case of an address does not matter
        text="Ours is on Thursdays, after school.\n\nSent from my iPhone" + QUOTED,
    )
    message.add_attachment(PNG, maintype="image", subtype="png", filename="club.png")
    mail.outbox.clear()

    assert smtp_send(mail_in, message) == (250, "")

    post = Post.objects.filter(thread=thread_x).latest("pk")
    assert post.author == notified_x
    assert post.body == "Ours is on Thursdays, after school."
    attachment = post.attachments.get()
    assert (attachment.name, attachment.content_type, attachment.size) == ("club.png", "image/png", len(PNG))
    # the same audit entry and notifications as a reply on the site
    assert AuditEvent.objects.filter(
        action="board.post_created", object_id=str(post.pk), actor=notified_x
    ).exists()
    delivery.outbox_send()
    assert [m.to for m in mail.outbox] == [[teacher_y.email]]
    assert "Ours is on Thursdays" in mail.outbox[0].body


def test_a_forged_reply_address_is_refused_and_posts_nothing(mail_in, thread_x, notified_x):
    address = sent_reply_to(notified_x)
    local, domain = address.split("@")
    forged = local[:-4] + ("0000" if not local.endswith("0000") else "1111") + "@" + domain
    count = Post.objects.count()
    code, text = smtp_send(mail_in, reply(to=forged, sender=notified_x.email, text="Hello"))
    assert code == 550 and "not one Kindred made" in text
    assert Post.objects.count() == count


def test_a_reply_address_pointed_at_another_thread_is_refused(mail_in, network_x, thread_x, notified_x):
    other = services.thread_create(network=network_x, by=notified_x, title="Other", body="Another thread")
    address = sent_reply_to(notified_x)
    user_id, thread_id, signature = address.split("@")[0].removeprefix("reply+").split("-")
    assert int(thread_id) == thread_x.pk
    moved = f"reply+{user_id}-{other.pk}-{signature}@{DOMAIN}"
    code, _text = smtp_send(mail_in, reply(to=moved, sender=notified_x.email, text="Hello"))
    assert code == 550
    assert other.posts.count() == 1


def test_a_reply_from_another_address_than_the_persons_is_refused(mail_in, thread_x, notified_x, teacher_y):
    address = sent_reply_to(notified_x)
    count = Post.objects.count()
    code, text = smtp_send(mail_in, reply(to=address, sender=teacher_y.email, text="I am not teacher X"))
    assert code == 550 and "not sent from the address" in text
    assert Post.objects.count() == count


def test_a_reply_failing_dmarc_at_the_mail_server_is_refused(mail_in, thread_x, notified_x):
    address = sent_reply_to(notified_x)
    message = reply(
        to=address,
        sender=notified_x.email,
        text="Spoofed",
        Authentication_Results="mx.kindred.test; spf=softfail smtp.mailfrom=example.org; dmarc=fail header.from=example.org",
    )
    count = Post.objects.count()
    assert smtp_send(mail_in, message)[0] == 550
    assert Post.objects.count() == count


def test_an_auto_reply_is_taken_and_dropped_without_an_answer(mail_in, thread_x, notified_x):
    address = sent_reply_to(notified_x)
    count = Post.objects.count()
    message = reply(
        to=address,
        sender=notified_x.email,
        text="I am out of the office until Monday.",
        Auto_Submitted="auto-replied",
    )
    assert smtp_send(mail_in, message) == (250, "")
    vacation = reply(to=address, sender=notified_x.email, text="Away", Precedence="bulk")
    assert smtp_send(mail_in, vacation) == (250, "")
    assert Post.objects.count() == count


def test_a_bounce_is_taken_and_dropped(mail_in, thread_x, notified_x):
    address = sent_reply_to(notified_x)
    count = Post.objects.count()
    bounce = message_from_bytes(
        (
            f"From: Mail Delivery System <MAILER-DAEMON@example.org>\r\nTo: {address}\r\n"
            "Subject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
            "--b\r\nContent-Type: text/plain\r\n\r\nThis is the mail system.\r\n"
            "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
            "Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; x@example.org\r\n"
            "Action: failed\r\n--b--\r\n"
        ).encode(),
        policy=modern_policy,
    )
    assert smtp_send(mail_in, bounce, envelope_from="") == (250, "")
    # an empty envelope sender alone marks a bounce, whatever the message says
    plain = reply(to=address, sender=notified_x.email, text="Looks like a reply")
    assert smtp_send(mail_in, plain, envelope_from="") == (250, "")
    assert Post.objects.count() == count


def test_a_person_who_left_the_network_can_no_longer_reply_by_email(
    mail_in, thread_x, network_x, school_y, member_y, school_leader_x
):
    from kindred.networks.services import membership_end

    services.post_reply(thread=thread_x, by=member_y, body="We would like to join in")  # now following
    services.post_reply(thread=thread_x, by=school_leader_x, body="Welcome, Yew Tree!")
    address = sent_reply_to(member_y)  # member_y follows the thread they wrote in
    membership_end(
        membership=network_x.memberships.get(school=school_y, left_at__isnull=True),
        reason="left",
        by=school_leader_x,
    )
    count = Post.objects.count()
    code, text = smtp_send(mail_in, reply(to=address, sender=member_y.email, text="Thanks!"))
    assert code == 550 and "members" in text
    assert Post.objects.count() == count


def test_mail_for_other_addresses_is_refused_at_rcpt(mail_in, thread_x, notified_x):
    code, _text = smtp_send(
        mail_in, reply(to="someone@elsewhere.example", sender=notified_x.email, text="Hi")
    )
    assert code == 550


def test_a_reply_with_only_quoted_text_is_refused(mail_in, thread_x, notified_x):
    address = sent_reply_to(notified_x)
    count = Post.objects.count()
    code, text = smtp_send(mail_in, reply(to=address, sender=notified_x.email, text=QUOTED))
    assert code == 550 and "nothing was written" in text
    assert Post.objects.count() == count


def test_the_pipe_reads_one_message_and_exits_as_postfix_expects(
    monkeypatch, thread_x, notified_x, teacher_y
):
    address = sent_reply_to(notified_x)

    def pipe(message: EmailMessage, *args):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(message.as_bytes())))
        call_command("mail-in", *args)

    pipe(reply(to=address, sender=notified_x.email, text="By the pipe" + QUOTED), "--recipient", address)
    assert Post.objects.filter(thread=thread_x).latest("pk").body == "By the pipe"
    with pytest.raises(SystemExit) as refused:
        pipe(reply(to=address, sender=teacher_y.email, text="Not mine"))
    assert refused.value.code == 77
    # an auto-reply exits 0: Postfix sends nothing back
    pipe(
        reply(to=address, sender=notified_x.email, text="Away", X_Autoreply="yes"),
        "--sender",
        notified_x.email,
    )
    assert Post.objects.filter(thread=thread_x).latest("pk").body == "By the pipe"


def test_a_digest_gives_each_thread_its_reply_address(
    network_x, thread_x, member_y, teacher_x, school_leader_x
):
    import time_machine
    from django.utils import timezone

    second = services.thread_create(network=network_x, by=teacher_x, title="Maths club", body="Anyone?")
    OutgoingEmail.objects.all().delete()
    with time_machine.travel(timezone.now() + delivery.SETTLE * 2):
        delivery.digest_compose()
    digest = OutgoingEmail.objects.get(user=member_y, kind=OutgoingEmail.Kind.DIGEST)
    for thread in (thread_x, second):
        assert reply_address(user_id=member_y.pk, thread_id=thread.pk) in digest.body
    assert digest.reply_to == ""  # about two threads: no single Reply-To


def test_without_a_reply_domain_emails_carry_no_reply_address(settings, thread_x, notified_x):
    settings.REPLY_DOMAIN = ""
    OutgoingEmail.objects.all().delete()
    services.post_reply(thread=thread_x, by=notified_x, body="x")  # nothing for x; y follows now
    delivery.outbox_send()
    assert all(m.message()["Reply-To"] is None for m in mail.outbox)
    assert all(e.reply_to == "" for e in OutgoingEmail.objects.all())


def test_a_reply_over_the_posting_limits_is_deferred_for_the_senders_server_to_retry(
    settings, mail_in, thread_x, notified_x
):
    address = sent_reply_to(notified_x)
    settings.BOARD_POSTS_PER_MINUTE = 1  # teacher X started the thread a moment ago
    count = Post.objects.count()
    code, _text = smtp_send(mail_in, reply(to=address, sender=notified_x.email, text="And by e-mail"))
    assert code == 451
    assert Post.objects.count() == count


def test_the_same_reply_delivered_twice_is_posted_once(mail_in, thread_x, notified_x):
    address = sent_reply_to(notified_x)
    message = reply(
        to=address, sender=notified_x.email, text="Only once, please", Message_ID="<r1@example.org>"
    )
    assert smtp_send(mail_in, message) == (250, "")
    assert smtp_send(mail_in, message) == (250, "")  # the mail server tried again
    assert Post.objects.filter(thread=thread_x, body="Only once, please").count() == 1


def test_a_reply_keeps_the_line_breaks_its_person_typed_without_breaking_lists_or_code(
    monkeypatch, thread_x, notified_x
):
    """Written as plain text, not Markdown: "Thanks" above "Jane" stays so on the page."""
    address = sent_reply_to(notified_x)
    text = "Thanks for this.\nSee you on Friday.\n\n    code, indented\n    as typed\n\n- a list\n- of two\n\nJane"
    monkeypatch.setattr(
        sys,
        "stdin",
        io.TextIOWrapper(
            io.BytesIO(reply(to=address, sender=notified_x.email, text=text + QUOTED).as_bytes())
        ),
    )
    call_command("mail-in", "--recipient", address)
    post = Post.objects.filter(thread=thread_x).latest("pk")
    assert post.body == (
        "Thanks for this.  \nSee you on Friday.\n\n    code, indented\n    as typed\n\n- a list\n- of two\n\nJane"
    )
    assert "<p>Thanks for this.<br>\nSee you on Friday.</p>" in post.html
    assert "<li>a list</li>\n<li>of two</li>" in post.html
    assert "<pre><code>code, indented\nas typed\n</code></pre>" in post.html
