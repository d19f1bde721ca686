"""Eastern Arabic digits: with EASTERN_ARABIC_DIGITS=ar, no page of any app shows a number in 0–9.

Pages come from the permission matrix's world (one page or two of each app, each seen by a persona
who may read it). Visible text is the text of the page outside tags, scripts, styles and code;
codes written with Latin letters or as addresses (a postcode, "KS2", an e-mail address, a URL or a
path) are not numbers and keep their characters.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import translation

from tests.accounts.test_permission_matrix import RULES, world_build

pytestmark = pytest.mark.django_db

# One or two pages of each app (the names of the permission matrix's rules).
PAGES = [
    "home",  # a signed-in person's home (accounts)
    "school_detail",  # schools and evidence
    "dashboard",
    "audit_log",
    "profile",
    "school_staff",
    "networks:detail",
    "networks:rota",
    "board",
    "board_thread",
    "brokering_run",
    "events:network_calendar",
    "events:detail",
    "library:index",
    "library:detail",
    "offers:index",
    "offers:request_detail",
    "framework_detail",
    "selfeval_school",
    "network_heatmap",
    "plan_detail",
    "consultation_results",
    "job_list",
    "job_detail",
]
READERS = ["site_admin", "system_leader", "school_leader_x", "teacher_x"]
NOT_READ = {"script", "style", "code", "pre", "kbd", "samp", "textarea"}
CODE = re.compile(r"[A-Za-z@]|://|^/")
EASTERN = re.compile("[٠-٩]")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in NOT_READ:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in NOT_READ and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def western_numbers(text: str) -> list[str]:
    return [word for word in text.split() if re.search("[0-9]", word) and not CODE.search(word)]


@pytest.fixture
def pages(personas, school_x, school_y, network_x, settings, tmp_path):
    """(rule name, visible text in Arabic) for each page of PAGES."""
    settings.AXES_ENABLED = False
    world = world_build(personas, school_x, school_y, network_x, settings, tmp_path)

    def render() -> list[tuple[str, str]]:
        rendered = []
        for name in PAGES:
            rule = RULES[name]
            persona = next(p for p in READERS if rule.expected[p] == 200)
            client = Client()
            client.force_login(personas[persona])
            url = rule.url(world) if callable(rule.url) else rule.url
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
            assert response.status_code == 200, (name, url)
            assert response["Content-Language"] == "ar"
            rendered.append((name, visible_text(response.content.decode())))
        return rendered

    yield render
    translation.deactivate()  # the client's requests leave Arabic active; later tests expect none


def test_with_the_option_on_no_arabic_page_shows_a_western_digit(pages, settings):
    settings.EASTERN_ARABIC_DIGITS = ["ar"]
    rendered = pages()
    found = {name: western_numbers(text)[:5] for name, text in rendered}
    assert {name: words for name, words in found.items() if words} == {}
    # The pages do show numbers, in Eastern Arabic digits.
    shown = {name for name, text in rendered if EASTERN.search(text)}
    assert {"events:network_calendar", "school_detail", "job_detail", "consultation_results"} <= shown


def test_with_the_option_off_arabic_pages_keep_digits_0_to_9(pages, settings):
    settings.EASTERN_ARABIC_DIGITS = []
    rendered = dict(pages())
    assert [name for name, text in rendered.items() if EASTERN.search(text)] == []
    assert western_numbers(rendered["events:network_calendar"])


def test_numbers_inside_tags_code_and_addresses_are_left_alone(settings):
    from kindred.core.numerals import digits_in_html

    page = (
        '<p title="12">1,234.50 in 2023/24, &#39;5&#39; <a href="/events/12/">12 schools</a> 45%</p>'
        '<code>x = 1</code><input value="2024-01-01"><script>var n = 1;</script><!-- 9 -->'
        "<textarea>3</textarea> SW1A 1AA teacher1@example.org /events/12/ https://example.org/2"
    )
    settings.EASTERN_ARABIC_DIGITS = ["ar"]
    assert digits_in_html(page) == (
        '<p title="12">١٬٢٣٤٫٥٠ in ٢٠٢٣/٢٤, &#39;٥&#39; <a href="/events/12/">١٢ schools</a> ٤٥٪</p>'
        '<code>x = 1</code><input value="2024-01-01"><script>var n = 1;</script><!-- 9 -->'
        "<textarea>3</textarea> SW1A 1AA teacher1@example.org /events/12/ https://example.org/2"
    )
