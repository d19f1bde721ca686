"""Every page, for every persona, in a real browser on a 360 px phone: axe-core finds no serious or
critical accessibility violation, nothing scrolls sideways, and in Arabic the page is right to left
and mirrored.

The pages are the permission matrix's (tests/accounts/test_permission_matrix.py): every URL a
persona may GET with a 200 there is visited here, so a page added later, with its rule, is checked
without anyone editing this file. A few extra addresses show pages with data on them (a school with
its evidence, the finder with results).
"""

import os

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import get_resolver

from kindred.accounts.generation import country_generate
from kindred.evidence.models import Performance
from tests.accounts.test_permission_matrix import PERSONAS, World, rule_for, walk, world_build
from tests.browser.axe import AXE_PATH

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    # What a page looks like does not depend on the database, and the walk is CI's longest test: it
    # runs once, on SQLite. Every address's answer on PostgreSQL is the permission matrix's to check.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the page walk runs on SQLite only (pages look the same on PostgreSQL)",
    ),
]

PHONE = {"width": 360, "height": 740}
SERIOUS = ("serious", "critical")


def pages_for(persona: str, world: World) -> list[str]:
    """Every address `persona` may GET with a 200 in the permission matrix, plus pages with data."""
    urls = []
    for route, name in walk(get_resolver().url_patterns):
        rule = rule_for(route, name, world)
        if rule is None or rule.method != "get" or rule.expected[persona] != 200:
            continue
        url = rule.url(world) if callable(rule.url) else rule.url
        if url.endswith((".json", ".csv", ".pdf")) or "/qrcode/" in url or url.endswith("/jsi18n/"):
            continue  # downloads and images, not pages
        urls.append(url)
    urls += world.extra.get("data_pages", {}).get(persona, [])
    return sorted(set(urls))


@pytest.fixture
def world(personas, school_x, school_y, network_x, settings, tmp_path):
    """The permission matrix's world, with a small generated country so pages have data to show."""
    base = world_build(personas, school_x, school_y, network_x, settings, tmp_path)
    country_generate(n_schools=120, seed=5, years=[2022, 2023], n_teachers=120)
    call_command("families", "--no-fit", verbosity=0)
    call_command("performance", verbosity=0)
    evidence = Performance.objects.filter(year__isnull=True).select_related("school", "measure").first()
    assert evidence is not None
    school = evidence.school
    signed_in = [
        school.get_absolute_url(),
        f"/evidence/good-practice/?domain={evidence.measure.domain}&school={school.registry_id}",
        "/evidence/dashboard/?category=red",
    ]
    base.extra["data_pages"] = {
        persona: ([school.get_absolute_url()] if persona == "anonymous" else signed_in)
        for persona in PERSONAS
    }
    return base


@pytest.fixture
def phone(chromium, live_server, settings):
    """A function opening a 360 px phone's browser for a persona in a language."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.AXES_ENABLED = False
    contexts = []

    def open_as(user, language: str):
        # bypass_csp lets the test inject axe-core; the site itself never runs inline scripts.
        context = chromium.new_context(base_url=live_server.url, viewport=PHONE, bypass_csp=True)
        cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
        if user is not None:
            client = Client()
            client.force_login(user)
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url})
        context.add_cookies(cookies)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield open_as
    for context in contexts:
        context.close()


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_PATH))
    return page.evaluate(
        """async (serious) => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.filter(v => serious.includes(v.impact)).map(
                v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
        }""",
        list(SERIOUS),
    )


def sideways_scroll(page) -> int:
    """How many pixels the page is wider than the phone's screen (0: it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def mirroring_problems(page) -> list[str]:
    return page.evaluate(
        """() => {
            const problems = [];
            if (document.documentElement.dir !== 'rtl') problems.push('html is not dir=rtl');
            if (getComputedStyle(document.body).direction !== 'rtl') problems.push('body is not right to left');
            const brand = document.querySelector('header.site .brand');
            if (brand && brand.getBoundingClientRect().right < document.documentElement.clientWidth - 40)
                problems.push('the site name does not start at the right');
            for (const row of document.querySelectorAll('main thead tr')) {
                const cells = row.querySelectorAll('th');
                if (cells.length > 1 && cells[0].getBoundingClientRect().left < cells[cells.length - 1].getBoundingClientRect().left)
                    problems.push('a table\\'s first column is not on the right');
            }
            return problems;
        }"""
    )


