"""People inside a country (issue 23 item 1), persona by persona: with three countries in one
installation, a leader of one country sees that country's schools' private areas, self-evaluations,
support categories and audit events and nothing of another country's; a region's or an authority's
leader sees their own area inside its country; the site administrator (the organisation-level
administrator: an exam board, a ministry with devolved nations) sees across every country.

A school planted in a Welsh region but marked Egyptian (data that disagrees with itself) is not shown
to the Welsh region's leader: a region sits inside its country."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kindred.accounts.access import category_scope_for_user, school_access
from kindred.accounts.models import RegionalRole, SchoolStaff, User
from kindred.accounts.selectors import audit_events_for_user
from kindred.accounts.services import regional_role_add
from kindred.audit.services import audit
from kindred.evidence.models import SupportCategory
from kindred.schools.models import LocalAuthority, Region, School

pytestmark = pytest.mark.django_db

SCHOOLS = ["england", "wales", "egypt", "stray"]  # stray: in Wales's region, marked Egyptian


def _user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password="x", **extra)


@pytest.fixture
def world(settings):
    settings.COUNTRY, settings.COUNTRIES = "eng", ["wls", "eg"]
    settings.AXES_ENABLED = False
    places = {}
    for code, region_code in (("eng", "E"), ("wls", "W"), ("eg", "G")):
        region = Region.objects.create(code=region_code, name=f"Region {region_code}", country_code=code)
        authority = LocalAuthority.objects.create(
            code=f"{region_code}1", name=f"Authority {region_code}1", region=region
        )
        places[code] = (region, authority)
    schools = {}
    for name, code, place in (
        ("england", "eng", "eng"),
        ("wales", "wls", "wls"),
        ("egypt", "eg", "eg"),
        ("stray", "eg", "wls"),
    ):
        region, authority = places[place]
        schools[name] = School.objects.create(
            registry_id=name.upper(),
            name=name.title(),
            country_code=code,
            region=region,
            local_authority=authority,
        )
        SupportCategory.objects.create(school=schools[name], category="amber", source="derived")
        audit(None, "school.checked", schools[name])
    admin = _user("admin@example.org", is_staff=True, is_superuser=True)
    personas = {"site_admin": admin}
    for code in ("eng", "wls", "eg"):
        personas[f"leader_{code}"] = _user(f"leader.{code}@example.org")
        regional_role_add(user=personas[f"leader_{code}"], country=code, by=admin)
    personas["leader_region_wales"] = _user("region.w@example.org")
    regional_role_add(user=personas["leader_region_wales"], region=places["wls"][0], by=admin)
    personas["leader_authority_wales"] = _user("authority.w1@example.org")
    regional_role_add(user=personas["leader_authority_wales"], local_authority=places["wls"][1], by=admin)
    personas["teacher_wales"] = _user("teacher.w@example.org")
    SchoolStaff.objects.create(user=personas["teacher_wales"], school=schools["wales"], role="teacher")
    return schools, personas


# Which schools each persona's role covers (their private area, self-evaluation, category, audit).
SEES = {
    "site_admin": {"england", "wales", "egypt", "stray"},
    "leader_eng": {"england"},
    "leader_wls": {"wales"},
    "leader_eg": {"egypt", "stray"},
    "leader_region_wales": {"wales"},  # not the stray Egyptian school filed in its region
    "leader_authority_wales": {"wales", "stray"},  # an authority's leader: its schools, as today
    "teacher_wales": {"wales"},
}


def test_no_country_leader_sees_another_countrys_schools(world):
    schools, personas = world
    wrong = []
    for persona, seen in SEES.items():
        client = Client()
        client.force_login(personas[persona])
        scope = category_scope_for_user(personas[persona])
        categories = set(
            School.objects.filter(scope).values_list("name", flat=True)
            if scope is not None
            else [s.title() for s in SCHOOLS]
        )
        for name, school in schools.items():
            expected = name in seen
            staff_page = client.get(f"/accounts/schools/{school.registry_id}/staff/").status_code
            selfeval = client.get(f"/self-evaluation/schools/{school.registry_id}/").status_code
            page = client.get(school.get_absolute_url())
            got = {
                "access": school_access(personas[persona], school) > 0,
                "staff page": staff_page == 200,
                "self-evaluation": selfeval == 200,
                "category on the school page": page.context["evidence"]["category"] is not None,
                "category in scope": name.title() in categories,
            }
            for what, value in got.items():
                if value != expected:
                    wrong.append(f"{persona} {what} of {name}: {value}, expected {expected}")
            if not expected and (staff_page, selfeval) != (404, 404):
                wrong.append(f"{persona} {name}: {staff_page}, {selfeval}: an outsider gets 404")
    assert wrong == [], "\n".join(wrong)


def test_the_audit_log_of_a_country_leader_holds_only_its_countrys_events(world):
    _schools, personas = world
    for persona, seen in SEES.items():
        if persona == "teacher_wales":
            continue
        filed = set(
            audit_events_for_user(personas[persona], action="school.checked").values_list(
                "school__name", flat=True
            )
        )
        assert filed == {name.title() for name in seen}, persona


def test_the_dashboard_shows_a_country_leader_only_its_countrys_categories(world):
    _schools, personas = world
    client = Client()
    client.force_login(personas["leader_wls"])
    page = client.get("/evidence/dashboard/", {"region": "", "local_authority": ""})
    shown = {school.name for school in page.context["page_obj"]}
    assert shown == {"Wales"}


def test_a_leader_for_a_country_not_installed_is_refused(world, settings):
    _schools, personas = world
    with pytest.raises(ValidationError):
        regional_role_add(user=personas["teacher_wales"], country="fr", by=personas["site_admin"])
    with pytest.raises(ValidationError):
        regional_role_add(
            user=personas["teacher_wales"], country="wls", region=Region.objects.get(code="W"), by=None
        )
    role = RegionalRole(user=personas["teacher_wales"], country_code="fr")
    with pytest.raises(ValidationError):
        role.full_clean()


def test_one_country_leaves_region_leaders_as_they_were(world, settings):
    """With one country installed, a region's leader sees every school filed in the region, as before."""
    schools, personas = world
    settings.COUNTRIES = []
    assert school_access(personas["leader_region_wales"], schools["stray"]) > 0


def test_a_country_leader_leads_every_region_of_its_country_and_no_other(world):
    from kindred.accounts.access import leader_region_ids, regions_led
    from kindred.brokering.access import leader_regions

    _schools, personas = world
    for code in ("eng", "wls", "eg"):
        regions = set(Region.objects.filter(country_code=code).values_list("pk", flat=True))
        assert set(regions_led(personas[f"leader_{code}"]).values_list("pk", flat=True)) == regions
        assert leader_region_ids(personas[f"leader_{code}"]) == regions
        assert {region.pk for region in leader_regions(personas[f"leader_{code}"])} == regions  # brokering
    wales_region = Region.objects.get(country_code="wls").pk
    assert set(regions_led(personas["leader_region_wales"]).values_list("pk", flat=True)) == {wales_region}
    assert not regions_led(personas["teacher_wales"]).exists()
    assert leader_region_ids(personas["teacher_wales"]) == set()
