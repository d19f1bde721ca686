"""In real headless Chromium: Kindred is an installable web app (its manifest parsed by the
browser without errors), its service worker registers at the site's root and caches nothing, the
push opt-in control appears on the notification settings, and a push delivered to the worker (by
the DevTools protocol, as the push service would hand it to the browser) is shown as a notification
with the words Kindred wrote. What this machine cannot do is have Chromium subscribe at Google's
push service (FCM) and receive a push from it: there is no internet here (docs/board.md)."""

import json

import pytest
from playwright.sync_api import expect

from kindred.board import push, services, webpush
from kindred.board.delivery import _at_once_push
from kindred.board.models import OutgoingPush, PushSubscription
from tests.browser.axe import serious_violations
from tests.browser.test_network_flow import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vapid(settings):
    private, public = webpush.vapid_keys_generate()
    settings.VAPID_PRIVATE_KEY = private
    return public


def worker_ready(page) -> dict:
    """The active worker's scope and script, once it is ready (failing after 15 s, never hanging:
    page.evaluate waits for a Promise without a limit of its own)."""
    return page.evaluate(
        """() => Promise.race([
            navigator.serviceWorker.ready.then(r => ({ scope: r.scope, script: r.active && r.active.scriptURL })),
            new Promise((_, reject) => setTimeout(() => reject(new Error("no service worker within 15 s")), 15000)),
        ])"""
    )


def test_the_app_installs_its_worker_registers_and_the_push_control_appears(
    page, live_server, vapid, teacher_x
):
    sign_in(page, teacher_x.email)
    page.goto("/board/notifications/settings/")

    devtools = page.context.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"] == f"{live_server.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    parsed = json.loads(manifest["data"])
    assert parsed["display"] == "standalone" and parsed["start_url"] == "/"
    # Chromium's own installability check: nothing wrong with the manifest, icons or worker; only
    # that Playwright's browser context is an incognito one, where nothing is installed.
    installability = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in installability] in ([], ["in-incognito"])

    registration = worker_ready(page)
    assert registration == {"scope": f"{live_server.url}/", "script": f"{live_server.url}/service-worker.js"}

    control = page.locator("[data-push-control]")
    expect(control).to_be_visible()
    expect(control.get_by_role("button", name="Turn on notifications on this device")).to_be_enabled()
    expect(control.get_by_role("status")).to_have_text("Notifications are off for this device.")
    expect(page.locator("[data-push-unsupported]")).to_be_hidden()
    assert serious_violations(page) == []

    # Nothing is cached: pages, private ones above all, stay on the server.
    page.goto("/board/")
    page.goto("/accounts/profile/")
    assert page.evaluate("() => caches.keys()") == []


def test_a_push_reaching_the_worker_is_shown_with_kindreds_words(
    page, live_server, vapid, thread_x, teacher_x, school_admin_x
):
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(page, teacher_x.email)
    page.goto("/board/notifications/settings/")
    worker_ready(page)
    # The push Kindred would send teacher_x about a reply (the payload as push.py writes it).
    teacher_x.language = "cy"
    teacher_x.save()
    services.post_reply(thread=thread_x, by=school_admin_x, body="Bob dydd Gwener")
    post = thread_x.posts.order_by("-pk").first()
    made = _at_once_push(teacher_x, post=post, thread=thread_x, reason="reply")
    made.save()
    payload = push.payload(OutgoingPush.objects.get(pk=made.pk)).decode()

    devtools = page.context.new_cdp_session(page)
    registrations = []
    devtools.on(
        "ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"])
    )
    devtools.send("ServiceWorker.enable")
    for _attempt in range(50):
        ours = [r["registrationId"] for r in registrations if r["scopeURL"] == f"{live_server.url}/"]
        if ours:
            break
        page.wait_for_timeout(100)
    registration_id = ours[0]
    devtools.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": live_server.url, "registrationId": registration_id, "data": payload},
    )
    shown = page.evaluate(
        """() => new Promise((resolve, reject) => {
            // Bounded: a notification that never shows fails the test instead of hanging it.
            setTimeout(() => reject(new Error("no notification shown within 15 s")), 15000);
            const look = () => navigator.serviceWorker.ready
              .then(r => r.getNotifications())
              .then(list => list.length ? resolve(list.map(n => ({
                  title: n.title, body: n.body, tag: n.tag, lang: n.lang, dir: n.dir, data: n.data })))
                : setTimeout(look, 100));
            look();
        })"""
    )
    assert shown == [
        {
            "title": made.title,
            "body": made.body,
            "tag": f"kindred-post-{post.pk}",
            "lang": "cy",
            "dir": "ltr",
            "data": {"path": post.get_absolute_url()},
        }
    ]
    assert made.title.startswith("Ateb newydd")


def test_without_javascript_the_settings_say_what_push_needs(chromium, live_server, vapid, teacher_x):
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, teacher_x.email)
    page.goto("/board/notifications/settings/")
    expect(page.locator("[data-push-unsupported]")).to_be_visible()
    expect(page.locator("[data-push-control]")).to_be_hidden()
    context.close()


def test_turning_push_on_without_a_reachable_push_service_says_so_and_keeps_nothing(
    page, live_server, vapid, teacher_x
):
    """Here Chromium cannot reach Google's push service (no internet): subscribing fails, the page
    says so, and the server keeps no device — the e-mails go on as before."""
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(page, teacher_x.email)
    page.goto("/board/notifications/settings/")
    page.get_by_role("button", name="Turn on notifications on this device").click()
    expect(page.get_by_role("status")).to_have_text(
        "This browser could not turn notifications on: its push service did not answer. "
        "E-mails reach you as before."
    )
    assert not PushSubscription.objects.exists()
