"""In a real browser: a member posts, another replies, the unread badge updates, a mention
reaches its person, and the digest e-mail arrives once through a real SMTP server (aiosmtpd);
the board's pages have no serious or critical accessibility violation (axe-core)."""

import re
import socket
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as modern_policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.axe import serious_violations
from tests.browser.navigation import navigate
from tests.browser.test_network_flow import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=modern_policy))
        )
        return "250 OK"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


@pytest.fixture
def smtp(settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    # Sending the outbox after a post runs in the request's thread, as a queue-less installation does.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    yield inbox
    controller.stop()


def body_of(message) -> str:
    return message.get_content()


def test_members_post_and_reply_the_badge_updates_a_mention_arrives_and_the_digest_comes_once(
    page, smtp, network_x, teacher_x, school_admin_x, school_leader_x
):
    from kindred.board import delivery

    school_admin_x.full_name = "Olive Office"
    school_admin_x.save()
    violations = []

    # A teacher starts a thread from the navigation, mentioning a colleague.
    sign_in(page, teacher_x.email)
    navigate(page, "Messageboards")
    violations += serious_violations(page)
    page.get_by_role("link", name="Xavier Learning Community").click()
    violations += serious_violations(page)
    page.get_by_role("link", name="Start a thread").click()
    violations += serious_violations(page)
    page.get_by_label("Title").fill("Phonics schemes")
    page.get_by_label("Message").fill("Which scheme do you use? @**Olive Office** you tried two, I think.")
    page.get_by_role("button", name="Post the thread").click()
    expect(page.get_by_role("heading", name="Phonics schemes")).to_be_visible()
    violations += serious_violations(page)
    sign_out(page)

    # The mention reached its person by e-mail, once, with a one-click unsubscribe header.
    (mention,) = smtp.to(school_admin_x.email)
    assert "mentioned you" in mention["Subject"]
    assert mention["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The colleague sees an unread badge and the mention in their notifications, and replies.
    sign_in(page, school_admin_x.email)
    navigate(page, "Messageboards")
    assert page.locator("[data-unread]").first.inner_text() == "1 unread"
    page.goto("/board/notifications/")
    violations += serious_violations(page)
    page.get_by_role("link", name="Phonics schemes").click()
    expect(page.get_by_text("you tried two")).to_be_visible()
    page.get_by_label("Message").fill("We use the one with the **decodable books**.")
    page.get_by_role("button", name="Post the reply").click()
    expect(page.locator("strong", has_text="decodable books")).to_be_visible()
    navigate(page, "Messageboards")
    assert page.locator("[data-unread]").count() == 0  # the badge is gone once read
    page.goto("/board/search/?q=decodable")
    expect(page.get_by_role("link", name="Phonics schemes")).to_be_visible()
    violations += serious_violations(page)
    page.goto("/board/notifications/settings/")
    violations += serious_violations(page)
    sign_out(page)

    # The teacher follows their own thread: the reply reached them at once.
    (reply,) = smtp.to(teacher_x.email)
    assert "New reply" in reply["Subject"] and "decodable books" in body_of(reply)

    # The coordinator read nothing: the next morning's digest brings both posts, once.
    with time_machine.travel(timezone.now() + timedelta(hours=20), tick=False):
        delivery.digest_run()
        delivery.digest_run()  # a second run the same morning sends nothing more
    (digest,) = smtp.to(school_leader_x.email)
    text = body_of(digest)
    assert "Which scheme do you use?" in text and "decodable books" in text
    assert re.search(r"digest: 2 new posts", digest["Subject"])
    # The mention and the reply were e-mailed at once, so no digest repeats them to their people.
    assert len(smtp.to(school_admin_x.email)) == 1 and len(smtp.to(teacher_x.email)) == 1

    # The coordinator's board page, with its moderation controls, is accessible too.
    sign_in(page, school_leader_x.email)
    page.goto(f"/board/networks/{network_x.pk}/")
    violations += serious_violations(page)
    page.get_by_role("link", name="Phonics schemes").click()
    violations += serious_violations(page)
    assert violations == []
