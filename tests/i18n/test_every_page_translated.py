"""Every page, in Welsh and in Arabic, shows no interface text left in English.

The pages are the permission matrix's (tests/accounts/test_permission_matrix.py): every address some
persona may GET with a 200 there, read by that persona (a network's coordinator first, who sees the
most), so a page added later, with its rule, is checked without anyone editing this file. The world
also holds what Kindred writes by itself: networks made by formation and by brokering, a derived
support category, the audit events of a coordinator's role, and what failed work says: an import's
problems (and the rows an import told to skip bad rows left out), a run that cannot place its schools, a recompute refused by the lock and who holds it.

"Left in English" means: a text of the page (outside code, scripts and form values; with titles,
labels and placeholders) that is one of the catalogue's English messages whose translation differs —
a whole text, or a sentence of three words or more inside a text, or a message with placeholders
whose English words are there around its values. Data is not interface text: school and network
names typed by people, titles of posts and events, are the test world's own English words and are
not messages of the catalogue.
"""

import contextlib
import os
import re
from html.parser import HTMLParser

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import get_resolver
from django.utils import translation
from django.utils.translation import gettext_noop

from kindred.brokering.infeasible import infeasible_said
from kindred.brokering.models import Invitation, ProposedNetwork, Run
from kindred.brokering.services import run_create, run_publish
from kindred.core.jobs import job_create, job_run
from kindred.core.locks import LockHeld, lock_hold
from kindred.core.models import Job
from kindred.core.progress import Said, stored_message
from kindred.engine import formation
from kindred.evidence.models import SupportCategory
from kindred.networks.models import Network
from kindred.schools.importing.planning import SKIP_PROBLEM
from kindred.schools.importing.report import ImportFailed, ImportReport, Problem
from tests.accounts.test_permission_matrix import World, rule_for, walk, world_build

pytestmark = [
    pytest.mark.django_db,
    # What a page says does not depend on the database: the walk runs once, on SQLite (CI's
    # PostgreSQL half leaves it out, as it does the every-page browser sweep); every address's
    # answer on PostgreSQL is the permission matrix's to check.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="the translation walk runs on SQLite only (pages say the same on PostgreSQL)",
    ),
]

# Pages known to show English and left to their owners, each with why (reported to the lead). None
# now: the API reference (/api/v1/docs/) translates the words Kindred writes for it
# (api/reference.py), while its OpenAPI document stays English as the machine contract.
KNOWN_ENGLISH: set[str] = set()
# Who reads each page: the first of these the permission matrix lets see it.
READERS = ["school_leader_x", "system_leader", "site_admin", "teacher_x", "school_admin_x", "teacher_y"]
HIDDEN = {"script", "style", "code", "pre", "kbd", "samp", "textarea", "option"}
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
WORD = re.compile(r"[A-Za-z]{2,}")
LONG_WORD = re.compile(r"[A-Za-z]{3,}")
EDGES = " \t\n:·—–-,.;()[]|/✓✕↻⚠🔒*"


class Texts(HTMLParser):
    """The texts a person reads on a page: text nodes outside code and form values, and the
    attributes a screen reader speaks or a pointer shows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data)


def page_texts(html: str) -> list[str]:
    parser = Texts()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts]


class English:
    """The catalogue's English messages that `language` translates differently."""

    def __init__(self, language: str):
        catalogue = polib.pofile(str(settings.LOCALE_PATHS[0] / language / "LC_MESSAGES" / "django.po"))
        self.whole: set[str] = set()
        self.sentences: set[re.Pattern] = set()
        self.patterns: list[tuple[str, re.Pattern]] = []
        for entry in catalogue:
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                if msgid in translations or not any(translations):
                    continue
                self._add(msgid)

    def _add(self, msgid: str) -> None:
        msgid = " ".join(msgid.split())
        if PLACEHOLDER.search(msgid):
            literal = PLACEHOLDER.split(msgid)
            words = LONG_WORD.findall(" ".join(literal))
            if len(words) < 2 and not any(len(word) >= 5 for word in words):
                return  # too little English to tell from data or another language ("%(n)s new")
            pattern = "(.+?)".join(_bounded(part) for part in literal)
            self.patterns.append((max(literal, key=len).strip(), re.compile(pattern)))
            return
        text = msgid.strip(EDGES)
        words = WORD.findall(text)
        if not words or len(text) < 4:
            return  # "OK", "km", a sign: not telling
        self.whole.add(text)
        if len(words) >= 3:
            self.sentences.add(re.compile(_bounded(text)))

    def found_in(self, texts: list[str], data: re.Pattern) -> list[str]:
        """The English messages in `texts`, once the world's data (names, titles) is taken out."""
        found = set()
        for text in texts:
            if not LONG_WORD.search(text):
                continue
            for candidate in self._in_text(text):
                if self._in_text(data.sub("▢", text)):
                    found.add(candidate)
        return sorted(found)

    def _in_text(self, text: str) -> list[str]:
        found = []
        if text.strip(EDGES) in self.whole:
            found.append(text.strip(EDGES))
        found += [m.group() for sentence in self.sentences if (m := sentence.search(text))]
        found += [
            m.group() for longest, pattern in self.patterns if longest in text and (m := pattern.search(text))
        ]
        return found


