"""The admin's searches answer from an index, and say what they find (issue 9, item 10).

People: accounts/search.py (FTS5 word prefixes on SQLite, trigram "contains" on PostgreSQL).
Schools: the home page's folded search (schools/selectors.school_search_q). The timing at
national scale is benchmarks/bench_admin.py's; here: meaning, indexes kept up to date, no
per-row queries.
"""

import json

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindred.accounts.models import User
from kindred.accounts.search import people_matching
from kindred.schools.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "sian": User.objects.create_user(
            email="s.jones@ysgol.example", password=None, full_name="Siân Jones"
        ),
        "john": User.objects.create_user(
            email="jsmith@school.example", password=None, full_name="John Smith"
        ),
        "jo": User.objects.create_user(
            email="jo.smithson@school.example", password=None, full_name="Jo Smithson"
        ),
        "ali": User.objects.create_user(email="ali@school.example", password=None, full_name="علي حسن"),
    }


def found(text):
    return set(people_matching(User.objects.all(), text).values_list("full_name", flat=True))


def test_a_word_finds_everyone_whose_name_or_address_has_a_word_starting_with_it(people):
    assert found("smith") == {"John Smith", "Jo Smithson"}
    assert found("SMI") == {"John Smith", "Jo Smithson"}
    assert found("jsmith") == {"John Smith"}  # the address's first word


def test_every_word_typed_must_be_found(people):
    assert found("jo smiths") == {"Jo Smithson"}
    assert found("john jones") == set()


def test_arabic_names_are_found(people):
    assert found("علي") == {"علي حسن"}


def test_an_address_is_looked_up_whole(people):
    assert found("jsmith@School.example") == {"John Smith"}
    assert found("nobody@school.example") == set()


def test_punctuation_alone_finds_no_one_and_an_empty_search_everyone(people):
    assert found("--") == set()
    assert len(found("  ")) == len(people)


def test_a_changed_name_is_found_by_its_new_words_only(people):
    person = people["ali"]
    person.full_name = "Ali Carpenter"
    person.save()
    assert found("carpen") == {"Ali Carpenter"}
    assert found("حسن") == set()
    person.delete()
    assert found("carpen") == set()


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_on_sqlite_accents_are_folded_and_words_are_matched_from_their_start(people):
    assert found("sian") == {"Siân Jones"}
    assert found("mith") == set()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_on_postgresql_a_word_is_found_anywhere_and_from_the_trigram_index(people):
    assert found("mith") == {"John Smith", "Jo Smithson"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'accounts_user' AND indexdef LIKE '%%gin_trgm_ops%%'"
        )
        assert {row[0] for row in cursor.fetchall()} == {
            "accounts_user_email_trgm",
            "accounts_user_full_name_trgm",
        }


def test_the_admin_list_and_the_person_picker_use_the_people_search(client, site_admin, people):
    client.force_login(site_admin)
    page = client.get("/admin/accounts/user/", {"q": "smith"}).content.decode()
    assert "jsmith@school.example" in page and "jo.smithson@school.example" in page
    assert "s.jones@ysgol.example" not in page
    answer = client.get(
        "/admin/autocomplete/",
        {"app_label": "accounts", "model_name": "regionalrole", "field_name": "user", "term": "jo smiths"},
    )
    assert [r["text"] for r in json.loads(answer.content)["results"]] == [
        "Jo Smithson <jo.smithson@school.example>"
    ]


def test_the_school_admin_searches_folded_names_and_lists_without_a_query_per_row(
    client, site_admin, region_a, django_assert_max_num_queries
):
    authority = region_a.authorities.get()
    for i in range(30):
        School.objects.create(
            registry_id=f"9{i:05d}", name=f"Ysgol Bro {i}", region=region_a, local_authority=authority
        )
    School.objects.create(registry_id="777777", name="Ysgol Gymraeg Dinefŵr", town="Llandeilo")
    client.force_login(site_admin)
    with django_assert_max_num_queries(12):
        page = client.get("/admin/schools/school/").content.decode()
    assert "Ysgol Bro 0" in page and "Ysgol Bro 29" in page
    found_page = client.get("/admin/schools/school/", {"q": "dinefwr"}).content.decode()
    assert "Dinefŵr" in found_page and "Ysgol Bro 1" not in found_page
    assert "Dinefŵr" in client.get("/admin/schools/school/", {"q": "777777"}).content.decode()


def test_two_factor_secrets_are_hidden_from_site_administrators(client, site_admin, teacher_x):
    device = TOTPDevice.objects.create(user=teacher_x, name="phone", confirmed=True)
    client.force_login(site_admin)
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in change and 'name="key"' not in change
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403
    assert device.key not in client.get("/admin/otp_totp/totpdevice/").content.decode()
