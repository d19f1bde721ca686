"""Web push notifications end to end, against a real push service on 127.0.0.1 (push_service.py):
the browser's subscription posted to the settings page's endpoint, a reply in a followed thread,
the worker's task pushing it — encrypted (RFC 8291) and signed (VAPID, RFC 8292), checked and
decrypted by the service as a browser's would be — and e-mail as the fallback when no device takes
it. What cannot run here: a real browser receiving a push from FCM or Mozilla's service (no
internet); docs/board.md says so."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext, override

from kindred.audit.models import AuditEvent
from kindred.board import delivery, push, services, tasks, webpush
from kindred.board.models import Notification, OutgoingEmail, OutgoingPush, PushSubscription
from tests.board.push_service import decrypt, push_service_running, unb64

pytestmark = pytest.mark.django_db

CHROME_ON_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture
def vapid(settings):
    private, public = webpush.vapid_keys_generate()
    settings.VAPID_PRIVATE_KEY = private
    settings.VAPID_SUBJECT = "mailto:kindred@school.example"
    return public


@pytest.fixture
def push_service(vapid, settings):
    service, stop = push_service_running(vapid)
    settings.PUSH_SERVICES = [service.origin]
    yield service
    stop()


def subscribe(client, person, subscription, **extra):
    """What app.js does once the browser has subscribed: post the subscription, signed in."""
    client.force_login(person)
    return client.post(
        "/board/push/subscribe/",
        {
            "endpoint": subscription.endpoint,
            "p256dh": subscription.p256dh,
            "auth": subscription.auth,
            **extra,
        },
        HTTP_USER_AGENT=CHROME_ON_ANDROID,
        HTTP_ACCEPT="application/json",
    )


def worker_runs():
    """The task each post queues: pushes first, then the e-mail outbox."""
    tasks.outbox_send.call()


def test_the_test_push_service_decrypts_rfc_8291s_own_example():
    """RFC 8291 Appendix A: the service's decryption gives the RFC's plaintext from its message."""
    from cryptography.hazmat.primitives.asymmetric import ec

    receiver = ec.derive_private_key(
        int.from_bytes(unb64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"), "big"), ec.SECP256R1()
    )
    message = unb64(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8w"
        "EqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
    )
    plain = decrypt(message, private_key=receiver, auth_secret=unb64("BTBZMqHH6r4Tts7J_aSIgg"))
    assert plain == b"When I grow up, I want to be a watermelon"


def test_a_reply_in_a_followed_thread_is_pushed_in_the_readers_language_and_not_emailed(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    teacher_x.language = "cy"
    teacher_x.save()
    browser = push_service.subscription()
    assert subscribe(client, teacher_x, browser).status_code == 201

    post = services.post_reply(thread=thread_x, by=school_admin_x, body="We run one on Fridays, all welcome.")
    worker_runs()

    assert push_service.refused == []
    [arrived] = push_service.received
    with override("cy"):
        title = gettext("New reply in “%(thread)s”") % {"thread": thread_x.title}
    assert title.startswith("Ateb newydd")  # Welsh, the reader's language
    assert arrived.payload["title"] == title
    assert arrived.payload["body"] == f"{school_admin_x}: We run one on Fridays, all welcome."
    assert arrived.payload["path"] == post.get_absolute_url()
    assert arrived.payload["lang"] == "cy" and arrived.payload["dir"] == "ltr"
    assert arrived.claims["aud"] == push_service.origin
    assert arrived.claims["sub"] == "mailto:kindred@school.example"
    assert mail.outbox == []  # told once, by push
    assert not OutgoingEmail.objects.filter(user=teacher_x).exists()
    sent = OutgoingPush.objects.get(user=teacher_x)
    assert sent.sent_at is not None and sent.fell_back_at is None
    device = PushSubscription.objects.get(user=teacher_x)
    assert device.last_success_at is not None and device.device == "Chrome · Android"
    # In the app too, and counted as told at once, so the digest does not bring it again.
    assert Notification.objects.get(user=teacher_x, post=post).emailed is True


def test_an_arabic_readers_push_is_in_arabic_and_right_to_left(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    teacher_x.language = "ar"
    teacher_x.save()
    subscribe(client, teacher_x, push_service.subscription())
    services.post_reply(thread=thread_x, by=school_admin_x, body="Yes")
    worker_runs()
    [arrived] = push_service.received
    with override("ar"):
        assert arrived.payload["title"] == gettext("New reply in “%(thread)s”") % {"thread": thread_x.title}
    assert arrived.payload["title"] != f"New reply in “{thread_x.title}”"
    assert arrived.payload["dir"] == "rtl"


def test_a_pushed_post_is_not_brought_again_by_the_digest(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    subscribe(client, teacher_x, push_service.subscription())
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        summary = delivery.digest_run()
    assert summary.due >= 1  # teacher_x's first daily digest was due, and had nothing to bring
    assert [m for m in mail.outbox if m.to == [teacher_x.email]] == []


def test_without_push_the_same_post_is_in_the_digest_of_someone_with_nothing_at_once(
    thread_x, teacher_x, school_admin_x
):
    """The check above can fail: a post nobody was told of at once is in the digest."""
    services.notification_settings_set(user=teacher_x, email_at_once=False, digest="daily")
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        delivery.digest_run()
    [digest] = [m for m in mail.outbox if m.to == [teacher_x.email]]
    assert "We do!" in digest.body


def test_the_held_email_waits_for_the_push(client, push_service, thread_x, teacher_x, school_admin_x):
    subscribe(client, teacher_x, push_service.subscription())
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    delivery.outbox_send()  # the e-mail outbox alone, before the pushes: the held e-mail stays
    assert mail.outbox == []
    assert OutgoingEmail.objects.get(user=teacher_x).awaiting_push is True


def test_a_gone_subscription_is_removed_and_the_email_goes_instead(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    browser = push_service.subscription()
    subscribe(client, teacher_x, browser)
    push_service.answer[browser.endpoint] = 410  # the browser unsubscribed
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    worker_runs()  # a second run sends nothing again
    assert not PushSubscription.objects.filter(user=teacher_x).exists()
    assert [m.to for m in mail.outbox] == [[teacher_x.email]]
    assert "New reply" in mail.outbox[0].subject
    assert OutgoingPush.objects.get(user=teacher_x).fell_back_at is not None


def test_a_failing_push_service_falls_back_to_email_and_keeps_the_device(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    browser = push_service.subscription()
    subscribe(client, teacher_x, browser)
    push_service.answer[browser.endpoint] = 500
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    assert [m.to for m in mail.outbox] == [[teacher_x.email]]
    device = PushSubscription.objects.get(user=teacher_x)
    assert device.last_failure.startswith("HTTP 500") and device.last_success_at is None


def test_an_unreachable_push_service_falls_back_to_email(
    client, push_service, settings, thread_x, teacher_x, school_admin_x
):
    settings.PUSH_SERVICES = ["http://127.0.0.1"]  # any port: the discard port 9, where nobody listens
    subscribe(client, teacher_x, push_service.subscription())
    PushSubscription.objects.filter(user=teacher_x).update(endpoint="http://127.0.0.1:9/x")
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    assert [m.to for m in mail.outbox] == [[teacher_x.email]]
    assert PushSubscription.objects.get(user=teacher_x).last_failure.startswith("ConnectionError")


def test_one_working_device_of_two_is_enough_and_no_email_goes(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    phone, laptop = push_service.subscription(), push_service.subscription()
    subscribe(client, teacher_x, phone)
    subscribe(client, teacher_x, laptop)
    push_service.answer[laptop.endpoint] = 410
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    assert [r.endpoint for r in push_service.received] == [phone.endpoint]
    assert mail.outbox == []
    assert list(PushSubscription.objects.filter(user=teacher_x).values_list("endpoint", flat=True)) == [
        phone.endpoint
    ]


def test_a_sender_taking_over_a_dead_ones_claim_does_not_push_to_a_device_again(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    phone, laptop = push_service.subscription(), push_service.subscription()
    subscribe(client, teacher_x, phone)
    subscribe(client, teacher_x, laptop)
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    # A sender pushed to the phone, recorded it, and died before the laptop (its claim is stale).
    waiting = OutgoingPush.objects.get(user=teacher_x)
    phone_id = PushSubscription.objects.get(endpoint=phone.endpoint).pk
    OutgoingPush.objects.filter(pk=waiting.pk).update(
        claim="dead",
        claimed_at=timezone.now() - push.STALE_CLAIM - timedelta(seconds=1),
        delivered_to=[phone_id],
    )
    worker_runs()
    assert [r.endpoint for r in push_service.received] == [laptop.endpoint]
    assert mail.outbox == []
    assert OutgoingPush.objects.get(pk=waiting.pk).sent_at is not None


def test_a_live_claim_is_left_to_its_sender(client, push_service, thread_x, teacher_x, school_admin_x):
    subscribe(client, teacher_x, push_service.subscription())
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    OutgoingPush.objects.update(claim="busy", claimed_at=timezone.now())
    assert push.push_send() == (0, 0)
    assert push_service.received == [] and mail.outbox == []


def test_a_push_left_waiting_by_a_stopped_worker_goes_with_the_next_digest_run(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    subscribe(client, teacher_x, push_service.subscription())
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    delivery.digest_run()
    assert len(push_service.received) == 1
    assert not [m for m in mail.outbox if m.to == [teacher_x.email] and "New reply" in m.subject]


def test_a_mention_is_pushed_once_however_many_reasons(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    teacher_x.full_name = "Tess Teacher"
    teacher_x.save()
    subscribe(client, teacher_x, push_service.subscription())
    services.post_reply(thread=thread_x, by=school_admin_x, body="Over to you, @**Tess Teacher**")
    worker_runs()
    worker_runs()
    [arrived] = push_service.received
    assert "mentioned you" in arrived.payload["title"]


def test_someone_with_nothing_at_once_gets_no_push_either(
    client, push_service, thread_x, teacher_x, school_admin_x
):
    subscribe(client, teacher_x, push_service.subscription())
    services.notification_settings_set(user=teacher_x, email_at_once=False, digest="daily")
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    assert push_service.received == [] and mail.outbox == []


def test_without_a_vapid_key_the_emails_go_as_before(
    client, push_service, settings, thread_x, teacher_x, school_admin_x
):
    subscribe(client, teacher_x, push_service.subscription())
    settings.VAPID_PRIVATE_KEY = ""
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    worker_runs()
    assert push_service.received == [] and not OutgoingPush.objects.exists()
    assert [m.to for m in mail.outbox] == [[teacher_x.email]]


def test_a_key_removed_after_the_post_still_lets_the_email_go(
    client, push_service, settings, thread_x, teacher_x, school_admin_x
):
    subscribe(client, teacher_x, push_service.subscription())
    services.post_reply(thread=thread_x, by=school_admin_x, body="We do!")
    settings.VAPID_PRIVATE_KEY = ""
    worker_runs()
    assert push_service.received == []
    assert [m.to for m in mail.outbox] == [[teacher_x.email]]


# ----------------------------------------------------------------------------- subscribing


def test_a_subscription_to_an_address_that_is_no_push_service_is_refused(client, push_service, teacher_x):
    browser = push_service.subscription()
    browser.endpoint = "http://10.0.0.1:6379/anything"
    response = subscribe(client, teacher_x, browser)
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "field, value", [("p256dh", "not-a-key"), ("auth", "c2hvcnQ"), ("endpoint", ""), ("endpoint", "https://")]
)
def test_a_subscription_with_bad_keys_or_endpoint_is_refused(client, push_service, teacher_x, field, value):
    browser = push_service.subscription()
    fields = {"endpoint": browser.endpoint, "p256dh": browser.p256dh, "auth": browser.auth, field: value}
    client.force_login(teacher_x)
    assert client.post("/board/push/subscribe/", fields).status_code == 400
    assert not PushSubscription.objects.exists()


def test_subscribing_is_refused_when_push_is_off(client, settings, teacher_x):
    settings.VAPID_PRIVATE_KEY = ""
    settings.PUSH_SERVICES = ["http://127.0.0.1"]
    client.force_login(teacher_x)
    response = client.post(
        "/board/push/subscribe/", {"endpoint": "http://127.0.0.1:1/x", "p256dh": "x", "auth": "y"}
    )
    assert response.status_code == 400 and not PushSubscription.objects.exists()


def test_the_same_browser_subscribing_again_is_one_device_and_moves_to_whoever_did_it_last(
    client, push_service, teacher_x, school_admin_x
):
    browser = push_service.subscription()
    subscribe(client, teacher_x, browser)
    subscribe(client, teacher_x, browser)
    assert PushSubscription.objects.get().user == teacher_x
    subscribe(client, school_admin_x, browser)
    assert PushSubscription.objects.get().user == school_admin_x
    assert AuditEvent.objects.filter(action="board.push_subscribed").count() == 2  # made, then moved


def test_turning_push_off_on_the_settings_page_works_without_javascript(client, push_service, teacher_x):
    subscribe(client, teacher_x, push_service.subscription())
    device = PushSubscription.objects.get()
    page = client.get("/board/notifications/settings/")
    assert "Chrome · Android" in page.content.decode()
    response = client.post("/board/push/unsubscribe/", {"device": device.pk})
    assert response.status_code == 302 and response["Location"].endswith("#push")
    assert not PushSubscription.objects.exists()
    assert AuditEvent.objects.filter(action="board.push_unsubscribed", actor=teacher_x).exists()


def test_this_browser_turning_push_off_removes_its_endpoint(client, push_service, teacher_x):
    browser = push_service.subscription()
    subscribe(client, teacher_x, browser)
    response = client.post(
        "/board/push/unsubscribe/", {"endpoint": browser.endpoint}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"ok": True, "removed": 1}
    assert not PushSubscription.objects.exists()


def test_nobody_can_turn_off_someone_elses_device(client, push_service, teacher_x, teacher_y):
    browser = push_service.subscription()
    subscribe(client, teacher_x, browser)
    device = PushSubscription.objects.get()
    client.force_login(teacher_y)
    assert client.post("/board/push/unsubscribe/", {"device": device.pk}).status_code == 404
    client.post("/board/push/unsubscribe/", {"endpoint": browser.endpoint}, HTTP_ACCEPT="application/json")
    assert PushSubscription.objects.filter(pk=device.pk).exists()


def test_the_settings_page_offers_the_control_only_when_push_is_set_up(client, settings, teacher_x):
    client.force_login(teacher_x)
    settings.VAPID_PRIVATE_KEY = ""
    assert "data-push-control" not in client.get("/board/notifications/settings/").content.decode()
    private, public = webpush.vapid_keys_generate()
    settings.VAPID_PRIVATE_KEY = private
    page = client.get("/board/notifications/settings/").content.decode()
    assert "data-push-control" in page and f'data-key="{public}"' in page


def test_the_vapid_keys_command_prints_a_key_the_settings_accept(capsys, settings):
    call_command("vapid_keys")
    out, err = capsys.readouterr()
    name, _sep, key = out.strip().partition("=")
    assert name == "VAPID_PRIVATE_KEY" and len(key) == 43
    settings.VAPID_PRIVATE_KEY = key
    assert webpush.vapid_public_key() in err


def test_a_deleted_account_takes_its_devices_and_pushes_and_its_name_leaves_others_pushes(
    client, push_service, thread_x, member_y, teacher_x
):
    from kindred.accounts.services import account_delete

    member_y.full_name = "Yan Yew"
    member_y.save()
    subscribe(client, teacher_x, push_service.subscription())
    subscribe(client, member_y, push_service.subscription())
    services.post_reply(thread=thread_x, by=member_y, body="We do!")
    services.post_reply(thread=thread_x, by=teacher_x, body="Thank you")  # member_y follows it now
    assert OutgoingPush.objects.filter(user=member_y).exists()
    account_delete(user=member_y)
    assert not PushSubscription.objects.filter(user=member_y).exists()
    assert not OutgoingPush.objects.filter(user=member_y).exists()
    waiting = OutgoingPush.objects.get(user=teacher_x)
    assert "Yan Yew" not in waiting.body and waiting.body.startswith("Former member")