def _bounded(part: str) -> str:
    """`part` as a regular expression that matches whole words only: "new" is not in "newydd"."""
    escaped = re.escape(part)
    if part[:1].isalpha():
        escaped = r"\b" + escaped
    if part[-1:].isalpha():
        escaped += r"\b"
    return escaped


def data_of_the_world() -> re.Pattern:
    """The words people typed (or the test world made up, in English): names of schools, places,
    people and networks, titles of posts, events, resources, plans and consultations, the example
    frameworks' own text. Kindred's generated texts are not in it: a network Kindred named is not."""
    from django.apps import apps
    from django.db import models

    texts: set[str] = set()
    for field in ("name", "purpose", "description", "subject"):
        texts.update(Network.objects.filter(made_by="").values_list(field, flat=True))
    for label in ("schools.School", "schools.Region", "schools.LocalAuthority"):
        texts.update(apps.get_model(label).objects.values_list("name", flat=True))
    texts.update(apps.get_model("accounts.User").objects.values_list("full_name", flat=True))
    for app in ("frameworks", "voice", "plans", "board", "library", "events", "offers"):
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.CharField | models.TextField) and not field.choices:
                    texts.update(str(v) for v in model.objects.values_list(field.name, flat=True) if v)
                elif isinstance(field, models.JSONField):
                    for value in model.objects.values_list(field.name, flat=True):
                        if isinstance(value, list):
                            texts.update(str(v) for v in value)
    parts = sorted((" ".join(t.split()) for t in texts if len(t.strip()) >= 3), key=len, reverse=True)
    return re.compile("|".join(re.escape(part) for part in parts) or "(?!)")


def _generated(world: World) -> None:
    """What Kindred writes by itself: a network made by formation, one made by brokering (published
    runs), a derived support category; their audit events (a coordinator's role) come with them."""
    leader, school_x, school_y = world.personas["system_leader"], world.school_x, world.school_y
    for kind, roles in (("formation", ("host", "member")), ("brokering", ("need", "partner"))):
        run = run_create(kind=kind, region=school_x.region, by=leader)
        Run.objects.filter(pk=run.pk).update(status=Run.Status.REVIEW, min_size=2, max_size=30)
        run.refresh_from_db()
        proposed = ProposedNetwork.objects.create(run=run, number=7, domain="english_maths")
        for school, role in zip((school_x, school_y), roles, strict=True):
            Invitation.objects.create(proposed_network=proposed, school=school, role=role)
        run_publish(run=run, by=leader, coordinator="publisher")
        for invitation in Invitation.objects.filter(proposed_network=proposed):
            world.extra.setdefault("invitations", []).append(invitation)
    SupportCategory.objects.update_or_create(
        school=school_x,
        defaults={
            "category": "amber",
            "source": "derived",
            "counts": {"needs": 6, "serious": 4, "strengths": 2, "measures": 14},
        },
    )
    _failures(world)


def _failures(world: World) -> None:
    """What Kindred says when work fails: an import whose file has problems (their reasons, causes and
    summary), an import that skipped its bad rows (why, row by row, and its summary), a formation run that cannot place its schools (the engine's reason), a recompute refused
    because another holds the lock (who holds it). Their pages are read with the others."""
    admin, leader = world.personas["site_admin"], world.personas["system_leader"]
    report = ImportReport(file="gias.csv", rows=3)
    report.problems.append(
        Problem(
            2, "OpenDate", Said(gettext_noop("not a date in the form %(format)s"), format="DD-MM-YYYY"), "x"
        )
    )
    report.problems.append(
        Problem(3, "URN", Said(gettext_noop("the id is already on row %(row)d"), row=2), "1")
    )
    report.problems.append(Problem(1, "LA (code)", no_such_column_said()))
    imported = job_create(
        kind=Job.Kind.IMPORT_SCHOOLS, label=gettext_noop("Import schools: %(file)s"), by=admin
    )
    imported.outcome = report.outcome()

    def fail_import(progress):
        raise ImportFailed(report)

    with contextlib.suppress(ImportFailed):
        job_run(imported, fail_import)
    # An import asked to skip bad rows: it succeeds, and says which rows it left out and why.
    skipping = ImportReport(file="gias.csv", rows=3, rows_created=2)
    skipping.skipped_problems.append(report.problems[0])
    skipping.skipped[str(SKIP_PROBLEM)] += 1
    skipped = job_create(
        kind=Job.Kind.IMPORT_SCHOOLS, label=gettext_noop("Import schools: %(file)s"), by=admin
    )
    job_run(skipped, lambda progress: skipping.outcome())
    run = run_create(kind="formation", region=world.school_x.region, by=leader, min_size=2, max_size=3)
    said = infeasible_said(formation.Infeasible("English", code="too_few_schools", n=1, min=2))
    text, params = stored_message(said, length=1000)
    Run.objects.filter(pk=run.pk).update(
        status=Run.Status.FAILED, report={"error": text, "error_params": params}
    )
    refused = job_create(kind=Job.Kind.RECOMPUTE, label=gettext_noop("Recompute evidence"), by=admin)
    holder = Said(gettext_noop("background job %(id)d, started by %(person)s"), id=7, person=str(admin))

    def recompute(progress):
        with (
            lock_hold("evidence.recompute", what=gettext_noop("A recompute"), holder=holder),
            lock_hold("evidence.recompute", what=gettext_noop("A recompute")),
        ):
            return {}

    with contextlib.suppress(LockHeld):
        job_run(refused, recompute)
    world.extra["failures"] = {
        imported.get_absolute_url(): "site_admin",
        skipped.get_absolute_url(): "site_admin",
        refused.get_absolute_url(): "site_admin",
        run.get_absolute_url(): "system_leader",
    }


