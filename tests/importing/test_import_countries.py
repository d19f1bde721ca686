"""Imports name their country (issue 23 item 1): the schools, regions and authorities a file creates are
in the import's country, its bounds check the coordinates, and a row naming a region, authority or
school of another country is refused (docs/importing.md, "Several countries")."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kindred.accounts.models import User
from kindred.core.models import Job
from kindred.schools.importing import CountryNotInstalled, ImportFailed, measures_import, schools_import
from kindred.schools.models import LocalAuthority, Region, School, SchoolMeasure

pytestmark = pytest.mark.django_db

MAPPING = {
    "id": "id",
    "schools": {
        "fields": {"name": "name"},
        "coordinates": {"latitude": "lat", "longitude": "lon"},
        "local_authority": {"name": "authority"},
        "region": {"name": "region"},
    },
}
CARDIFF = "W1,Ysgol Caerdydd,Caerdydd,Canol De Cymru,51.48,-3.18"
CAIRO = "E1,مدرسة النور,إدارة مصر الجديدة,القاهرة,30.05,31.24"
HEADER = "id,name,authority,region,lat,lon"


@pytest.fixture(autouse=True)
def _three_countries(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls", "eg"]


@pytest.fixture
def mapping(tmp_path):
    path = tmp_path / "places.yaml"
    path.write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    return path


@pytest.fixture
def csv(tmp_path):
    def write(*rows: str, name: str = "schools.csv"):
        path = tmp_path / name
        path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
        return path

    return write


def test_an_import_puts_its_schools_regions_and_authorities_in_its_country(csv, mapping):
    schools_import(path=csv(CARDIFF), mapping=mapping, country="wls")
    school = School.objects.get(registry_id="W1")
    assert school.country_code == "wls"
    assert school.region.country_code == "wls"
    assert school.local_authority.schools.get() == school  # an authority with no region: its schools' country


def test_an_import_naming_no_country_is_in_the_default(csv, mapping):
    schools_import(path=csv("N1,Northside,Leeds,Yorkshire,53.8,-1.55"), mapping=mapping)
    assert School.objects.get().country_code == "eng"
    assert Region.objects.get().country_code == "eng"


def test_the_bounds_are_the_import_countrys(csv, mapping):
    """Cairo is outside England's bounds and inside Egypt's."""
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=csv(CAIRO), mapping=mapping)
    assert {p.column for p in failed.value.report.problems} >= {"lat"}
    assert not School.objects.exists()
    schools_import(path=csv(CAIRO), mapping=mapping, country="eg")
    assert School.objects.get().country_code == "eg"


def test_a_country_the_installation_does_not_hold_is_refused_and_nothing_is_written(csv, mapping, settings):
    settings.COUNTRIES = ["wls"]
    with pytest.raises(CountryNotInstalled, match="eg is not one of this installation's countries"):
        schools_import(path=csv(CAIRO), mapping=mapping, country="eg")
    assert not School.objects.exists() and not Region.objects.exists()


def test_a_row_naming_a_region_of_another_country_is_refused_with_its_reason(csv, mapping):
    schools_import(path=csv(CARDIFF), mapping=mapping, country="wls")
    stray = "E9,Border School,Monmouth,Canol De Cymru,51.8,-2.7"  # a Welsh region named in an English file
    with pytest.raises(ImportFailed) as failed:
        schools_import(path=csv("N1,Northside,Leeds,Yorkshire,53.8,-1.55", stray), mapping=mapping)
    problems = failed.value.report.problems
    assert {(p.row, p.column) for p in problems} == {(3, "region")}
    assert "another country (wls); the import is for eng" in str(problems[0].reason)
    assert School.objects.count() == 1  # nothing of the file was written


def test_a_school_or_authority_of_another_country_is_refused_too(csv, mapping):
    schools_import(path=csv(CARDIFF), mapping=mapping, country="wls")
    with pytest.raises(ImportFailed) as failed:
        schools_import(
            path=csv("W1,Ysgol Caerdydd,Leeds,Yorkshire,53.8,-1.55", "E2,Two,Caerdydd,Yorkshire,53.8,-1.5"),
            mapping=mapping,
        )
    assert {(p.row, p.column) for p in failed.value.report.problems} == {(2, "id"), (3, "authority")}


def test_skipping_bad_rows_skips_the_other_countrys_rows_and_imports_the_rest(csv, mapping):
    schools_import(path=csv(CARDIFF), mapping=mapping, country="wls")
    report = schools_import(
        path=csv("N1,Northside,Leeds,Yorkshire,53.8,-1.55", "E9,Border,Monmouth,Canol De Cymru,51.8,-2.7"),
        mapping=mapping,
        skip_bad_rows=True,
    )
    assert report.schools.created == 1
    assert set(School.objects.values_list("registry_id", "country_code")) == {("W1", "wls"), ("N1", "eng")}


def test_the_same_region_name_in_one_country_is_fine_again(csv, mapping):
    """A second Welsh file naming the Welsh region updates nothing that is not Welsh."""
    schools_import(path=csv(CARDIFF), mapping=mapping, country="wls")
    report = schools_import(
        path=csv("W2,Ysgol Arall,Caerdydd,Canol De Cymru,51.5,-3.2"), mapping=mapping, country="wls"
    )
    assert report.schools.created == 1
    assert Region.objects.count() == 1 and LocalAuthority.objects.count() == 1


def test_a_measures_file_imports_for_schools_of_several_countries(csv, mapping, tmp_path):
    schools_import(path=csv(CARDIFF), mapping=mapping, country="wls")
    schools_import(path=csv(CAIRO), mapping=mapping, country="eg")
    schools_import(path=csv("N1,Northside,Leeds,Yorkshire,53.8,-1.55"), mapping=mapping)
    long = tmp_path / "measures.csv"
    long.write_text(
        "school_id,measure,year,value,cohort\nW1,fsm_pct,2023,20.5,100\nE1,fsm_pct,2023,31,80\n"
        "N1,fsm_pct,2023,12,90\n",
        encoding="utf-8",
    )
    report = measures_import(path=long)
    assert report.measures.created == 3
    stored = dict(SchoolMeasure.objects.values_list("school__country_code", "value"))
    assert stored == {"wls": 20.5, "eg": 31.0, "eng": 12.0}


def test_the_command_takes_a_country_and_refuses_one_not_installed(csv, mapping, capsys):
    call_command("import", "schools", str(csv(CAIRO)), "--mapping", str(mapping), "--country", "eg")
    assert School.objects.get().country_code == "eg"
    with pytest.raises(CommandError, match="xx is not one of this installation's countries"):
        call_command("import", "schools", str(csv(CARDIFF)), "--mapping", str(mapping), "--country", "xx")
    assert School.objects.count() == 1


@pytest.fixture
def staff_client(client, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    return client


def _post(client, mapping_name: str, country: str):
    upload = SimpleUploadedFile("cairo.csv", f"{HEADER}\n{CAIRO}\n".encode(), content_type="text/csv")
    return client.post(
        reverse("admin:schools_school_import"),
        {"file": upload, "kind": "schools", "mapping": mapping_name, "country": country},
    )


def test_the_import_page_offers_the_installations_countries_and_imports_into_the_chosen_one(
    staff_client, mapping, django_capture_on_commit_callbacks
):
    from kindred.schools.importing.service import saved_mapping_save

    saved_mapping_save(name="places", data=MAPPING)
    page = staff_client.get(reverse("admin:schools_school_import"))
    assert b'value="eg"' in page.content and b'value="wls"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(staff_client, "places", "eg")
    assert response.status_code == 302
    assert Job.objects.get().status == Job.Status.SUCCEEDED
    assert School.objects.get().country_code == "eg"


def test_the_import_page_refuses_a_country_not_installed(staff_client):
    from kindred.schools.importing.service import saved_mapping_save

    saved_mapping_save(name="places", data=MAPPING)
    response = _post(staff_client, "places", "fr")
    assert response.status_code == 400
    assert not Job.objects.exists() and not School.objects.exists()


def test_the_admin_offers_a_schools_country_only_when_there_are_several(staff_client, settings):
    school = School.objects.create(registry_id="A1", name="Ash", country_code="eng")
    url = reverse("admin:schools_school_change", args=[school.pk])
    form = staff_client.get(url).context["adminform"].form
    assert [code for code, _name in form.fields["country_code"].choices] == ["eng", "wls", "eg"]
    data = {"registry_id": "A1", "name": "Ash", "phase": "primary", "status": "open", "country_code": "wls"}
    staff_client.post(url, data)
    assert School.objects.get().country_code == "wls"
    settings.COUNTRIES = []
    assert "country_code" not in staff_client.get(url).context["adminform"].form.fields
