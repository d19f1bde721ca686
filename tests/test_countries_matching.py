"""Partners are found within a school's own country (issue 23 item 1: evidence and brokering never mix
countries): the good-practice finder and the offers' suggestions propose no school of another country,
and a network's evidence pack dates its shared verdicts by its own members' countries' runs.

Two English schools and a Welsh one a few kilometres away across the border (Chester and Wrexham), each
country with its own current run, in which the two helpers are strong in reading."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.accounts.models import SchoolStaff, User
from kindred.evidence.models import EvidenceRun, Flag, Performance
from kindred.impact.pack import network_pack
from kindred.networks.models import Membership, Network
from kindred.networks.services import membership_add, network_create
from kindred.offers.selectors import suggestions
from kindred.offers.services import offer_create, request_create
from kindred.schools.models import LocalAuthority, MeasureDefinition, Region, School

pytestmark = pytest.mark.django_db


@pytest.fixture
def border(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls"]
    england = Region.objects.create(code="NW", name="North West", country_code="eng")
    wales = Region.objects.create(code="GN", name="Gogledd Cymru", country_code="wls")
    cheshire = LocalAuthority.objects.create(code="CH", name="Cheshire West", region=england)
    wrexham = LocalAuthority.objects.create(code="WX", name="Wrecsam", region=wales)

    def school(rid, name, region, authority, lat, lon, code):
        return School.objects.create(
            registry_id=rid,
            name=name,
            region=region,
            local_authority=authority,
            latitude=lat,
            longitude=lon,
            country_code=code,
            phase=School.Phase.PRIMARY,
        )

    schools = {
        "needy": school("E1", "Chester Needy Primary", england, cheshire, 53.19, -2.89, "eng"),
        "english": school("E2", "Chester Strong Primary", england, cheshire, 53.20, -2.92, "eng"),
        "welsh": school("W1", "Ysgol Gynradd Wrecsam", wales, wrexham, 53.05, -2.99, "wls"),
    }
    measure = MeasureDefinition.objects.create(
        code="ks2_read", name="Reading", domain="reading", kind="outcome"
    )
    now = timezone.now()
    runs = {
        code: EvidenceRun.objects.create(
            kind=EvidenceRun.Kind.PERFORMANCE,
            country_code=code,
            status=EvidenceRun.Status.CURRENT,
            finished_at=now - timedelta(days=days),
        )
        for code, days in (("eng", 30), ("wls", 1))  # Wales recomputed since England
    }
    for key, code, z in (("english", "eng", 2.2), ("welsh", "wls", 3.1)):
        Performance.objects.create(
            run=runs[code],
            school=schools[key],
            measure=measure,
            year=None,
            value=1,
            expected=0,
            effect=1,
            estimate=1,
            lower=0.5,
            upper=1.5,
            z=z,
            flag=Flag.STRENGTH,
        )
    return {**schools, "runs": runs}


def test_the_good_practice_finder_proposes_no_school_of_another_country(client, border, site_admin):
    client.force_login(site_admin)
    page = client.get(
        "/evidence/good-practice/",
        {"domain": "reading", "school": border["needy"].registry_id, "max_km": "100"},
    )
    assert [row.school for row in page.context["results"]] == [border["english"]]
    assert "Schools in England only" in page.content.decode()


def test_one_country_finds_every_school_and_says_nothing_of_countries(client, border, site_admin, settings):
    settings.COUNTRIES = []
    client.force_login(site_admin)
    page = client.get("/evidence/good-practice/", {"domain": "reading"})
    assert {row.school for row in page.context["results"]} == {border["english"], border["welsh"]}
    assert "only: a strength" not in page.content.decode()


def test_without_a_starting_school_the_finder_looks_in_the_readers_own_country(client, border):
    welsh_teacher = User.objects.create_user(email="athro@example.org", password=None)
    SchoolStaff.objects.create(user=welsh_teacher, school=border["welsh"], role=SchoolStaff.Role.TEACHER)
    client.force_login(welsh_teacher)
    page = client.get("/evidence/good-practice/", {"domain": "reading"})
    assert [row.school for row in page.context["results"]] == [border["welsh"]]


def test_a_request_is_offered_no_school_of_another_country(border, site_admin):
    for key in ("english", "welsh"):
        offer_create(school=border[key], domain="Reading", format="mentoring", by=site_admin)
    support = request_create(school=border["needy"], domain="reading", needs="Phonics", by=site_admin)
    assert [s.school for s in suggestions(support)] == [border["english"]]


def test_the_evidence_pack_dates_shared_verdicts_by_its_members_countrys_run(border, site_admin):
    network = network_create(
        name="Chester readers",
        kind=Network.Kind.CLUSTER,
        region=border["needy"].region,
        by=site_admin,
        status=Network.Status.ACTIVE,
    )
    for key in ("needy", "english"):
        membership_add(network=network, school=border[key], role=Membership.Role.MEMBER, by=site_admin)
    pack = network_pack(network=network)
    assert pack.sources["shared"].as_of == border["runs"]["eng"].finished_at
    assert [school for verdict in pack.shared for school in verdict.strengths] == [border["english"]]


def test_a_countrys_system_leader_without_a_school_finds_helpers_in_their_country(client, border):
    from kindred.accounts.models import RegionalRole

    leader = User.objects.create_user(email="arweinydd@example.org", password=None)
    RegionalRole.objects.create(user=leader, country_code="wls")
    client.force_login(leader)
    page = client.get("/evidence/good-practice/", {"domain": "reading"})
    assert [row.school for row in page.context["results"]] == [border["welsh"]]


BUILDER_FILE = (
    b"School ID,Name of school,Latitude,Longitude\n"
    b"W-100,Ysgol y Berwyn,52.91,-3.59\n"
    b"W-101,Ysgol Bro Idris,52.74,-3.88\n"
)


def test_the_mapping_builder_starts_with_the_administrators_own_country_and_imports_into_it(
    client, border, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = User.objects.create_superuser(email="gweinyddwr@example.org", password="x")
    SchoolStaff.objects.create(user=admin, school=border["welsh"], role=SchoolStaff.Role.LEADER)
    client.force_login(admin)
    url = client.post(
        reverse("admin:schools_school_builder"),
        {"file": SimpleUploadedFile("powys.csv", BUILDER_FILE), "sheet": ""},
    ).url
    page = client.get(url)
    assert page.context["form"]["country"].initial == "wls"
    picks = {
        "name": "powys",
        "m": "1",
        "m.year.value": "2023",
        "m.schools.fields.phase[0].value": "secondary",
        "column_0": "id",
        "column_1": "field:name",
        "column_2": "coordinates:latitude",
        "column_3": "coordinates:longitude",
        "country": "wls",
    }
    # Welsh coordinates pass Wales's bounds in the preview ...
    preview = client.post(url, {**picks, "action": "preview"})
    assert not any(problems for row in preview.context["preview"] for problems in [row.problems])
    # ... and the import puts the schools in Wales.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**picks, "action": "import"})
    assert set(
        School.objects.filter(registry_id__startswith="W-").values_list("country_code", flat=True)
    ) == {"wls"}


def test_the_finder_speaks_the_readers_country(client, border):
    MeasureDefinition.objects.create(code="ks2_maths_x", name="Maths", domain="maths", kind="outcome")
    welsh_teacher = User.objects.create_user(email="athro@example.org", password=None)
    SchoolStaff.objects.create(user=welsh_teacher, school=border["welsh"], role=SchoolStaff.Role.TEACHER)
    client.force_login(welsh_teacher)
    form = client.get("/evidence/good-practice/").context["form"]
    assert ("maths", "Numeracy") in form.fields["domain"].choices  # Wales's word, not England's "Maths"
    assert form.fields["other_authority"].label == "Only in other councils"
