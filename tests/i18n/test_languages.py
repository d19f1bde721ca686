"""Languages: the switch remembers each person's choice; the browser's language is used on a first visit."""

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from kindred.accounts.models import User
from kindred.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def choose(client, language: str, next_url: str = "/"):
    return client.post("/accounts/language/", {"language": language, "next": next_url})


def test_a_first_visit_speaks_the_browsers_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="cy,en;q=0.5")
    assert response["Content-Language"] == "cy"
    assert '<html lang="cy" dir="ltr">' in response.content.decode()
    assert "Dod o hyd i ysgol" in response.content.decode()


def test_an_arabic_page_is_right_to_left(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert '<html lang="ar" dir="rtl">' in response.content.decode()
    assert "ابحث عن مدرسة" in response.content.decode()


def test_an_anonymous_visitors_choice_is_kept_in_a_cookie_and_wins_over_the_browser(client):
    response = choose(client, "ar", "/?q=x")
    assert response.status_code == 302 and response["Location"] == "/?q=x"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="cy")["Content-Language"] == "ar"


def test_a_signed_in_persons_choice_is_saved_on_the_account_and_follows_them(client, teacher_x):
    client.force_login(teacher_x)
    choose(client, "cy")
    teacher_x.refresh_from_db()
    assert teacher_x.language == "cy"
    assert AuditEvent.objects.filter(action="account.language_set", actor=teacher_x).exists()
    # Another browser, with no cookie and an English Accept-Language: still Welsh.
    elsewhere = client.__class__()
    elsewhere.force_login(teacher_x)
    assert elsewhere.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "cy"


def test_a_person_without_a_saved_choice_keeps_the_browsers_language(client, teacher_x):
    client.force_login(teacher_x)
    assert client.get("/accounts/profile/", HTTP_ACCEPT_LANGUAGE="ar")["Content-Language"] == "ar"


def test_a_language_not_offered_is_refused_and_changes_nothing(client, teacher_x):
    client.force_login(teacher_x)
    response = choose(client, "fr")
    assert response.status_code == 400
    assert User.objects.get(pk=teacher_x.pk).language == ""
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_never_sends_a_person_to_another_site(client):
    assert choose(client, "cy", "https://evil.example/")["Location"] == "/"


def test_every_page_offers_the_other_languages_named_in_themselves(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="cy"' in page and "Cymraeg" in page and "العربية" in page


def test_arabic_plurals_take_their_six_forms():
    template = Template(
        "{% load i18n %}{% blocktranslate count n=n %}{{ n }} school{% plural %}{{ n }} schools{% endblocktranslate %}"
    )
    with translation.override("ar"):
        said = [template.render(Context({"n": n})) for n in (0, 1, 2, 3, 11, 100)]
    assert said == ["لا مدارس (0)", "مدرسة واحدة (1)", "مدرستان (2)", "3 مدارس", "11 مدرسة", "100 مدرسة"]


def test_dates_are_written_in_the_pages_language():
    import datetime

    template = Template("{{ d|date }}")
    day = {"d": datetime.date(2024, 3, 5)}
    with translation.override("cy"):
        assert template.render(Context(day)) == "5 Mawrth 2024"
    with translation.override("ar"):
        assert template.render(Context(day)) == "5 مارس 2024"


def test_eastern_arabic_digits_are_a_per_language_option(settings):
    template = Template("{% load kindred %}{{ n|number }} · {{ x|number:2 }}")
    values = {"n": 38123, "x": 1234.5}
    with translation.override("ar"):
        settings.EASTERN_ARABIC_DIGITS = []
        assert template.render(Context(values)) == "38,123 · 1,234.50"
        settings.EASTERN_ARABIC_DIGITS = ["ar"]
        assert template.render(Context(values)) == "٣٨٬١٢٣ · ١٬٢٣٤٫٥٠"
    with translation.override("cy"):
        assert template.render(Context(values)) == "38,123 · 1,234.50"


def test_eastern_arabic_digits_follow_the_country_profile_unless_the_setting_is_set(settings):
    template = Template("{% load kindred %}{{ n|number }}")
    settings.EASTERN_ARABIC_DIGITS = None  # unset: the country decides
    with translation.override("ar"):
        settings.COUNTRY = "eg"
        assert template.render(Context({"n": 2024})) == "٢٬٠٢٤"
        settings.COUNTRY = "eng"
        assert template.render(Context({"n": 2024})) == "2,024"
        settings.COUNTRY = "eg"
        settings.EASTERN_ARABIC_DIGITS = []  # set, even empty: the installation's choice wins
        assert template.render(Context({"n": 2024})) == "2,024"
    with translation.override("cy"):
        settings.EASTERN_ARABIC_DIGITS = None
        assert template.render(Context({"n": 2024})) == "2,024"  # Egypt's Welsh pages: 0-9


def test_an_egyptian_arabic_page_writes_eastern_digits_by_default(client, settings, school_x):
    settings.EASTERN_ARABIC_DIGITS = None
    settings.COUNTRY = "eg"
    response = client.get(school_x.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar")
    translation.deactivate()
    assert response.status_code == 200
    assert "٢" in response.content.decode() or "١" in response.content.decode()
