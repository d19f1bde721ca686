import pytest

from kindred.schools.models import School

pytestmark = pytest.mark.django_db


def test_home_says_what_to_do_when_there_are_no_schools(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "kindred import schools" in response.content.decode()


def test_home_finds_a_school_by_name_town_or_id(client):
    School.objects.create(registry_id="100000", name="Sir John Cass Primary", town="London")
    School.objects.create(registry_id="200000", name="Harbour Academy", town="Dover")
    for query in ["cass", "London", "100000"]:
        body = client.get("/", {"q": query}).content.decode()
        assert "Sir John Cass Primary" in body and "Harbour Academy" not in body


def test_school_page_shows_registry_data(client):
    school = School.objects.create(registry_id="100000", name="Sir John Cass Primary", pupils=285)
    body = client.get(school.get_absolute_url()).content.decode()
    assert "Sir John Cass Primary" in body and "285" in body


def test_unknown_school_is_404(client):
    assert client.get("/schools/nope/").status_code == 404
