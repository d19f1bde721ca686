"""The demo's living networks: one of every kind, with members who joined and left, people in
roles, profiles colleagues can find by subject, and a rota with turns already held.

Everything is written through the services, with `at`/`today` to record the past. The demo
coordinator coordinates two networks (a community and a subject network); the demo teacher's
school belongs to none of them, so the teacher can find a network and ask to join. A maths teacher
has started an informal group, which asks the region's leaders to make it a formal network; two
exams officers have started an exams officers' group.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kindred import countries
from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import staff_role_add
from kindred.demo.texts import demo_language, demo_texts
from kindred.engine.rota import spread_dates
from kindred.networks.models import Membership, MembershipRequest, Network, NetworkRole
from kindred.networks.rota import rota_generate
from kindred.networks.services import (
    group_formal_request,
    group_start,
    membership_add,
    membership_end,
    membership_replace,
    membership_request_create,
    membership_request_decide,
    network_create,
    network_role_add,
    profile_update,
)
from kindred.schools.models import Region, School


def school_year_start(day: date) -> int:
    """The calendar year the school year containing `day` starts in (the country profile's month)."""
    return countries.profile().school_year_of(day)


def _ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def _year_rota(network: Network, year: int, *, by: User, meetings: int = 6) -> None:
    first, last = countries.profile().school_year_dates(year)
    # From the second week of the year to six weeks before its end (the summer holiday).
    dates = spread_dates(first + timedelta(days=9), last - timedelta(days=52), meetings, weekday=3)
    rota_generate(network=network, school_year=year, dates=dates, by=by, today=first)


@transaction.atomic
def demo_networks_create(*, region: Region, coordinator: User, teacher: User, password: str) -> list[Network]:
    """Build the demo's networks in `region`; returns them, the coordinator's two first."""
    teacher_school_ids = SchoolStaff.objects.filter(user=teacher).values("school_id")
    coordinator_school = School.objects.filter(staff__user=coordinator).first()
    pool = list(
        School.objects.filter(region=region)
        .exclude(pk__in=teacher_school_ids)
        .exclude(pk=coordinator_school.pk)
        .order_by("registry_id")[:40]
    )
    this_year = school_year_start(timezone.localdate())
    texts = demo_texts()
    names, profiles, words = texts["people"], texts["profiles"], texts["networks"]

    def person(email: str, name: str, school: School, role: str, **profile) -> User:
        user = User.objects.create_user(
            email=email, password=password, full_name=name, language=demo_language()
        )
        staff_role_add(school=school, user=user, role=role, by=None)
        profile_update(user=user, **profile)
        return user

    profile_update(user=coordinator, **profiles["coordinator"], visibility="everyone")
    profile_update(user=teacher, **profiles["teacher"], visibility="region")

    # 1. A local community of schools, two years old, with a school that left and was replaced.
    community = network_create(
        name=words["community"]["name"],
        kind=Network.Kind.COMMUNITY,
        region=region,
        by=coordinator,
        at=_ago(730),
        purpose=words["community"]["purpose"],
        description=words["community"]["description"],
        subject=words["community"]["subject"],
        status=Network.Status.ACTIVE,
        capacity=10,
    )
    membership_add(
        network=community, school=coordinator_school, role=Membership.Role.LEAD, by=coordinator, at=_ago(730)
    )
    members = [membership_add(network=community, school=s, by=coordinator, at=_ago(720)) for s in pool[0:5]]
    replacement = membership_replace(
        membership=members[2],
        school=pool[5],
        reason=words["community"]["replaced"],
        by=coordinator,
        at=_ago(300),
    )
    membership_request_decide(request=replacement, approve=True, by=coordinator, at=_ago(295))
    contact = person(
        "reading.lead@demo.kindred.example",
        names["contact"],
        pool[0],
        SchoolStaff.Role.TEACHER,
        **profiles["contact"],
        visibility="everyone",
    )
    network_role_add(
        network=community,
        user=contact,
        role=NetworkRole.Role.CONTACT_TEACHER,
        school=pool[0],
        by=coordinator,
        at=_ago(700),
    )
    _year_rota(community, this_year - 1, by=coordinator)
    _year_rota(community, this_year, by=coordinator)

    # 2. A subject network for maths departments, also coordinated by the demo coordinator.
    maths = network_create(
        name=words["maths"]["name"],
        kind=Network.Kind.SUBJECT,
        region=region,
        by=coordinator,
        at=_ago(400),
        purpose=words["maths"]["purpose"],
        subject=words["maths"]["subject"],
        phase=School.Phase.SECONDARY,
        status=Network.Status.ACTIVE,
    )
    for s in pool[6:13]:
        membership_add(network=maths, school=s, by=coordinator, at=_ago(390))
    membership_end(
        membership=maths.memberships.get(school=pool[12]),
        reason=words["maths"]["left"],
        by=coordinator,
        at=_ago(60),
    )
    for i, (name, school) in enumerate(zip(names["maths"], pool[6:9], strict=True)):
        maths_teacher = person(
            f"maths{i + 1}@demo.kindred.example",
            name,
            school,
            SchoolStaff.Role.TEACHER,
            **profiles["maths"],
            visibility=["everyone", "region", "networks"][i],
        )
        network_role_add(
            network=maths,
            user=maths_teacher,
            role=NetworkRole.Role.CONTACT_TEACHER,
            school=school,
            by=coordinator,
            at=_ago(380),
        )
    _year_rota(maths, this_year, by=coordinator, meetings=5)

    # 3. A private programme cluster with a lead school and a contact teacher in each school.
    cluster_lead = person(
        "cluster.lead@demo.kindred.example",
        names["cluster_lead"],
        pool[14],
        SchoolStaff.Role.LEADER,
        **profiles["cluster_lead"],
        visibility="networks",
    )
    cluster = network_create(
        name=words["cluster"]["name"],
        kind=Network.Kind.CLUSTER,
        region=region,
        by=cluster_lead,
        at=_ago(500),
        purpose=words["cluster"]["purpose"],
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    membership_add(network=cluster, school=pool[14], role=Membership.Role.LEAD, by=cluster_lead, at=_ago(500))
    for s in pool[15:19]:
        membership_add(network=cluster, school=s, by=cluster_lead, at=_ago(490))
    membership_end(
        membership=cluster.memberships.get(school=pool[18]),
        reason=words["cluster"]["left"],
        by=cluster_lead,
        at=_ago(120),
    )
    _year_rota(cluster, this_year, by=cluster_lead, meetings=4)

    # 4. A brokered partnership: a mentor school and a mentee school.
    partnership = network_create(
        name=words["partnership"]["name"],
        kind=Network.Kind.PARTNERSHIP,
        region=region,
        by=cluster_lead,
        at=_ago(200),
        purpose=words["partnership"]["purpose"],
        status=Network.Status.ACTIVE,
        capacity=2,
    )
    membership_add(
        network=partnership, school=pool[20], role=Membership.Role.MENTOR, by=cluster_lead, at=_ago(200)
    )
    membership_add(
        network=partnership, school=pool[21], role=Membership.Role.MENTEE, by=cluster_lead, at=_ago(200)
    )

    # 5. A community still forming, with room, and a school's request waiting.
    forming = network_create(
        name=words["forming"]["name"],
        kind=Network.Kind.COMMUNITY,
        region=region,
        by=contact,
        purpose=words["forming"]["purpose"],
        status=Network.Status.FORMING,
    )
    membership_add(network=forming, school=pool[0], role=Membership.Role.LEAD, by=contact)
    membership_request_create(
        network=forming,
        school=pool[22],
        kind=MembershipRequest.Kind.ASK,
        by=None,
        message=words["forming"]["ask"],
    )
    # 6. An informal group started from below by a maths teacher (issue 23, item 3), asking the
    # region's leaders to make it a formal network.
    maya = User.objects.get(email="maths1@demo.kindred.example")
    group = group_start(
        name=words["group"]["name"],
        kind=Network.Kind.SUBJECT,
        by=maya,
        subject=words["group"]["subject"],
        purpose=words["group"]["purpose"],
    )
    network_role_add(
        network=group, user=User.objects.get(email="maths2@demo.kindred.example"), role="member", by=maya
    )
    group_formal_request(network=group, by=maya, message=words["group"]["ask"])
    # 7. An exams officers' group (issue 23, item 3: a board's exams officers' phone groups), started
    # by one school's exams officer, another's a member.
    officers = [
        person(
            f"exams{i + 1}@demo.kindred.example",
            name,
            school,
            SchoolStaff.Role.EXAMS_OFFICER,
            visibility="region",
        )
        for i, (name, school) in enumerate(zip(names["exams"], pool[15:17], strict=True))
    ]
    exams_group = group_start(
        name=words["exams_group"]["name"],
        kind=Network.Kind.EXAMS_OFFICERS,
        by=officers[0],
        purpose=words["exams_group"]["purpose"],
    )
    network_role_add(network=exams_group, user=officers[1], role="member", by=officers[0])
    return [community, maths, cluster, partnership, forming]
