"""Notifications and e-mail: at once for mentions and followed threads, digests by each person's
choice, one-click unsubscribe; and the promise that every post reaches every member exactly once."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from kindred.accounts.models import SchoolStaff, User
from kindred.board import delivery, services
from kindred.board.models import Notification, NotificationSettings, OutgoingEmail, ThreadRead

pytestmark = pytest.mark.django_db


def send():
    delivery.outbox_send()


def test_a_mention_notifies_its_person_in_the_app_and_by_email(thread_x, school_admin_x, teacher_x):
    school_admin_x.full_name = "Olive Office"
    school_admin_x.save()
    post = services.post_reply(thread=thread_x, by=teacher_x, body="Over to you, @**Olive Office**")
    send()
    notification = Notification.objects.get(user=school_admin_x)
    assert notification.post == post and notification.reason == Notification.Reason.MENTION
    assert [m.to for m in mail.outbox] == [[school_admin_x.email]]
    assert "mentioned you" in mail.outbox[0].subject


def test_a_mention_of_someone_outside_the_network_reaches_nobody(thread_x, teacher_x, teacher_y):
    services.post_reply(thread=thread_x, by=teacher_x, body=f"Hello @{teacher_y.email}")
    send()
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_reply_reaches_the_followers_of_the_thread_at_once(thread_x, teacher_x, school_admin_x):
    # teacher_x started the thread, so follows it.
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    send()
    assert [m.to for m in mail.outbox] == [[teacher_x.email]]
    assert Notification.objects.get(user=teacher_x).reason == Notification.Reason.REPLY


def test_a_muted_thread_sends_nothing_at_once(thread_x, teacher_x, school_admin_x):
    services.thread_level_set(thread=thread_x, user=teacher_x, level=ThreadRead.Level.MUTED)
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    send()
    assert mail.outbox == []


def test_someone_who_switched_off_emails_at_once_gets_the_notification_in_the_app_only(
    thread_x, teacher_x, school_admin_x
):
    services.notification_settings_set(user=teacher_x, email_at_once=False, digest="daily")
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    send()
    assert mail.outbox == []
    assert Notification.objects.filter(user=teacher_x, emailed=False).count() == 1


def test_every_email_carries_a_one_click_unsubscribe_header(thread_x, school_admin_x):
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    send()
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in message.body


def test_the_one_click_unsubscribe_link_works_without_signing_in(client, thread_x, teacher_x, school_admin_x):
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    send()
    path = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>").split("testserver", 1)[-1]
    path = path[path.index("/board/") :]
    assert client.get(path).status_code == 200  # asks; link checkers must not unsubscribe
    assert delivery.settings_for(teacher_x).email_at_once is True
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert NotificationSettings.objects.get(user=teacher_x).email_at_once is False


def test_a_forged_unsubscribe_link_changes_nothing(client, teacher_x):
    token = delivery.unsubscribe_token(teacher_x.pk, "digest")
    response = client.post(f"/board/unsubscribe/{token[:-2]}xx/")
    assert response.status_code == 400
    assert not NotificationSettings.objects.filter(digest="never").exists()


def test_a_daily_digest_lists_unread_posts_once(
    network_x, thread_x, school_admin_x, teacher_x, school_leader_x
):
    start = datetime(2026, 3, 2, 7, tzinfo=UTC)
    with time_machine.travel(start - timedelta(hours=12), tick=False):
        services.post_reply(thread=thread_x, by=school_leader_x, body="Tuesday works")
    with time_machine.travel(start, tick=False):
        mail.outbox.clear()
        delivery.digest_run()
        to_admin = [m for m in mail.outbox if m.to == [school_admin_x.email]]
        assert len(to_admin) == 1
        assert "Who runs a book club?" in to_admin[0].body and "Tuesday works" in to_admin[0].body
        mail.outbox.clear()
        delivery.digest_run()
        assert mail.outbox == []


def test_a_first_digest_for_many_people_looks_up_where_their_period_starts_once_not_per_person(
    network_x, thread_x, school_leader_x, django_assert_max_num_queries, monkeypatch
):
    looked_up = []
    first_id_since = delivery._first_id_since
    monkeypatch.setattr(
        delivery, "_first_id_since", lambda moment: looked_up.append(moment) or first_id_since(moment)
    )
    for i in range(30):
        person = User.objects.create_user(email=f"member{i}@example.org", password="x")
        SchoolStaff.objects.create(user=person, school=network_x.memberships.first().school)
    start = datetime(2026, 3, 2, 7, tzinfo=UTC)
    with time_machine.travel(start - timedelta(hours=12), tick=False):
        services.post_reply(thread=thread_x, by=school_leader_x, body="Tuesday works")
    with time_machine.travel(start, tick=False), django_assert_max_num_queries(40):
        summary = delivery.digest_compose()
    assert summary.emails >= 30
    assert len(looked_up) == 1  # everyone is on daily digests: one period, one chunk


def test_a_digest_leaves_out_what_was_read_on_the_site(client, thread_x, school_admin_x):
    start = datetime(2026, 3, 2, 7, tzinfo=UTC)
    with time_machine.travel(start - timedelta(hours=3), tick=False):
        client.force_login(school_admin_x)
        client.get(thread_x.get_absolute_url())
    with time_machine.travel(start, tick=False):
        delivery.digest_run()
    assert [m for m in mail.outbox if m.to == [school_admin_x.email]] == []


def test_a_weekly_digest_waits_for_its_week(network_x, thread_x, school_admin_x, school_leader_x):
    services.notification_settings_set(user=school_admin_x, email_at_once=True, digest="weekly")
    day = datetime(2026, 3, 2, 7, tzinfo=UTC)
    with time_machine.travel(day, tick=False):
        delivery.digest_run()  # the first weekly digest: the thread
    for n in range(1, 8):
        with time_machine.travel(day + timedelta(days=n, hours=-1), tick=False):
            services.post_reply(thread=thread_x, by=school_leader_x, body=f"news of day {n}")
        mail.outbox.clear()
        with time_machine.travel(day + timedelta(days=n), tick=False):
            delivery.digest_run()
        weekly = [m for m in mail.outbox if m.to == [school_admin_x.email]]
        if n < 7:
            assert weekly == [], n
    assert len(weekly) == 1
    assert all(f"news of day {n}" in weekly[0].body for n in range(1, 8))


def test_the_kindred_digest_command_reports_what_it_sent(network_x, thread_x):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(minutes=5), tick=False):
        call_command("digest", verbosity=0, stdout=out)
    assert "digests with" in out.getvalue()
    assert OutgoingEmail.objects.filter(kind="digest", sent_at__isnull=False).count() == len(mail.outbox) > 0


def test_digest_schedule_queues_a_run_at_the_digest_hour(settings):
    from django.utils import timezone

    from kindred.board.tasks import next_digest_time

    settings.DIGEST_HOUR = 7
    at = next_digest_time(datetime(2026, 3, 2, 8, tzinfo=UTC))
    assert timezone.localtime(at).hour == 7 and at.date().day == 3


def test_an_unsubscribe_link_of_a_deleted_account_changes_nothing(client, teacher_x):
    token = delivery.unsubscribe_token(teacher_x.pk, "digest")
    teacher_x.delete()
    assert client.post(f"/board/unsubscribe/{token}/").status_code == 400
    assert not NotificationSettings.objects.exists()


def test_digest_schedule_queues_the_next_run_for_the_worker(settings):
    from io import StringIO

    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.DIGEST_HOUR = 7
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        call_command("digest", schedule=True, stdout=StringIO())
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path.endswith("digest_scheduled")
    assert queued.run_after == datetime(2026, 3, 3, 7, tzinfo=UTC)


# Muting a thread quiets its mentions too (issue 7: muted means no e-mail at once); the post still
# reaches the person, once, in their digest. Someone who wants mentions anyway says so.


def test_a_mention_in_a_muted_thread_waits_for_the_digest(thread_x, school_admin_x, teacher_x):
    school_admin_x.full_name = "Olive Office"
    school_admin_x.save()
    start = datetime(2026, 3, 2, 7, tzinfo=UTC)
    with time_machine.travel(start - timedelta(hours=12), tick=False):
        services.thread_level_set(thread=thread_x, user=school_admin_x, level=ThreadRead.Level.MUTED)
        services.post_reply(thread=thread_x, by=teacher_x, body="Over to you, @**Olive Office**")
        send()
        assert not Notification.objects.filter(user=school_admin_x).exists()
        assert [m for m in mail.outbox if m.to == [school_admin_x.email]] == []
    with time_machine.travel(start, tick=False):
        delivery.digest_run()
    digests = [m for m in mail.outbox if m.to == [school_admin_x.email]]
    assert len(digests) == 1 and "Over to you" in digests[0].body and "(muted)" in digests[0].body


def test_a_person_who_asked_hears_of_mentions_in_muted_threads_at_once(
    client, thread_x, school_admin_x, teacher_x
):
    school_admin_x.full_name = "Olive Office"
    school_admin_x.save()
    client.force_login(school_admin_x)
    response = client.post(
        "/board/notifications/settings/",
        {"email_at_once": "on", "mentions_in_muted_threads": "on", "digest": "daily"},
    )
    assert response.status_code == 302
    services.thread_level_set(thread=thread_x, user=school_admin_x, level=ThreadRead.Level.MUTED)
    services.post_reply(thread=thread_x, by=teacher_x, body="Over to you, @**Olive Office**")
    services.post_reply(thread=thread_x, by=teacher_x, body="No mention here")
    send()
    assert Notification.objects.get(user=school_admin_x).reason == Notification.Reason.MENTION
    assert [m.to for m in mail.outbox] == [[school_admin_x.email]]


def test_a_reply_is_mailed_in_its_readers_language(thread_x, teacher_x, school_admin_x):
    """The outbox keeps an e-mail's words: they are written in the recipient's language."""
    teacher_x.language = "cy"
    teacher_x.save(update_fields=["language"])
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    send()
    (message,) = mail.outbox
    assert message.subject == "Ateb newydd yn “Reading for pleasure”"
    assert "New reply" not in message.subject and "Stop these e-mails" not in message.body


def test_a_digest_is_written_in_its_readers_language(network_x, thread_x, school_admin_x, school_leader_x):
    school_admin_x.language = "ar"
    school_admin_x.save(update_fields=["language"])
    start = datetime(2026, 3, 2, 7, tzinfo=UTC)
    with time_machine.travel(start - timedelta(hours=12), tick=False):
        services.post_reply(thread=thread_x, by=school_leader_x, body="Tuesday works")
    with time_machine.travel(start, tick=False):
        mail.outbox.clear()
        delivery.digest_run()
    (to_admin,) = [m for m in mail.outbox if m.to == [school_admin_x.email]]
    assert "digest" not in to_admin.subject and "Stop these e-mails" not in to_admin.body
    assert to_admin.subject.startswith("ملخصك اليومي:")
    assert "Tuesday works" in to_admin.body
