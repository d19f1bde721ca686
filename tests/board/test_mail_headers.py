"""Issue 20, item 1: a title with a line break cannot stop the e-mail of everyone else.

A thread title "Hello\\r\\nBcc: x" is refused where it is written; a row stored before the rule
(or any e-mail the mail server refuses) is set aside with its reason, and every other e-mail of
the batch, before and after it, is sent."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from kindred.board import delivery, services
from kindred.board.models import OutgoingEmail, Thread
from kindred.core.mail import one_line, single_line

pytestmark = pytest.mark.django_db

INJECTION = "Hello\r\nBcc: attacker@example.org"


@pytest.mark.parametrize(
    "title", [INJECTION, "Hello\nBcc: x", "Hello\rBcc: x", "Hello\u2028Bcc: x", "Hello\x85Bcc: x"]
)
def test_a_thread_title_with_a_line_break_is_refused_and_nothing_is_written(network_x, teacher_x, title):
    with pytest.raises(ValidationError, match="one line"):
        services.thread_create(network=network_x, by=teacher_x, title=title, body="Body")
    assert not Thread.objects.exists()


def test_the_new_thread_form_says_why_the_title_is_refused(client, network_x, teacher_x):
    client.force_login(teacher_x)
    response = client.post(f"/board/networks/{network_x.pk}/new/", {"title": INJECTION, "body": "Body"})
    assert response.status_code == 400
    assert "Keep this to one line" in response.content.decode()
    assert not Thread.objects.exists()


def test_one_line_keeps_the_words_of_an_old_title():
    assert one_line("Hello\r\n\r\n  Bcc: x\u2028y") == "Hello Bcc: x y"
    single_line(one_line(INJECTION))  # passes


def _queue_three_emails(thread_x, network_x, teacher_x, school_admin_x) -> Thread:
    """Three e-mails at once to teacher_x, in this order: good, bad (a title stored before the
    rule), good."""
    bad = services.thread_create(network=network_x, by=teacher_x, title="Placeholder", body="Start")
    Thread.objects.filter(pk=bad.pk).update(title=INJECTION)
    bad.refresh_from_db()
    services.post_reply(thread=thread_x, by=school_admin_x, body="first")
    services.post_reply(thread=bad, by=school_admin_x, body="second")
    services.post_reply(thread=thread_x, by=school_admin_x, body="third")
    assert OutgoingEmail.objects.filter(kind="at_once", sent_at__isnull=True).count() == 3
    return bad


def test_a_bad_email_is_set_aside_and_the_digest_run_sends_the_rest(
    thread_x, network_x, teacher_x, school_admin_x
):
    _queue_three_emails(thread_x, network_x, teacher_x, school_admin_x)
    out, err = StringIO(), StringIO()
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=5), tick=False):
        call_command("digest", verbosity=0, stdout=out, stderr=err)  # exits normally
    at_once = OutgoingEmail.objects.filter(kind="at_once").order_by("pk")
    good_one, bad_one, good_two = at_once
    assert good_one.sent_at and good_two.sent_at
    assert bad_one.sent_at is None and bad_one.failed_at is not None
    assert bad_one.failure.startswith("BadHeaderError: Header values can't contain newlines")
    assert [m.subject for m in mail.outbox if "reply" in m.subject] == [
        "New reply in “Reading for pleasure”",
        "New reply in “Reading for pleasure”",
    ]
    assert all(m.message()["Bcc"] is None and m.bcc == [] for m in mail.outbox)
    assert "1 e-mails were refused and set aside" in err.getvalue()
    # The next run neither tries it again nor stops on it.
    sent_before = len(mail.outbox)
    assert delivery.outbox_send() == 0
    assert len(mail.outbox) == sent_before
    assert delivery.outbox_set_aside() == 1


def test_a_set_aside_email_goes_back_in_the_outbox_from_the_admin(
    client, site_admin, thread_x, network_x, teacher_x, school_admin_x
):
    _queue_three_emails(thread_x, network_x, teacher_x, school_admin_x)
    delivery.outbox_send()
    bad = OutgoingEmail.objects.get(failed_at__isnull=False)
    client.force_login(site_admin)
    listing = client.get("/admin/board/outgoingemail/?state=set_aside").content.decode()
    assert "BadHeaderError" in listing and listing.count('name="_selected_action"') == 1
    # mended (here, by hand), then sent again
    OutgoingEmail.objects.filter(pk=bad.pk).update(subject=one_line(bad.subject))
    response = client.post(
        "/admin/board/outgoingemail/", {"action": "send_again", "_selected_action": [bad.pk]}
    )
    assert response.status_code == 302
    bad.refresh_from_db()
    assert bad.failed_at is None and bad.failure == ""
    assert delivery.outbox_send() == 1
    assert mail.outbox[-1].subject == "New reply in “Hello Bcc: attacker@example.org”"


@pytest.mark.django_db(transaction=True)
def test_a_title_stored_before_the_rule_is_made_one_line_by_the_migration_and_keeps_its_words(
    network_x, teacher_x
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("board", "0006_search_by_network")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("board", "Thread")
    kept = old.objects.create(network_id=network_x.pk, title="Already one line", created_by_id=teacher_x.pk)
    bad = old.objects.create(network_id=network_x.pk, title=INJECTION + "\n\n", created_by_id=teacher_x.pk)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Thread.objects.get(pk=bad.pk).title == "Hello Bcc: attacker@example.org"
    assert Thread.objects.get(pk=kept.pk).title == "Already one line"