def admin_sample(urls: list[str], language: str) -> list[str]:
    """The site administrator's addresses, with the Django admin's repeats left out: a model's history
    and delete pages are the admin's own two templates with another object's name in them, so the
    first model's stand for the rest; in Arabic, the admin pages of Kindred's own customised admins
    (people and schools, with the index) stand for every model's, which the English walk visits (the
    admin is mirrored by Django's own right-to-left stylesheet). CI's time: 258 addresses were 149 of
    the admin's."""
    kept, seen = [], set()
    for url in urls:
        parts = url.strip("/").split("/")
        if parts[0] != "admin" or len(parts) < 3:
            kept.append(url)
            continue
        if language != "en" and parts[1] not in ("accounts", "schools"):
            continue
        if parts[-1] in ("history", "delete"):
            if parts[-1] in seen:
                continue
            seen.add(parts[-1])
        kept.append(url)
    return kept


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {problem}" for url, found in problems.items() for problem in found)


def visit_all(phone, world: World, persona: str, language: str, check) -> dict[str, list[str]]:
    page = phone(world.personas[persona], language)
    problems = {}
    for url in admin_sample(pages_for(persona, world), language):
        # Downloads (attachments, exports, feeds) are not pages: ask first what the address serves.
        head = page.request.get(url, max_redirects=0)
        if not head.headers.get("content-type", "").startswith("text/html"):
            continue
        response = page.goto(url)
        assert response is not None and response.status == 200, (
            f"{persona} {url}: {response and response.status}"
        )
        found = check(page)
        if found:
            problems[url] = found
    return problems


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_passes_axe_and_fits_a_phone_in_english(chromium, phone, world, persona):
    def check(page):
        found = axe_violations(page)
        if (extra := sideways_scroll(page)) > 0:
            found.append(f"scrolls sideways by {extra} px at 360 px")
        return found

    problems = visit_all(phone, world, persona, "en", check)
    assert problems == {}, report(problems)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_is_mirrored_fits_a_phone_and_passes_axe_in_arabic(chromium, phone, world, persona):
    def check(page):
        found = mirroring_problems(page) + axe_violations(page)
        if (extra := sideways_scroll(page)) > 0:
            found.append(f"scrolls sideways by {extra} px at 360 px")
        return found

    problems = visit_all(phone, world, persona, "ar", check)
    assert problems == {}, report(problems)


def test_the_walk_covers_the_main_pages_for_a_signed_in_teacher(world):
    urls = pages_for("teacher_x", world)
    assert {"/", "/evidence/dashboard/", "/accounts/profile/"} <= set(urls)
    assert any(url.startswith("/schools/") for url in urls)
    # The admin's sign-in page answers everyone; no other admin page is a teacher's.
    assert not any(url.startswith("/admin/") and url != "/admin/login/" for url in urls)
    assert len(pages_for("site_admin", world)) > len(urls)


def test_the_admin_sample_keeps_every_kindred_page_and_one_of_each_admin_template():
    urls = [
        "/",
        "/admin/",
        "/admin/schools/school/",
        "/admin/schools/school/1/history/",
        "/admin/schools/region/1/history/",
        "/admin/events/event/",
        "/admin/events/event/1/delete/",
        "/admin/library/resource/1/delete/",
        "/networks/",
    ]
    assert admin_sample(urls, "en") == urls[:4] + urls[5:7] + urls[8:]
    assert admin_sample(urls, "ar") == [
        "/",
        "/admin/",
        "/admin/schools/school/",
        "/admin/schools/school/1/history/",
        "/networks/",
    ]
