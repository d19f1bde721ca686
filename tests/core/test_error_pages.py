"""The site's own name everywhere, and error pages that say what happened and where to go (finding 13)."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_branded_with_the_site_name_not_the_host(client, settings):
    settings.SITE_NAME = "Kindred Wales"
    page = client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8012").content.decode()
    assert "<title>Sign in · Kindred Wales</title>" in page
    assert "127.0.0.1:8012" not in page


def test_the_admin_is_branded_with_the_site_name(client, settings):
    settings.SITE_NAME = "Kindred Wales"
    assert "Kindred Wales" in client.get("/admin/login/").content.decode()


def test_a_missing_page_says_so_and_where_to_go(client):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and 'href="/"' in page and "/accounts/login/" in page


def test_a_forbidden_write_says_why(client, teacher_x, school_x):
    client.force_login(teacher_x)
    response = client.post(f"/accounts/schools/{school_x.registry_id}/staff/invite/", {})
    assert response.status_code == 403
    assert "may see this, but not change it" in response.content.decode()


def test_the_server_error_page_stands_alone():
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and 'href="/"' in page


def test_the_staff_link_is_shown_only_to_those_who_may_open_it(client, teacher_x, teacher_y, school_x):
    staff_url = f"/accounts/schools/{school_x.registry_id}/staff/"
    client.force_login(teacher_y)
    assert staff_url not in client.get(school_x.get_absolute_url()).content.decode()
    assert client.get(staff_url).status_code == 404
    client.force_login(teacher_x)
    assert staff_url in client.get(school_x.get_absolute_url()).content.decode()


def test_a_refused_form_says_what_to_do_in_the_persons_language(teacher_x):
    from django.test import Client
    from django.utils import translation

    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher_x)
    with translation.override("en"):  # restores the language the request leaves active
        response = client.post("/accounts/language/", {"language": "ar"}, HTTP_ACCEPT_LANGUAGE="cy")
    page = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="cy"' in page and "Nid oedd modd anfon eich ffurflen" in page
    assert "Yn ôl i'r dechrau" in page or "Yn ôl i&#x27;r dechrau" in page
    teacher_x.refresh_from_db()
    assert teacher_x.language == ""
