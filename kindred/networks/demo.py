"""The demo's living networks: one of every kind, with members who joined and left, people in
roles, profiles colleagues can find by subject, and a rota with turns already held.

Everything is written through the services, with `at`/`today` to record the past. The demo
coordinator coordinates two networks (a community and a subject network); the demo teacher's
school belongs to none of them, so the teacher can find a network and ask to join.
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kindred import countries
from kindred.accounts.models import SchoolStaff, User
from kindred.accounts.services import staff_role_add
from kindred.engine.rota import spread_dates
from kindred.networks.models import Membership, MembershipRequest, Network, NetworkRole
from kindred.networks.rota import rota_generate
from kindred.networks.services import (
    membership_add,
    membership_end,
    membership_replace,
    membership_request_create,
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

    def person(email: str, name: str, school: School, role: str, **profile) -> User:
        user = User.objects.create_user(email=email, password=password, full_name=name)
        staff_role_add(school=school, user=user, role=role, by=None)
        profile_update(user=user, **profile)
        return user

    profile_update(
        user=coordinator,
        job_title="Headteacher",
        subjects="Leadership, reading",
        phases="Primary",
        offer="Leading a community of schools; reading for pleasure across a town.",
        languages="English, Welsh",
        visibility="everyone",
    )
    profile_update(user=teacher, job_title="Class teacher", subjects="Science", visibility="region")

    # 1. A local community of schools, two years old, with a school that left and was replaced.
    community = network_create(
        name="Riverside Learning Community",
        kind=Network.Kind.COMMUNITY,
        region=region,
        by=coordinator,
        at=_ago(730),
        purpose="Neighbouring schools sharing reading practice and joint staff training",
        description="We meet twice a term, hosted by each school in turn. Visitors welcome.",
        subject="Reading",
        status=Network.Status.ACTIVE,
        capacity=10,
    )
    membership_add(
        network=community, school=coordinator_school, role=Membership.Role.LEAD, by=coordinator, at=_ago(730)
    )
    members = [membership_add(network=community, school=s, by=coordinator, at=_ago(720)) for s in pool[0:5]]
    membership_replace(
        membership=members[2],
        school=pool[5],
        reason="Joined its trust's own network of schools",
        by=coordinator,
        at=_ago(300),
    )
    contact = person(
        "reading.lead@demo.kindred.example",
        "Rhian Reading-Lead",
        pool[0],
        SchoolStaff.Role.TEACHER,
        job_title="English lead",
        subjects="English, reading, phonics",
        phases="Primary",
        offer="Running phonics training for new staff",
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
        name="Maths Departments Network",
        kind=Network.Kind.SUBJECT,
        region=region,
        by=coordinator,
        at=_ago(400),
        purpose="Heads of maths comparing results and sharing schemes of work",
        subject="Maths",
        phase=School.Phase.SECONDARY,
        status=Network.Status.ACTIVE,
    )
    for s in pool[6:13]:
        membership_add(network=maths, school=s, by=coordinator, at=_ago(390))
    membership_end(
        membership=maths.memberships.get(school=pool[12]),
        reason="Department too small this year",
        by=coordinator,
        at=_ago(60),
    )
    for i, (name, school) in enumerate(
        [("Maya Maths", pool[6]), ("Omar Number", pool[7]), ("Priya Algebra", pool[8])]
    ):
        maths_teacher = person(
            f"maths{i + 1}@demo.kindred.example",
            name,
            school,
            SchoolStaff.Role.TEACHER,
            job_title="Head of maths",
            subjects="Maths, statistics",
            phases="Secondary",
            offer="Happy to share our mastery scheme of work",
            languages="English",
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
        "Cara Cluster",
        pool[14],
        SchoolStaff.Role.LEADER,
        job_title="Deputy head",
        subjects="Attendance, pastoral care",
        visibility="networks",
    )
    cluster = network_create(
        name="Eastern Improvement Cluster",
        kind=Network.Kind.CLUSTER,
        region=region,
        by=cluster_lead,
        at=_ago(500),
        purpose="A programme cluster working on attendance",
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    membership_add(network=cluster, school=pool[14], role=Membership.Role.LEAD, by=cluster_lead, at=_ago(500))
    for s in pool[15:19]:
        membership_add(network=cluster, school=s, by=cluster_lead, at=_ago(490))
    membership_end(
        membership=cluster.memberships.get(school=pool[18]),
        reason="School closed",
        by=cluster_lead,
        at=_ago(120),
    )
    _year_rota(cluster, this_year, by=cluster_lead, meetings=4)

    # 4. A brokered partnership: a mentor school and a mentee school.
    partnership = network_create(
        name="Oakfield and Brook Partnership",
        kind=Network.Kind.PARTNERSHIP,
        region=region,
        by=cluster_lead,
        at=_ago(200),
        purpose="Mentoring on early reading, brokered by the local authority",
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
        name="Valley Schools Forming Community",
        kind=Network.Kind.COMMUNITY,
        region=region,
        by=contact,
        purpose="Small rural schools planning joint pupil events",
        status=Network.Status.FORMING,
    )
    membership_add(network=forming, school=pool[0], role=Membership.Role.LEAD, by=contact)
    membership_request_create(
        network=forming,
        school=pool[22],
        kind=MembershipRequest.Kind.ASK,
        by=None,
        message="We are three miles away and would love to join.",
    )
    return [community, maths, cluster, partnership, forming]