def no_such_column_said() -> Said:
    """A missing column's reason, as the importers give it (the nearest names, the file's columns)."""
    return Said(
        gettext_noop("%(reason)s. The file's columns: %(columns)s"),
        reason=Said(
            gettext_noop("%(reason)s; the nearest: %(names)s"),
            reason=Said(gettext_noop("the file has no such column")),
            names="'LA code'",
        ),
        columns="'URN', 'LA code'",
    )


@pytest.fixture
def pages(personas, school_x, school_y, network_x, settings, tmp_path):
    """(address, persona) for every page some persona may read, in a world with generated data."""
    settings.AXES_ENABLED = False
    world = world_build(personas, school_x, school_y, network_x, settings, tmp_path)
    _generated(world)
    chosen = {}
    for route, name in walk(get_resolver().url_patterns):
        rule = rule_for(route, name, world)
        if rule is None or rule.method != "get" or route.startswith("admin/"):
            continue
        reader = next((p for p in READERS if rule.expected[p] == 200), None)
        if reader is None:
            continue
        url = rule.url(world) if callable(rule.url) else rule.url
        if url.endswith((".json", ".csv", ".pdf", ".ics")) or "/qrcode/" in url or url.endswith("/jsi18n/"):
            continue
        if url in KNOWN_ENGLISH:
            continue
        chosen[url] = reader
    for network in Network.objects.exclude(made_by=""):
        chosen[network.get_absolute_url()] = "system_leader"
    chosen.update(world.extra["failures"])
    yield world, sorted(chosen.items())
    translation.deactivate()


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_no_page_shows_interface_text_in_english(pages, language):
    world, addresses = pages
    english = English(language)
    data = data_of_the_world()
    clients = {}
    left, read = {}, 0
    for url, persona in addresses:
        if persona not in clients:
            clients[persona] = Client()
            clients[persona].force_login(world.personas[persona])
        response = clients[persona].get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        if getattr(response, "streaming", False):
            continue
        read += 1
        found = english.found_in(page_texts(response.content.decode()), data)
        if found:
            left[url] = found
    assert read > 60  # the walk reached the pages
    assert left == {}, "\n".join(f"{url}: {found}" for url, found in left.items())


def test_the_check_finds_english_left_in_a_page():
    english = English("ar")
    data = re.compile(re.escape("Matrix network"))
    texts = page_texts(
        "<h1>لوحة</h1><p>Audit log</p><p>هذا Proposed by network formation</p>"
        '<a title="Find a school">x</a><code>Audit log</code><p>South East network 7 (School X)</p>'
    )
    found = english.found_in(texts, data)
    assert {"Audit log", "Find a school", "Proposed by network formation"} <= set(found)
    assert any(text.startswith("South East network 7") for text in found)
    # Data, and Arabic, are not English left behind; neither is a word inside another language's word.
    assert english.found_in(page_texts("<p>مدرسة X</p><p>Matrix network</p>"), data) == []
    assert English("cy").found_in(page_texts("<p>Cyfrinair newydd</p>"), data) == []


def test_a_generated_network_reads_in_each_language(pages):
    network = Network.objects.get(made_by=Network.Made.FORMATION)
    with translation.override("en"):
        assert network.display_name == f"{network.region.name} network 7 ({network.name_params['host']})"
        assert network.display_purpose == "Proposed by network formation"
    with translation.override("cy"):
        assert "network" not in network.display_name
        assert network.display_purpose != "Proposed by network formation"
