"""The demo's second and third countries and its international network (issue 23, item 2).

Beside the demo's own country (COUNTRY, England unless `--country` says otherwise) the demo holds the
other two shipped profiles (COUNTRIES): sixty generated schools each, in their own blocks of
registry ids, enough for each country's own evidence (families, relative performance with strengths and
needs, categories: the demo computes every country's alone, before anything else). An Egyptian preparatory school and a Welsh secondary school make an international
subject network, "Science across borders", with a teacher in each (reading Kindred in Arabic and in
Welsh; the Welsh teacher coordinates it) and an online meeting at 10:00 London time, which the page
shows at 12:00 in Cairo too; three schools of each country say, in their partner profiles, what they
would work on with a partner school in their languages of instruction. Written through the services, as people would do it on the pages.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.utils import timezone

from kindred import countries
from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import staff_role_add
from kindred.events.models import Event
from kindred.events.services import event_create
from kindred.networks.models import Network, NetworkRole
from kindred.networks.partner_finder import partner_profile_save
from kindred.networks.services import membership_add, network_create, network_role_add
from kindred.schools.models import School

# The demo's three countries: whichever is the default, the other two are installed beside it.
DEMO_COUNTRIES = ("eng", "wls", "eg")
# Schools for each country beside the default: enough for a network, a partner search and the country's
# own evidence (with 12, no measure gave a verdict and no school a category; 60 give both).
SCHOOLS_EACH = 60
# Each extra country's own block of registry ids (the default's start at 9000000).
REGISTRY_FROM = {"eng": 9300000, "wls": 9100000, "eg": 9200000}

NAME = "Gwyddoniaeth heb ffiniau · علوم بلا حدود"
PURPOSE = "Science teachers in Wales and Egypt planning lessons together · معلمو العلوم في ويلز ومصر يخططون الدروس معًا"
MEETING = "Cyfarfod cynllunio · اجتماع التخطيط"


def demo_other_countries(default: str) -> list[str]:
    """The demo's countries beside `default` (COUNTRIES)."""
    return [code for code in DEMO_COUNTRIES if code != default]


def demo_countries_generate(*, seed: int, default: str) -> None:
    """SCHOOLS_EACH generated schools for each country beside the default, in its own block of ids."""
    for offset, code in enumerate(demo_other_countries(default), start=1):
        call_command(
            "generate",
            schools=SCHOOLS_EACH,
            seed=seed + offset,
            country=code,
            registry_from=REGISTRY_FROM[code],
            verbosity=0,
        )


def _school(code: str, phases: tuple[str, ...]) -> School | None:
    schools = School.objects.filter(country_code=code).order_by("registry_id")
    return schools.filter(phase__in=phases).first() or schools.first()


def demo_international_create(*, admin: User, password: str) -> dict:
    """The international network of a Welsh and an Egyptian school, its two teachers and its meeting;
    {} when the installation does not hold both countries' schools."""
    if not {"wls", "eg"} <= set(countries.codes()):
        return {}
    welsh = _school("wls", (School.Phase.SECONDARY, School.Phase.ALL_THROUGH))
    egyptian = _school("eg", (School.Phase.MIDDLE, School.Phase.SECONDARY))
    if welsh is None or egyptian is None:
        return {}
    rhian = User.objects.create_user(
        email="athro@demo.kindred.example", password=password, full_name="Rhian Prys", language="cy"
    )
    staff_role_add(user=rhian, school=welsh, role=SchoolStaff.Role.TEACHER, by=admin)
    mona = User.objects.create_user(
        email="moalem@demo.kindred.example", password=password, full_name="منى عبد الرحمن", language="ar"
    )
    staff_role_add(user=mona, school=egyptian, role=SchoolStaff.Role.TEACHER, by=admin)
    network = network_create(
        name=NAME,
        kind=Network.Kind.SUBJECT,
        region=None,
        by=admin,
        coordinator=rhian,
        purpose=PURPOSE,
        subject="science",
        status=Network.Status.ACTIVE,
    )
    for school in (welsh, egyptian):
        membership_add(network=network, school=school, role="member", by=admin)
    network_role_add(network=network, user=mona, role=NetworkRole.Role.MEMBER, by=admin)
    # 10:00 in Wales three weeks ahead: 12:00 in Cairo (two hours ahead for most of the year).
    zone = countries.profile("wls").time_zone
    day = (timezone.now() + timedelta(days=21)).date()
    start = datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(zone))
    meeting = event_create(
        by=rhian,
        network=network,
        kind=Event.Kind.MEETING,
        title=MEETING,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        time_zone=zone,
        online_url="https://meet.demo.kindred.example/science",
        host_school=welsh,
        staff_roles=["leader", "teacher"],
        skip_holidays=False,
    )
    _partner_profiles(admin=admin)
    return {"network": network, "event": meeting, "teacher_wales": rhian, "teacher_egypt": mona}


# What the demo's schools looking for partners say, by country: the languages they teach in and
# what they would work on (the partner finder, /networks/partners/).
PROFILES = {
    "eng": (["en"], ["science, reading", "history, geography", "maths, computing"]),
    "wls": (["cy", "en"], ["science, music", "Welsh, drama", "maths, science"]),
    "eg": (["ar", "en"], ["science, robotics", "English, Arabic", "maths, science"]),
}


def _partner_profiles(*, admin: User) -> None:
    """Three schools of each country looking for partners, in its languages of instruction."""
    for code in countries.codes():
        languages, interests = PROFILES.get(code, ([countries.profile(code).language], ["science"]))
        schools = School.objects.filter(country_code=code).order_by("registry_id")[: len(interests)]
        for school, interest in zip(schools, interests, strict=False):
            partner_profile_save(
                school=school,
                by=admin,
                instruction_languages=languages,
                interests=interest,
                open_to_partners=True,
            )
