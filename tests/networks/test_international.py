"""International networks (issue 23, item 2): a network holds schools of several countries; its page,
member list and directory entry show each school in its own country's words and the countries it
spans; the directory finds networks in other countries only when asked; one country: unchanged."""

from kindred.networks import borders
from kindred.networks.services import membership_add


def test_a_network_takes_schools_of_several_countries_and_is_international(nile_and_taff, school_x):
    assert borders.spans([nile_and_taff.pk]) == {nile_and_taff.pk: ["wls", "eg"]}
    assert borders.is_international(nile_and_taff)
    membership_add(network=nile_and_taff, school=school_x, role="member", by=None)
    assert borders.spans([nile_and_taff.pk])[nile_and_taff.pk] == ["eng", "wls", "eg"]


def test_a_network_of_one_country_is_not_international(network_x, three_countries):
    assert borders.spans([network_x.pk]) == {network_x.pk: ["eng"]}
    assert not borders.is_international(network_x)


def test_one_country_installed_asks_nothing(network_x, settings, django_assert_num_queries):
    settings.COUNTRIES = []
    with django_assert_num_queries(0):
        assert borders.spans([network_x.pk]) == {}
        assert borders.with_countries([network_x])[0].country_names == []


def test_the_network_page_shows_each_member_in_its_countrys_words(client, nile_and_taff, school_leader_x):
    client.force_login(school_leader_x)
    page = client.get(nile_and_taff.get_absolute_url()).content.decode()
    assert "Preparatory · Educational administration: East Nasr City · Egypt" in page
    assert "Secondary · Council: Cardiff · Wales" in page
    assert "Wales · Egypt" in page
    assert ">International<" in page


def test_in_welsh_and_arabic_each_school_keeps_its_countrys_words(client, nile_and_taff, school_leader_x):
    client.force_login(school_leader_x)
    welsh = client.get(nile_and_taff.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Paratoadol · Gweinyddiaeth addysg: East Nasr City · Yr Aifft" in welsh
    assert "Cymru · Yr Aifft" in welsh
    arabic = client.get(nile_and_taff.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "إعدادي · الإدارة التعليمية: East Nasr City · مصر" in arabic


def test_one_country_installed_the_network_page_is_unchanged(client, network_x, school_leader_x, settings):
    settings.COUNTRIES = []
    client.force_login(school_leader_x)
    page = client.get(network_x.get_absolute_url()).content.decode()
    assert "Countries" not in page
    assert ">International<" not in page
    assert "Local authority: Authority A1" not in page


def test_the_directory_names_the_countries_each_network_spans(client, nile_and_taff, network_x, teacher_x):
    client.force_login(teacher_x)
    page = client.get("/networks/").content.decode()
    assert "Wales · Egypt" in page
    assert 'name="country"' in page


def found(client, **filters) -> str:
    """The directory's results (after "Find a network", not the reader's own networks above it)."""
    return client.get("/networks/", filters).content.decode().split("Find a network", 1)[1]


def test_the_directory_finds_networks_in_other_countries_only_when_asked(
    client, nile_and_taff, network_x, teacher_x
):
    client.force_login(teacher_x)
    everything = found(client)
    assert "Nile and Taff" in everything and "Xavier Learning Community" in everything
    other = found(client, country="other")
    assert "Nile and Taff" in other and "Xavier Learning Community" not in other
    egypt = found(client, country="eg")
    assert "Nile and Taff" in egypt and "Xavier Learning Community" not in egypt


def test_other_countries_are_other_than_the_readers_own(client, nile_and_taff, cardiff):
    from kindred.accounts.models import SchoolStaff, User

    welsh_teacher = User.objects.create_user(email="athro@example.org", password="x", full_name="Athro")
    SchoolStaff.objects.create(user=welsh_teacher, school=cardiff, role="teacher")
    assert borders.reader_countries(welsh_teacher) == ["wls"]
    # Nile and Taff has an Egyptian member: a network in another country for a Welsh teacher too.
    client.force_login(welsh_teacher)
    assert "Nile and Taff" in found(client, country="other")


def test_one_country_installed_the_directory_has_no_country_filter(client, network_x, teacher_x, settings):
    settings.COUNTRIES = []
    client.force_login(teacher_x)
    page = client.get("/networks/").content.decode()
    assert 'name="country"' not in page


def test_the_directory_finds_networks_by_language_of_instruction(
    client, nile_and_taff, network_x, teacher_x, cairo
):
    from kindred.networks.models import PartnerProfile

    client.force_login(teacher_x)
    # A school that names no language teaches in its country's: Welsh in Wales, Arabic in Egypt.
    arabic = found(client, language="ar")
    assert "Nile and Taff" in arabic and "Xavier Learning Community" not in arabic
    english = found(client, language="en")
    assert "Nile and Taff" not in english and "Xavier Learning Community" in english
    assert "Nile and Taff" in found(client, language="cy")
    assert "Nile and Taff" not in found(client, language="fr")
    # A school that names its languages is found by them alone.
    PartnerProfile.objects.create(school=cairo, instruction_languages=",fr,", open_to_partners=True)
    assert "Nile and Taff" in found(client, language="fr")
    assert "Nile and Taff" not in found(client, language="ar")
    assert "Nile and Taff" in found(client, language="cy")  # through Cardiff


def test_the_directory_has_a_language_filter_with_one_country_too(client, network_x, teacher_x, settings):
    settings.COUNTRIES = []
    client.force_login(teacher_x)
    assert 'name="language"' in client.get("/networks/").content.decode()
    assert "Xavier Learning Community" in found(client, language="en")
    assert "Xavier Learning Community" not in found(client, language="ar")


def test_the_people_search_finds_colleagues_in_one_country_or_in_others(
    client, teacher_x, teacher_cairo, teacher_cardiff
):
    from kindred.networks.services import profile_update

    for person in (teacher_x, teacher_cairo, teacher_cardiff):
        profile_update(user=person, subjects="science", visibility="everyone")
    client.force_login(teacher_x)
    everyone = client.get("/people/", {"q": "science"}).content.decode()
    assert "Rhian Jones" in everyone and "منى عبد الله" in everyone
    egypt = client.get("/people/", {"q": "science", "country": "eg"}).content.decode()
    assert "منى عبد الله" in egypt and "Rhian Jones" not in egypt
    other = client.get("/people/", {"q": "science", "country": "other"}).content.decode()
    assert "منى عبد الله" in other and "Rhian Jones" in other
    client.force_login(teacher_cardiff)  # for a teacher in Wales, England is another country
    other = client.get("/people/", {"q": "science", "country": "other"}).content.decode()
    assert "منى عبد الله" in other and f"/people/{teacher_x.pk}/" in other
    assert (
        f"/people/{teacher_x.pk}/"
        not in client.get("/people/", {"q": "science", "country": "eg"}).content.decode()
    )


def test_one_country_installed_the_people_search_has_no_country_filter(client, teacher_x, settings):
    settings.COUNTRIES = []
    client.force_login(teacher_x)
    assert 'name="country"' not in client.get("/people/").content.decode()
