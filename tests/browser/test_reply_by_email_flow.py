"""In a real browser: a teacher answers a reply from their mail program, and the answer is in the
thread when they look — sent with smtplib to `kindred mail-in --smtp`'s server, at the Reply-To of
the e-mail Kindred sent them (issue 23 item 7's proof)."""

import pytest
from playwright.sync_api import expect

from kindred.board import services
from tests.board.conftest import PNG
from tests.board.test_mail_in import QUOTED, reply, sent_reply_to, smtp_send
from tests.browser.axe import serious_violations
from tests.browser.test_network_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reply_by_email_appears_in_the_thread(
    page, settings, tmp_path, mail_in, thread_x, member_y, teacher_x
):
    settings.REPLY_DOMAIN = "reply.kindred.test"
    settings.MEDIA_ROOT = tmp_path / "media"
    teacher_x.full_name = "Tess Teacher"
    teacher_x.save()
    services.post_reply(thread=thread_x, by=member_y, body="We have one on Fridays")

    message = reply(
        to=sent_reply_to(teacher_x),
        sender=teacher_x.email,
        text="Ours is on **Thursdays**, after school.\n\n-- \nTess, Head of English" + QUOTED,
    )
    message.add_attachment(PNG, maintype="image", subtype="png", filename="book-club.png")
    assert smtp_send(mail_in, message) == (250, "")

    sign_in(page, teacher_x.email)
    page.goto(thread_x.get_absolute_url())
    post = page.locator("article", has_text="Thursdays")
    expect(post.locator("strong", has_text="Thursdays")).to_be_visible()
    expect(post.get_by_text("Tess Teacher")).to_be_visible()
    expect(post.get_by_role("link", name="book-club.png")).to_be_visible()
    expect(page.get_by_text("Head of English")).to_have_count(0)  # the signature is not posted
    expect(page.get_by_text("wrote:")).to_have_count(0)  # nor the quoted e-mail
    assert serious_violations(page) == []
