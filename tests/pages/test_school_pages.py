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


def test_home_page_uses_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    School.objects.bulk_create(School(registry_id=str(100000 + i), name=f"School {i}") for i in range(60))
    with django_assert_max_num_queries(4):
        response = client.get("/", {"q": "School"})
    assert len(response.context["page_obj"]) == 25


def test_home_paginates_long_results(client):
    School.objects.bulk_create(School(registry_id=str(100000 + i), name=f"School {i:03d}") for i in range(60))
    body = client.get("/", {"q": "School", "page": 3}).content.decode()
    assert "Page 3 of 3" in body and "School 059" in body
