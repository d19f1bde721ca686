"""The two example frameworks that ship with Kindred are read in the reader's language: their name,
description, scale, standards, descriptors and behaviours go through the catalogues
(kindred/frameworks/shipped.py). A framework a person wrote is shown as written."""

import html

import pytest
import yaml
from django.utils import translation

from kindred.frameworks.loading import read_yaml
from kindred.frameworks.services import framework_load
from kindred.frameworks.shipped import SHIPPED_TEXTS

from .conftest import EXAMPLES, framework_example_load

pytestmark = pytest.mark.django_db


def _example_texts(path) -> list[str]:
    data = yaml.safe_load(path.read_text())
    texts = [data["name"], data["description"], *data["scale"]]
    for domain in data["domains"]:
        for standard in domain["standards"]:
            texts += [standard["name"], *standard.get("descriptors", []), *standard.get("behaviours", [])]
    return texts


def test_every_text_of_the_shipped_examples_is_marked_for_the_catalogues():
    texts = [text for path in sorted(EXAMPLES.glob("*.yaml")) for text in _example_texts(path)]
    assert set(texts) == SHIPPED_TEXTS


@pytest.mark.parametrize("name", ["school-improvement", "professional-behaviours"])
def test_a_shipped_framework_is_read_in_welsh_and_arabic(client, site_admin, name):
    version = framework_example_load(name)
    client.force_login(site_admin)
    english = _example_texts(EXAMPLES / f"{name}.yaml")
    for language in ("cy", "ar"):
        page = html.unescape(
            client.get(
                f"/self-evaluation/frameworks/{version.pk}/", HTTP_ACCEPT_LANGUAGE=language
            ).content.decode()
        )
        left = [text for text in english if text in page]
        assert left == [], (language, left)
    welsh = html.unescape(
        client.get(f"/self-evaluation/frameworks/{version.pk}/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    )
    if name == "school-improvement":
        assert "Fframwaith gwella ysgolion" in welsh and "Rhagorol" in welsh
        assert "Nid oes datganiad cyffredin o'r hyn y mae'r ysgol yn anelu ato." in welsh
    else:
        assert "Yn defnyddio asesu i bennu'r man cychwyn" in welsh


def test_the_rating_form_offers_the_levels_and_standards_in_the_readers_language(client, site_admin):
    version = framework_example_load("professional-behaviours")
    client.force_login(site_admin)
    listed = html.unescape(
        client.get("/self-evaluation/frameworks/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    )
    assert "السلوكيات المهنية للمعلمين" in listed and "نادرًا ما يُلاحَظ" in listed
    assert "Rarely seen" not in listed
    standard = version.domains.get(code="planning").standards.get(code="P1")
    with translation.override("ar"):
        assert str(standard) == "P1 يخطط الدروس انطلاقًا مما يعرفه التلاميذ مسبقًا"
        assert str(version) == f"السلوكيات المهنية للمعلمين، الإصدار {version.number}"


def test_a_framework_a_person_wrote_is_shown_as_written_even_where_it_borrows_a_shipped_standard(
    client, site_admin
):
    spec = read_yaml(
        """
code: our-own
name: Our own framework
scale: [Developing, Strong]
domains:
  - code: reading
    name: Reading
    standards:
      - code: R1
        name: Pupils read widely for pleasure
        descriptors: [Few pupils read beyond lessons., Most pupils read widely.]
"""
    )
    version, _created = framework_load(spec=spec, by=None)
    client.force_login(site_admin)
    page = html.unescape(
        client.get(f"/self-evaluation/frameworks/{version.pk}/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    )
    assert "Our own framework" in page and "Pupils read widely for pleasure" in page
    assert "Few pupils read beyond lessons." in page and "Strong" in page
    assert "Yn datblygu" in page  # the one level worded as a shipped example's is read in Welsh
