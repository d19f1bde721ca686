"""Real headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import shutil

import pytest

# The board's thread and second member, and the replies-by-e-mail server (test_reply_by_email_flow.py).
from tests.board.conftest import member_y, thread_x  # noqa: F401
from tests.board.test_mail_in import mail_in  # noqa: F401
from tests.impact.conftest import (  # noqa: F401  (the impact page's and the evidence pack's tests)
    pack_network,
    planted,
    planted_registry,
)

# The international network, its schools and teachers (test_international_flow.py).
from tests.international import (  # noqa: F401
    cairo,
    cardiff,
    nile_and_taff,
    teacher_cairo,
    teacher_cardiff,
    three_countries,
)

# The test identity provider (tests/oidc_provider/), for test_oidc_flow.py.
from tests.oidc_provider.fixtures import identity_provider, oidc  # noqa: F401

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """The live server speaks plain HTTP. Its SecurityMiddleware reads SECURE_SSL_REDIRECT once,
    when the (session-wide) server starts, so the setting is switched off before that."""
    from django.conf import settings

    before = settings.SECURE_SSL_REDIRECT
    settings.SECURE_SSL_REDIRECT = False
    yield
    settings.SECURE_SSL_REDIRECT = before


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per worker for the whole run; each test opens its own contexts (cookies,
    storage and cache are never shared between contexts) and closes them. Starting Playwright's
    driver and Chromium costs a few CPU seconds: once per test, CI spent minutes of its two cores on it.

    Playwright's sync API keeps an event loop in this thread from the first browser test to the end
    of the run, so Django's async-safety check is switched off for the rest of this worker's run
    (it would refuse every database query while the loop exists). No test here runs an event loop of
    its own in the main thread; one that needs to should run in a thread."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (python3 run.py test installs it when run as root).")
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(chromium, live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    # The test's own contexts too (a second person, a browser without JavaScript).
    for context in chromium.contexts:
        context.close()
