"""Real headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import shutil

import pytest

# The test identity provider (tests/oidc_provider/), for test_oidc_flow.py.
from tests.impact.conftest import (  # noqa: F401  (the impact page's and the evidence pack's tests)
    pack_network,
    planted,
    planted_registry,
)
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


@pytest.fixture
def page(live_server, settings, monkeypatch):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (python3 run.py test installs it when run as root).")
    # Playwright's sync API runs an event loop in this thread; Django's async-safety check
    # would refuse the test's own database queries.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
