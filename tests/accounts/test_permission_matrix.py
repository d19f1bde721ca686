"""Every URL of the project, requested by every persona, answers with the status declared here.

The test walks the whole URL tree (admin included). A URL pattern without a rule below makes it
fail: whoever adds a page declares who may see it. Conventions: anonymous visitors are sent to
sign in (302); outsiders get 404 for anything private; read-only users get 403 on writes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from kindred.accounts.models import JoinRequest, SchoolStaff, User
from kindred.accounts.services import invitation_create
from kindred.api.services import token_create
from kindred.audit.services import audit
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.frameworks.models import PeerReview
from tests.frameworks.conftest import framework_example_load
from tests.plans.conftest import plan_with_action
from tests.voice.conftest import open_consultation

pytestmark = pytest.mark.django_db

PERSONAS = [
    "site_admin",
    "system_leader",
    "school_admin_x",
    "school_leader_x",
    "teacher_x",
    "teacher_y",
    "no_school_user",
    "anonymous",
]


def statuses(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}"
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


PUBLIC = statuses(200)
SIGNED_IN = statuses(200, anonymous=302)
SCHOOL_X_PRIVATE = statuses(200, teacher_y=404, no_school_user=404, anonymous=302)
SITE_ADMINS = statuses(404, site_admin=200, anonymous=302)
AUDIT_READERS = statuses(404, site_admin=200, system_leader=200, anonymous=302)


def CONSULTATION_OWNER(ok: int) -> dict[str, int]:
    """The consultation's owner (X's system leader) and site admins get `ok`; everyone else 404."""
    return statuses(404, site_admin=ok, system_leader=ok, anonymous=302)


def COUNCIL_READERS(ok: int) -> dict[str, int]:
    """Region A's advisory council: its leaders (region A's system leader, site admins) and its
    member (teacher X) get `ok`; everyone else 404."""
    return statuses(404, site_admin=ok, system_leader=ok, teacher_x=ok, anonymous=302)


def council_leaders(ok: int) -> dict[str, int]:
    """The council's leaders get `ok`; its member 403; everyone else 404."""
    return statuses(404, site_admin=ok, system_leader=ok, teacher_x=403, anonymous=302)


# "Start an advisory council": those who lead a region or an organisation; anyone else 403.
COUNCIL_STARTERS = statuses(403, site_admin=200, system_leader=200, anonymous=302)


# The board of network_x (public; school X a member, X's school leader its coordinator): its
# members read and write; the site admin reads and moderates; everyone else signed in may see
# that the network exists but not its board (403).
BOARD_READERS = statuses(
    403, site_admin=200, school_admin_x=200, school_leader_x=200, teacher_x=200, anonymous=302
)


def board_write(ok: int) -> dict[str, int]:
    """Members of network_x get `ok`; everyone else signed in 403 (the site admin too: no member)."""
    return statuses(403, school_admin_x=ok, school_leader_x=ok, teacher_x=ok, anonymous=302)


def board_moderate(ok: int) -> dict[str, int]:
    """The coordinator of network_x and the site admin get `ok`; everyone else signed in 403."""
    return statuses(403, site_admin=ok, school_leader_x=ok, anonymous=302)


def school_x_write(ok: int) -> dict[str, int]:
    """Administrators of X (and site admins) get `ok`; other staff and X's system leader 403; outsiders 404."""
    return statuses(403, site_admin=ok, school_admin_x=ok, teacher_y=404, no_school_user=404, anonymous=302)


def network_x_write(ok: int) -> dict[str, int]:
    """Writes to public network X: its coordinator (X's school leader) and site admins get `ok`; the rest 403."""
    return statuses(403, site_admin=ok, school_leader_x=ok, anonymous=302)


# Teacher X's profile is shown to people in teacher X's networks (X's staff; teacher Y, whose school
# is a member of the informal group teacher X started) and site admins.
TEACHER_X_PROFILE = statuses(
    404, site_admin=200, school_admin_x=200, school_leader_x=200, teacher_x=200, teacher_y=200, anonymous=302
)


def _sees_teacher_x(ok: int) -> dict[str, int]:
    return {persona: ok if status == 200 else status for persona, status in TEACHER_X_PROFILE.items()}


def PACK_READERS(ok: int) -> dict[str, int]:
    """The private network's evidence pack: its coordinator, region A's system leader and site admins get
    `ok`; the network's other readers 403; outsiders 404."""
    return statuses(
        403,
        site_admin=ok,
        system_leader=ok,
        school_leader_x=ok,
        teacher_y=404,
        no_school_user=404,
        anonymous=302,
    )


def PROGRAMME_LEADERS(ok: int) -> dict[str, int]:
    """A programme of region A (impact/access.py): its system leader and site admins get `ok`; others 404."""
    return statuses(404, site_admin=ok, system_leader=ok, anonymous=302)


def PROGRAMME_KEEPERS(ok: int) -> dict[str, int]:
    """The programme list and "Start a programme": those who lead an area get `ok`; anyone else 403."""
    return statuses(403, site_admin=ok, system_leader=ok, anonymous=302)


def REGION_A_LEADERS(ok: int) -> dict[str, int]:
    """Brokering runs of region A: its system leader and site admins get `ok`; others 404."""
    return statuses(404, site_admin=ok, system_leader=ok, anonymous=302)


def admin_only(ok: int) -> dict[str, int]:
    """The admin site: the site admin gets `ok`; everyone else is sent to the admin's sign-in page."""
    return statuses(302, site_admin=ok)


@dataclass
class World:
    personas: dict
    school_x: object
    school_y: object
    job: Job
    extra: dict = field(default_factory=dict)

    def fresh_staff_at_x(self) -> SchoolStaff:
        n = User.objects.count()
        user = User.objects.create_user(email=f"extra{n}@example.org", password=None)
        return SchoolStaff.objects.create(
            user=user, school=self.school_x, role=SchoolStaff.Role.EXAMS_OFFICER
        )

    def fresh_school(self):
        from kindred.schools.models import School

        n = School.objects.count()
        return School.objects.create(registry_id=f"9{n:05d}", name=f"Fresh {n}")

    def fresh_ask(self) -> str:
        from kindred.networks.services import membership_request_create

        ask = membership_request_create(
            network=self.extra["network"], school=self.fresh_school(), kind="ask", by=None
        )
        return f"/networks/{ask.network_id}/requests/{ask.pk}/"

    def fresh_role(self) -> str:
        from kindred.networks.services import network_role_add

        n = User.objects.count()
        user = User.objects.create_user(email=f"member{n}@example.org", password=None)
        role = network_role_add(network=self.extra["network"], user=user, role="member", by=None)
        return f"/networks/{role.network_id}/people/{role.pk}/end/"

    def fresh_join_request_at_x(self) -> JoinRequest:
        n = User.objects.count()
        user = User.objects.create_user(email=f"asker{n}@example.org", password=None)
        return JoinRequest.objects.create(user=user, school=self.school_x)


@dataclass
class Rule:
    expected: dict[str, int]
    url: Callable[[World], str] | str
    method: str = "get"


def _x(world: World) -> str:
    return world.school_x.registry_id


def _pack(world: World) -> dict:
    """A support letter and an open survey of the private network (its coordinator is X's leader)."""
    if "pack" not in world.extra:
        from datetime import date

        from django.core.files.uploadedfile import SimpleUploadedFile

        from kindred.impact.services import support_letter_add, survey_create

        leader = world.personas["school_leader_x"]
        network = world.extra["private_network"]
        world.extra["pack"] = {
            "letter": support_letter_add(
                network=network,
                writer="The authority",
                writer_kind="authority",
                dated=date(2026, 1, 5),
                upload=SimpleUploadedFile("letter.txt", b"We support this cluster."),
                by=leader,
            ),
            "survey": survey_create(network=network, title="Matrix", statements=["It helps"], by=leader),
        }
    return world.extra["pack"]


def _programme(world: World) -> dict:
    """A programme of region A with the private network in it and one cost on that network."""
    if "programme" not in world.extra:
        from datetime import date
        from decimal import Decimal

        from kindred.impact.services import cost_add, programme_create, programme_network_add

        leader = world.personas["system_leader"]
        network = world.extra["private_network"]
        programme = programme_create(name="Matrix programme", kind="scheme", region=network.region, by=leader)
        programme_network_add(programme=programme, network=network, by=leader)
        cost = cost_add(
            programme=programme,
            network=network,
            description="Cover",
            amount=Decimal("100"),
            spent_on=date(2026, 1, 5),
            by=leader,
        )
        world.extra["programme"] = {"programme": programme, "network": network, "cost": cost}
    return world.extra["programme"]


def _programme_url(world: World, tail: str = "") -> str:
    return f"/impact/programmes/{_programme(world)['programme'].pk}/{tail}"


def _programme_survey_url(world: World) -> str:
    """The after round of a survey of the programme (the first leader's POST starts it; later ones are
    refused with a message, and redirected alike)."""
    found = _programme(world)
    if "survey" not in found:
        from kindred.impact.services import survey_create

        found["survey"] = survey_create(
            programme=found["programme"],
            title="Matrix survey",
            statements=["It helps"],
            by=world.personas["system_leader"],
        )
    return _programme_url(world, f"surveys/{found['survey'].pk}/after/")


def _programme_network_remove_url(world: World) -> str:
    """Each persona's removal finds the network in the programme (a leader's earlier removal is undone)."""
    found = _programme(world)
    found["programme"].networks.add(found["network"])
    return _programme_url(world, f"networks/{found['network'].pk}/remove/")


def _organisation(world: World):
    """A partner organisation (a museum of region A)."""
    if "organisation" not in world.extra:
        from kindred.accounts.services import organisation_create

        world.extra["organisation"] = organisation_create(
            name="Matrix Museum", kind="museum", region=world.school_x.region, by=None
        )
    return world.extra["organisation"]


def _communities(world: World) -> dict:
    """A community of communities and its member networks (world_build makes it)."""
    return world.extra["communities"]


def _communities_world(personas, school_x, school_y, private_network) -> dict:
    """The private community of communities of region A, coordinated by its system leader, with the
    private network of school X and a private sibling of school Y (coordinated by the site admin)
    as member networks, one announcement, one shared event; a public network of X's leader invited."""
    from datetime import UTC, datetime

    from kindred.board.services import thread_create
    from kindred.events.models import Event
    from kindred.events.services import event_create
    from kindred.networks.links import link_decide, link_invite
    from kindred.networks.models import Network
    from kindred.networks.services import membership_add, network_create

    leader = personas["system_leader"]
    parent = network_create(
        name="Matrix communities",
        kind=Network.Kind.NETWORKS,
        region=school_x.region,
        by=leader,
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    sibling = network_create(
        name="Matrix sibling",
        kind=Network.Kind.CLUSTER,
        region=school_y.region,
        by=personas["site_admin"],
        visibility=Network.Visibility.PRIVATE,
    )
    membership_add(network=sibling, school=school_y, by=personas["site_admin"])
    invited = network_create(
        name="Matrix invited",
        kind=Network.Kind.COMMUNITY,
        region=school_x.region,
        by=personas["school_leader_x"],
    )
    link = link_invite(parent=parent, member=private_network, by=leader)
    link_decide(link=link, accept=True, by=personas["school_leader_x"])
    sibling_link = link_invite(parent=parent, member=sibling, by=leader)
    link_decide(link=sibling_link, accept=True, by=personas["site_admin"])
    announcement = thread_create(
        network=parent, by=leader, title="Matrix announcement", body="To every network"
    )
    event = event_create(
        by=leader,
        network=parent,
        kind=Event.Kind.TRAINING,
        title="Matrix shared training",
        starts_at=datetime(2030, 2, 5, 16, tzinfo=UTC),
        ends_at=datetime(2030, 2, 5, 17, tzinfo=UTC),
        time_zone="Europe/London",
    )
    sibling_event = event_create(
        by=personas["site_admin"],
        network=sibling,
        kind=Event.Kind.MEETING,
        title="Matrix sibling meeting",
        starts_at=datetime(2030, 2, 6, 16, tzinfo=UTC),
        ends_at=datetime(2030, 2, 6, 17, tzinfo=UTC),
        time_zone="Europe/London",
    )
    return {
        "communities": {
            "parent": parent,
            "member": private_network,
            "sibling": sibling,
            "sibling_link": sibling_link,
            "invited": invited,
            "invitation": link_invite(parent=parent, member=invited, by=leader),
            "announcement": announcement,
            "event": event,
            "sibling_event": sibling_event,
        }
    }


def _group(world: World):
    """The informal group teacher X started (world_build: school Y is a member)."""
    return world.extra["group"]


def _group_world(personas, school_y) -> dict:
    """An informal group of region A, started (and coordinated) by teacher X, with school Y (region
    B) a member school: every rule below holds for teacher X as its founder, who so gains no sight
    of school Y's private area, self-evaluation, evidence or boards (tests/networks/
    test_group_founders.py asks the group's own pages)."""
    from kindred.networks.services import group_start, membership_add

    founder = personas["teacher_x"]
    group = group_start(name="Matrix readers", kind="subject", by=founder)
    membership_add(network=group, school=school_y, by=founder)
    return {"group": group}


def _events(world: World) -> dict:
    """A public and a private network of school X (X's leader coordinates both), each with an event."""
    if "events" not in world.extra:
        from datetime import UTC, datetime

        from kindred.events.models import Event
        from kindred.events.services import event_create, feed_token_issue
        from kindred.networks.models import Network
        from kindred.networks.services import membership_add, network_create

        leader = world.personas["school_leader_x"]
        found = {}
        for key, visibility in (
            ("public", Network.Visibility.PUBLIC),
            ("private", Network.Visibility.PRIVATE),
        ):
            network = network_create(
                name=f"Matrix {key}",
                kind=Network.Kind.CLUSTER,
                region=world.school_x.region,
                by=leader,
                visibility=visibility,
                status=Network.Status.ACTIVE,
            )
            membership_add(network=network, school=world.school_x, role="member", by=leader)
            found[key] = network
            found[f"{key}_event"] = event_create(
                by=leader,
                network=network,
                kind=Event.Kind.TRAINING,
                title=f"Matrix {key} training",
                starts_at=datetime(2030, 1, 8, 16, tzinfo=UTC),
                ends_at=datetime(2030, 1, 8, 17, tzinfo=UTC),
                time_zone="Europe/London",
                rrule="FREQ=WEEKLY;COUNT=4",
                capacity=10,
            )
        found["token"] = feed_token_issue(user=world.personas["teacher_x"]).token
        world.extra["events"] = found
    return world.extra["events"]


def _fresh_registration(world: World) -> int:
    """A registration by a new member of X's staff for the private network's event."""
    from datetime import UTC, datetime

    from kindred.events.services import registration_create

    event = _events(world)["private_event"]
    staff = world.fresh_staff_at_x()
    return registration_create(
        event=event, occurrence_start=datetime(2030, 1, 8, 16, tzinfo=UTC), by=staff.user
    ).pk


def _library(world: World) -> dict:
    """A private network's file (by X's leader, its coordinator), a policy template, and a public link."""
    if "library" not in world.extra:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from kindred.library.services import resource_create

        leader = world.personas["school_leader_x"]
        network = _events(world)["private"]

        def upload() -> SimpleUploadedFile:
            return SimpleUploadedFile("notes.txt", b"Reading for pleasure: notes", content_type="text/plain")

        world.extra["library"] = {
            "file": resource_create(
                by=leader, network=network, kind="file", title="Notes", licence="CC-BY-4.0", upload=upload()
            ),
            "policy": resource_create(
                by=leader,
                network=network,
                kind="policy",
                title="CPD policy",
                licence="CC-BY-4.0",
                upload=upload(),
            ),
            "link": resource_create(
                by=leader,
                network=None,
                kind="link",
                title="A link",
                licence="CC-BY-4.0",
                url="https://example.org/",
            ),
        }
    return world.extra["library"]


def _offers(world: World) -> dict:
    """A request by school Y, and an offer by school X in the same domain."""
    if "offers" not in world.extra:
        from kindred.offers.services import offer_create, request_create

        admin_user = world.personas["site_admin"]
        world.extra["offers"] = {
            "request": request_create(
                school=world.school_y, domain="reading", needs="Phonics", by=admin_user
            ),
            "offer": offer_create(school=world.school_x, domain="reading", format="mentoring", by=admin_user),
        }
    return world.extra["offers"]


def _fresh_match(world: World) -> int:
    """A match waiting for school X (the offering school) to agree; each request gets a new one."""
    from kindred.offers.models import Match
    from kindred.offers.services import offer_create, request_create

    admin_user = world.personas["site_admin"]
    support = request_create(school=world.school_y, domain="maths", needs="Fractions", by=admin_user)
    offer = offer_create(school=world.school_x, domain="maths", format="visit", by=admin_user)
    return Match.objects.create(request=support, offer=offer, cost=0.0).pk


EVENT_PRIVATE = statuses(200, teacher_y=404, no_school_user=404, anonymous=302)


def EVENT_CHANGE(ok: int) -> dict[str, int]:
    """The private network's event: its coordinator (X's leader) and site admins get `ok`; others who
    see the network 403; outsiders 404."""
    return statuses(403, site_admin=ok, school_leader_x=ok, teacher_y=404, no_school_user=404, anonymous=302)


EVENT_ORGANISERS = statuses(
    403, site_admin=302, school_leader_x=302, teacher_y=404, no_school_user=404, anonymous=302
)


RULES: dict[str, Rule] = {
    # The public registry.
    "home": Rule(PUBLIC, "/"),
    "health": Rule(PUBLIC, "/health/"),
    "ready": Rule(PUBLIC, "/ready/"),
    "school_detail": Rule(PUBLIC, lambda w: f"/schools/{_x(w)}/"),
    # Signing in and out, passwords.
    "login": Rule(statuses(302, anonymous=200), "/accounts/login/"),
    "logout": Rule(statuses(302), "/accounts/logout/", method="post"),
    # The identity provider's sign-in (accounts/oidc.py): not set up in the matrix's settings, so 404
    # for everyone; tests/accounts/test_oidc.py runs it against a real provider.
    "oidc_start": Rule(statuses(404), "/accounts/oidc/start/"),
    "oidc_callback": Rule(statuses(404), "/accounts/oidc/callback/"),
    "password_reset": Rule(PUBLIC, "/accounts/password-reset/"),
    "password_reset_done": Rule(PUBLIC, "/accounts/password-reset/sent/"),
    "password_reset_confirm": Rule(PUBLIC, "/accounts/password-reset/MQ/forged-token/"),
    "password_reset_complete": Rule(PUBLIC, "/accounts/password-reset/complete/"),
    "password_change": Rule(SIGNED_IN, "/accounts/password-change/"),
    "password_change_done": Rule(SIGNED_IN, "/accounts/password-change/done/"),
    # The language switch: anyone may choose; without a language offered it refuses (400).
    "language_choose": Rule(statuses(400), "/accounts/language/", method="post"),
    # The person's own account.
    "profile": Rule(SIGNED_IN, "/accounts/profile/"),
    "personal_data": Rule(SIGNED_IN, "/accounts/profile/data.json"),
    "account_delete": Rule(SIGNED_IN, "/accounts/profile/delete/"),
    "email_verification_send": Rule(statuses(302), "/accounts/verify-email/", method="post"),
    "email_verify": Rule(statuses(400, anonymous=302), "/accounts/verify-email/forged/"),
    "two_factor_setup": Rule(SIGNED_IN, "/accounts/two-factor/"),
    "two_factor_verify": Rule(SIGNED_IN, "/accounts/two-factor/verify/"),
    # Getting into a school.
    "invitation_accept": Rule(PUBLIC, lambda w: f"/accounts/invitations/{w.extra['invitation_token']}/"),
    "join_request": Rule(SIGNED_IN, lambda w: f"/accounts/schools/{_x(w)}/join/"),
    # A school's private area.
    "school_staff": Rule(SCHOOL_X_PRIVATE, lambda w: f"/accounts/schools/{_x(w)}/staff/"),
    # Writes with an empty form: administrators get the form back with its errors (400).
    "staff_invite": Rule(school_x_write(400), lambda w: f"/accounts/schools/{_x(w)}/staff/invite/", "post"),
    # Removing a role without the confirmation page's field shows that page again (400).
    "staff_remove": Rule(
        school_x_write(400),
        lambda w: f"/accounts/schools/{_x(w)}/staff/{w.fresh_staff_at_x().pk}/remove/",
        "post",
    ),
    "join_request_decide": Rule(
        school_x_write(302),
        lambda w: f"/accounts/schools/{_x(w)}/join-requests/{w.fresh_join_request_at_x().pk}/",
        "post",
    ),
    # Networks (public network X: school X a member, X's school leader its coordinator; private
    # network X for reading; an empty public network for asking to join).
    "networks:directory": Rule(SIGNED_IN, "/networks/"),
    # Leaders start networks; any other member of staff an informal group on the same page.
    "networks:create": Rule(statuses(200, no_school_user=403, anonymous=302), "/networks/new/"),
    # Informal groups (teacher X's group of region A): region A's leader and school X's leader and
    # administrator are over its members (teacher X); its founder, teacher X, decides nothing.
    "networks:groups": Rule(
        statuses(
            403, site_admin=200, system_leader=200, school_admin_x=200, school_leader_x=200, anonymous=302
        ),
        "/networks/groups/",
    ),
    # The partner finder (issue 23, item 2): anyone signed in searches; a school's leaders and
    # administrators save its partner profile (an empty form: 400 for everyone, nothing saved).
    "networks:partners": Rule(SIGNED_IN, "/networks/partners/"),
    "networks:partner_profile": Rule(statuses(400, anonymous=302), "/networks/partners/profile/", "post"),
    "networks:group_formal_request": Rule(
        statuses(403, site_admin=302, teacher_x=302, anonymous=302),
        lambda w: f"/networks/{_group(w).pk}/group/formal/",
        "post",
    ),
    "networks:group_formal_decide": Rule(
        statuses(
            403, site_admin=400, system_leader=400, school_admin_x=400, school_leader_x=400, anonymous=302
        ),
        lambda w: f"/networks/{_group(w).pk}/group/decide/",
        "post",
    ),
    # Without `confirmed`, the confirmation page (200) for those who may close it.
    "networks:group_close": Rule(
        statuses(
            403,
            site_admin=200,
            system_leader=200,
            school_admin_x=200,
            school_leader_x=200,
            teacher_x=200,
            anonymous=302,
        ),
        lambda w: f"/networks/{_group(w).pk}/group/close/",
        "post",
    ),
    "networks:detail": Rule(SCHOOL_X_PRIVATE, lambda w: f"/networks/{w.extra['private_network'].pk}/"),
    "networks:edit": Rule(network_x_write(200), lambda w: f"/networks/{w.extra['network'].pk}/edit/"),
    # Anyone who can see a network asks to join it: for their school (leaders) or for themself.
    "networks:join": Rule(SIGNED_IN, lambda w: f"/networks/{w.extra['empty_network'].pk}/join/"),
    # Writes with an empty form: those allowed get the form's errors (400).
    "networks:invite": Rule(
        network_x_write(400), lambda w: f"/networks/{w.extra['network'].pk}/invite/", "post"
    ),
    "networks:request_decide": Rule(network_x_write(400), lambda w: w.fresh_ask(), "post"),
    "networks:leave": Rule(
        statuses(403, site_admin=400, school_admin_x=400, school_leader_x=400, anonymous=302),
        lambda w: f"/networks/{w.extra['network'].pk}/members/{w.extra['membership'].pk}/leave/",
        "post",
    ),
    "networks:replace": Rule(
        network_x_write(400),
        lambda w: f"/networks/{w.extra['network'].pk}/members/{w.extra['membership'].pk}/replace/",
        "post",
    ),
    "networks:membership_role": Rule(
        network_x_write(400),
        lambda w: f"/networks/{w.extra['network'].pk}/members/{w.extra['membership'].pk}/role/",
        "post",
    ),
    "networks:person_add": Rule(
        network_x_write(400), lambda w: f"/networks/{w.extra['network'].pk}/people/", "post"
    ),
    "networks:person_end": Rule(network_x_write(302), lambda w: w.fresh_role(), "post"),
    "networks:partner_invite": Rule(
        network_x_write(400), lambda w: f"/networks/{w.extra['network'].pk}/partners/invite/", "post"
    ),
    # Communities of communities (issue 23, item 5): the private "Matrix communities" (region A's
    # system leader coordinates it) has the private network (school X) and a private sibling (school
    # Y, the site admin coordinates it) as member networks, so X's and Y's staff read it; the public
    # "Matrix invited" (X's leader coordinates it) is invited. tests/accounts/
    # test_permission_matrix_nested.py asks its board, calendar, events and the sibling's pages.
    "networks:links": Rule(
        statuses(200, no_school_user=404, anonymous=302),
        lambda w: f"/networks/{_communities(w)['parent'].pk}/networks/",
    ),
    # Writes with an empty form: those allowed get the problem page (400).
    "networks:link_invite": Rule(
        statuses(403, site_admin=400, system_leader=400, no_school_user=404, anonymous=302),
        lambda w: f"/networks/{_communities(w)['parent'].pk}/networks/invite/",
        "post",
    ),
    "networks:link_decide": Rule(
        network_x_write(400),
        lambda w: f"/networks/{_communities(w)['invited'].pk}/networks/{_communities(w)['invitation'].pk}/decide/",
        "post",
    ),
    # Ending a membership without a reason: the problem page (400) for either side's coordinators.
    "networks:link_end": Rule(
        statuses(403, site_admin=400, system_leader=400, no_school_user=404, anonymous=302),
        lambda w: f"/networks/{_communities(w)['parent'].pk}/networks/{_communities(w)['sibling_link'].pk}/end/",
        "post",
    ),
    # Partner organisations' pages (issue 23, item 4): anyone signed in; their people are listed
    # to themselves and site admins (tests/accounts/test_partners.py).
    "organisations": Rule(SIGNED_IN, "/organisations/"),
    "organisation": Rule(SIGNED_IN, lambda w: f"/organisations/{_organisation(w).pk}/"),
    "networks:rota": Rule(SIGNED_IN, lambda w: f"/networks/{w.extra['network'].pk}/rota/"),
    "networks:rota_block": Rule(
        statuses(403, site_admin=400, school_admin_x=400, school_leader_x=400, anonymous=302),
        lambda w: f"/networks/{w.extra['network'].pk}/rota/block/",
        "post",
    ),
    "networks:rota_swap": Rule(
        network_x_write(400),
        lambda w: f"/networks/{w.extra['network'].pk}/rota/{w.extra['turn'].pk}/swap/",
        "post",
    ),
    "networks:rota_skip": Rule(
        network_x_write(302),
        lambda w: f"/networks/{w.extra['network'].pk}/rota/{w.extra['turn'].pk}/skip/",
        "post",
    ),
    # Colleagues: profiles are seen according to each person's own setting.
    "networks:people": Rule(SIGNED_IN, "/people/"),
    "networks:profile_edit": Rule(SIGNED_IN, "/people/me/"),
    "networks:connections": Rule(SIGNED_IN, "/people/connections/"),
    "networks:connection_decide": Rule(
        statuses(404, teacher_x=302, anonymous=302),
        lambda w: f"/people/connections/{w.extra['connection'].pk}/",
        "post",
    ),
    "networks:person": Rule(TEACHER_X_PROFILE, lambda w: f"/people/{w.personas['teacher_x'].pk}/"),
    "networks:connect": Rule(
        _sees_teacher_x(302), lambda w: f"/people/{w.personas['teacher_x'].pk}/connect/", "post"
    ),
    "networks:invite_person": Rule(
        _sees_teacher_x(400), lambda w: f"/people/{w.personas['teacher_x'].pk}/invite/", "post"
    ),
    # Brokering and formation: runs are for the system leaders of their region (and site admins);
    # a school's invitations are its private area, answered by its administrators and leaders.
    "brokering_runs": Rule(REGION_A_LEADERS(200), "/brokering/"),
    "brokering_run": Rule(REGION_A_LEADERS(200), lambda w: f"/brokering/runs/{w.extra['run'].pk}/"),
    "brokering_run_compute": Rule(
        REGION_A_LEADERS(302), lambda w: f"/brokering/runs/{w.extra['run'].pk}/compute/", "post"
    ),
    "brokering_run_move": Rule(
        REGION_A_LEADERS(302), lambda w: f"/brokering/runs/{w.extra['run'].pk}/move/", "post"
    ),
    "brokering_run_lock": Rule(
        REGION_A_LEADERS(302), lambda w: f"/brokering/runs/{w.extra['run'].pk}/lock/", "post"
    ),
    "brokering_run_exclude": Rule(
        REGION_A_LEADERS(302), lambda w: f"/brokering/runs/{w.extra['run'].pk}/exclude/", "post"
    ),
    "brokering_run_publish": Rule(
        REGION_A_LEADERS(302), lambda w: f"/brokering/runs/{w.extra['run'].pk}/publish/", "post"
    ),
    "brokering_run_publish_confirm": Rule(
        REGION_A_LEADERS(200), lambda w: f"/brokering/runs/{w.extra['run'].pk}/publish/confirm/"
    ),
    "brokering_invitations": Rule(SCHOOL_X_PRIVATE, lambda w: f"/schools/{_x(w)}/invitations/"),
    # A school's capacity to support others: set by its administrators, leaders and system leader.
    "brokering_capacity": Rule(
        statuses(
            403,
            site_admin=200,
            system_leader=200,
            school_admin_x=200,
            school_leader_x=200,
            teacher_y=404,
            no_school_user=404,
            anonymous=302,
        ),
        lambda w: f"/schools/{_x(w)}/capacity/",
    ),
    "brokering_invitation_answer": Rule(
        statuses(
            403,
            site_admin=302,
            school_admin_x=302,
            school_leader_x=302,
            teacher_y=404,
            no_school_user=404,
            anonymous=302,
        ),
        lambda w: f"/schools/{_x(w)}/invitations/{w.extra['invitation'].pk}/answer/",
        "post",
    ),
    # An empty form sends everyone back to the finder with its errors.
    "brokering_approach": Rule(statuses(302), "/brokering/approaches/", "post"),
    "brokering_approach_propose": Rule(
        statuses(302, teacher_x=403, teacher_y=404, no_school_user=404),
        lambda w: f"/brokering/approaches/{w.extra['approach'].pk}/propose/",
        "post",
    ),
    # The audit log.
    "audit_log": Rule(AUDIT_READERS, "/audit/"),
    "audit_export": Rule(AUDIT_READERS, "/audit/export.csv"),
    # The evidence: read-only for anyone signed in; recomputing it is the site admin's.
    "dashboard": Rule(SIGNED_IN, "/evidence/dashboard/"),
    "good_practice": Rule(SIGNED_IN, "/evidence/good-practice/?domain=maths"),
    "evidence_recompute": Rule(statuses(403, site_admin=302, anonymous=302), "/evidence/recompute/", "post"),
    # Events: calendars for anyone signed in; a private network's event for those who see the network;
    # changes for its coordinators (X's leader); feeds need no sign-in (calendar apps cannot sign in).
    "events:mine": Rule(SIGNED_IN, "/events/mine/"),
    "events:network_calendar": Rule(SIGNED_IN, lambda w: f"/events/networks/{_events(w)['public'].pk}/"),
    "events:create": Rule(
        statuses(403, site_admin=200, school_leader_x=200, anonymous=302),
        lambda w: f"/events/networks/{_events(w)['public'].pk}/new/",
    ),
    "events:region_calendar": Rule(SIGNED_IN, lambda w: f"/events/regions/{w.school_x.region_id}/"),
    "events:detail": Rule(EVENT_PRIVATE, lambda w: f"/events/{_events(w)['private_event'].pk}/"),
    # Posting without an occurrence: the page comes back with the error (302).
    "events:register": Rule(
        statuses(302, teacher_y=404, no_school_user=404),
        lambda w: f"/events/{_events(w)['private_event'].pk}/register/",
        "post",
    ),
    "events:occurrence_change": Rule(
        statuses(403, site_admin=302, school_leader_x=302, teacher_y=404, no_school_user=404, anonymous=302),
        lambda w: f"/events/{_events(w)['private_event'].pk}/occurrences/",
        "post",
    ),
    # A cancellation is confirmed first: the POST without `confirmed=yes` answers with the question.
    "events:registration_cancel": Rule(
        {p: 200 if s == 302 and p != "anonymous" else s for p, s in EVENT_ORGANISERS.items()},
        lambda w: f"/events/registrations/{_fresh_registration(w)}/cancel/",
        "post",
    ),
    "events:attendance": Rule(
        EVENT_ORGANISERS, lambda w: f"/events/registrations/{_fresh_registration(w)}/attendance/", "post"
    ),
    # A school's events are made by its leaders and administrators; a region's by its system leaders.
    "events:create_school": Rule(
        statuses(403, site_admin=200, school_admin_x=200, school_leader_x=200, anonymous=302),
        lambda w: f"/events/schools/{_x(w)}/new/",
    ),
    "events:create_region": Rule(
        statuses(403, site_admin=200, system_leader=200, anonymous=302),
        lambda w: f"/events/regions/{w.school_x.region_id}/new/",
    ),
    # Changing, re-sizing and cancelling the private network's event: its coordinators (X's leader).
    "events:edit": Rule(EVENT_CHANGE(200), lambda w: f"/events/{_events(w)['private_event'].pk}/edit/"),
    # An empty form changes nothing: back to the event with the error (302).
    "events:capacity": Rule(
        EVENT_CHANGE(302), lambda w: f"/events/{_events(w)['private_event'].pk}/places/", "post"
    ),
    # GET only asks to confirm.
    "events:cancel": Rule(EVENT_CHANGE(200), lambda w: f"/events/{_events(w)['private_event'].pk}/cancel/"),
    "events:feed_settings": Rule(SIGNED_IN, "/events/feed/"),
    # The HTTP API (tests/api/): its schema and reference are public; every endpoint wants a token,
    # so a signed-in browser without one gets 401 like everyone (its persona tests use tokens).
    "api_reference": Rule(PUBLIC, "/api/v1/docs/"),
    "api_v1:openapi-json": Rule(PUBLIC, "/api/v1/openapi.json"),
    "api_v1:api-root": Rule(statuses(404), "/api/v1/"),
    **{
        f"api_v1:{name}": Rule(statuses(401), url)
        for name, url in {
            "schools_list": "/api/v1/schools",
            "schools_csv": "/api/v1/schools.csv",
            "school_detail": "/api/v1/schools/100001",
            "school_measure_values": "/api/v1/schools/100001/measures",
            "measures_csv": "/api/v1/measures.csv",
            "school_performance": "/api/v1/schools/100001/performance",
            "school_family_members": "/api/v1/schools/100001/family",
            "networks_list": "/api/v1/networks",
            "network_detail": "/api/v1/networks/1",
            "network_memberships": "/api/v1/networks/1/memberships",
            "events_list": "/api/v1/events",
            "schools_geojson": "/api/v1/schools.geojson",
            "network_members_geojson": "/api/v1/networks/1/members.geojson",
            "event_registrations": "/api/v1/events/1/registrations",
            "resources_list": "/api/v1/resources",
            "network_roles_list": "/api/v1/networks/1/roles",
            "plans_list": "/api/v1/plans",
            "plan_detail": "/api/v1/plans/1",
            "consultations_list": "/api/v1/consultations",
            "consultation_results": "/api/v1/consultations/1/results",
        }.items()
    },
    # The API's writes (tests/api/test_writes_*.py): without a token, 401 whatever the method.
    **{
        f"api_v1:{name}": Rule(statuses(401), url, "post")
        for name, url in {
            "network_invite": "/api/v1/networks/1/invitations",
            "network_request_decide": "/api/v1/networks/1/requests/1/decision",
            "network_membership_leave": "/api/v1/networks/1/memberships/100001/leave",
            "event_create": "/api/v1/events",
            "event_register": "/api/v1/events/1/registrations",
            "registration_cancel": "/api/v1/registrations/1/cancel",
            "board_thread_create": "/api/v1/networks/1/threads",
            "board_reply": "/api/v1/threads/1/posts",
            "import_start": "/api/v1/imports",
        }.items()
    },
    "api_v1:network_requests": Rule(statuses(401), "/api/v1/networks/1/requests"),
    "api_v1:deletions_list": Rule(statuses(401), "/api/v1/deleted"),
    "api_v1:job_detail": Rule(statuses(401), "/api/v1/jobs/1"),
    "api_v1:job_problems": Rule(statuses(401), "/api/v1/jobs/1/problems"),
    # A person's own API tokens: teacher X's token is teacher X's alone (others 404); revoking it
    # without the confirmation page's field shows that page (200).
    "api_tokens": Rule(SIGNED_IN, "/accounts/api-tokens/"),
    "api_token_revoke": Rule(
        statuses(404, teacher_x=200, anonymous=302),
        lambda w: f"/accounts/api-tokens/{w.extra['api_token'].pk}/revoke/",
        "post",
    ),
    # Integrations (a system's own account and tokens): site administrators only; others 404. Revoking
    # a token and deactivating without the confirmation page's field show that page (200).
    "api_integrations": Rule(SITE_ADMINS, "/accounts/integrations/"),
    "api_integration": Rule(SITE_ADMINS, lambda w: f"/accounts/integrations/{w.extra['integration'].pk}/"),
    "api_integration_token_revoke": Rule(
        SITE_ADMINS,
        lambda w: f"/accounts/integrations/{w.extra['integration'].pk}/tokens/{w.extra['integration_token'].pk}/revoke/",
        "post",
    ),
    "api_integration_deactivate": Rule(
        SITE_ADMINS, lambda w: f"/accounts/integrations/{w.extra['integration'].pk}/deactivate/", "post"
    ),
    "events:feed_network": Rule(PUBLIC, lambda w: f"/events/feeds/networks/{_events(w)['public'].pk}.ics"),
    "events:feed_school": Rule(PUBLIC, lambda w: f"/events/feeds/schools/{_x(w)}.ics"),
    "events:feed_person": Rule(PUBLIC, lambda w: f"/events/feeds/{_events(w)['token']}.ics"),
    # The library: a private network's resources as its events; writes for the author and coordinators.
    "library:index": Rule(SIGNED_IN, "/library/"),
    "library:create": Rule(SIGNED_IN, "/library/new/"),
    "library:detail": Rule(EVENT_PRIVATE, lambda w: f"/library/{_library(w)['file'].pk}/"),
    "library:download": Rule(
        EVENT_PRIVATE, lambda w: f"/library/{_library(w)['file'].pk}/versions/1/download/"
    ),
    "library:open_link": Rule(statuses(302), lambda w: f"/library/{_library(w)['link'].pk}/open/"),
    # Posting an empty form: organisers get the page back with the error (302).
    "library:version_add": Rule(
        EVENT_ORGANISERS, lambda w: f"/library/{_library(w)['file'].pk}/versions/", "post"
    ),
    "library:policy_agree": Rule(
        EVENT_ORGANISERS, lambda w: f"/library/{_library(w)['policy'].pk}/agree/", "post"
    ),
    "library:policy_adopt": Rule(
        statuses(302, teacher_y=404, no_school_user=404),
        lambda w: f"/library/{_library(w)['policy'].pk}/adopt/",
        "post",
    ),
    # Offers and requests: open to anyone signed in; proposing is the requesting school's, accepting the offering school's.
    # A network's impact page and its CSV follow the network: whoever sees the network sees them.
    "impact:network": Rule(SCHOOL_X_PRIVATE, lambda w: f"/impact/networks/{w.extra['private_network'].pk}/"),
    "impact:participation_csv": Rule(
        SCHOOL_X_PRIVATE, lambda w: f"/impact/networks/{w.extra['private_network'].pk}/participation.csv"
    ),
    "impact:network_csv": Rule(
        SCHOOL_X_PRIVATE, lambda w: f"/impact/networks/{w.extra['private_network'].pk}/effects.csv"
    ),
    "impact:network_pdf": Rule(
        SCHOOL_X_PRIVATE, lambda w: f"/impact/networks/{w.extra['private_network'].pk}/report.pdf"
    ),
    # Programmes (impact/access.py): region A's system leader and site admins; others 404 for a
    # programme, 403 for the list and "Start a programme" (they lead no area).
    "impact:programmes": Rule(PROGRAMME_KEEPERS(200), "/impact/programmes/"),
    "impact:programme_create": Rule(  # an empty POST: the blank form again
        PROGRAMME_KEEPERS(200), "/impact/programmes/new/", "post"
    ),
    "impact:programme": Rule(PROGRAMME_LEADERS(200), lambda w: _programme_url(w)),
    "impact:programme_edit": Rule(PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "change/")),
    "impact:programme_pdf": Rule(PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "report.pdf")),
    "impact:programme_network_add": Rule(  # no network chosen: the problem page
        PROGRAMME_LEADERS(400), lambda w: _programme_url(w, "networks/"), "post"
    ),
    "impact:programme_network_remove": Rule(PROGRAMME_LEADERS(302), _programme_network_remove_url, "post"),
    "impact:programme_survey_create": Rule(
        PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "surveys/new/")
    ),
    "impact:programme_survey_post_start": Rule(PROGRAMME_LEADERS(302), _programme_survey_url, "post"),
    "impact:programme_costs": Rule(PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "costs/")),
    "impact:programme_cost_delete": Rule(  # not confirmed: the confirmation page, nothing removed
        PROGRAMME_LEADERS(200),
        lambda w: _programme_url(w, f"costs/{_programme(w)['cost'].pk}/remove/"),
        "post",
    ),
    "impact:programme_numbers_csv": Rule(PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "numbers.csv")),
    "impact:programme_costs_csv": Rule(PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "costs.csv")),
    "impact:programme_csv": Rule(PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "effects.csv")),
    "impact:programme_participation_csv": Rule(
        PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "participation.csv")
    ),
    "impact:programme_years_csv": Rule(
        PROGRAMME_LEADERS(200), lambda w: _programme_url(w, "participation-by-year.csv")
    ),
    # The evidence pack of the private network: its coordinator, the system leader over it and site
    # admins; the network's other readers 403; outsiders 404. Surveys are opened by coordinators.
    "impact:pack": Rule(
        PACK_READERS(200), lambda w: f"/impact/networks/{w.extra['private_network'].pk}/pack/"
    ),
    "impact:pack_csv": Rule(
        PACK_READERS(200), lambda w: f"/impact/networks/{w.extra['private_network'].pk}/pack.csv"
    ),
    "impact:pack_pdf": Rule(
        PACK_READERS(200), lambda w: f"/impact/networks/{w.extra['private_network'].pk}/pack.pdf"
    ),
    "impact:letter": Rule(
        PACK_READERS(200),
        lambda w: f"/impact/networks/{w.extra['private_network'].pk}/pack/letters/{_pack(w)['letter'].pk}/",
    ),
    "impact:letter_delete": Rule(  # not confirmed: the confirmation page, nothing removed
        PACK_READERS(200),
        lambda w: f"/impact/networks/{w.extra['private_network'].pk}/pack/letters/{_pack(w)['letter'].pk}/remove/",
        "post",
    ),
    "impact:letter_add": Rule(  # an empty form: refused with 400 to those who may add
        PACK_READERS(400), lambda w: f"/impact/networks/{w.extra['private_network'].pk}/pack/letters/", "post"
    ),
    "impact:survey_create": Rule(
        statuses(403, site_admin=200, school_leader_x=200, teacher_y=404, no_school_user=404, anonymous=302),
        lambda w: f"/impact/networks/{w.extra['private_network'].pk}/surveys/new/",
    ),
    "impact:survey_post_start": Rule(
        statuses(403, site_admin=302, school_leader_x=302, teacher_y=404, no_school_user=404, anonymous=302),
        lambda w: f"/impact/networks/{w.extra['private_network'].pk}/surveys/{_pack(w)['survey'].pk}/after/",
        "post",
    ),
    "offers:index": Rule(SIGNED_IN, "/offers/"),
    "offers:offer_create": Rule(statuses(302), "/offers/offers/new/", "post"),
    "offers:request_create": Rule(statuses(302), "/offers/requests/new/", "post"),
    "offers:request_detail": Rule(SIGNED_IN, lambda w: f"/offers/requests/{_offers(w)['request'].pk}/"),
    "offers:match_propose": Rule(
        statuses(403, site_admin=302, anonymous=302),
        lambda w: f"/offers/requests/{_offers(w)['request'].pk}/propose/",
        "post",
    ),
    "offers:match_accept": Rule(
        statuses(403, site_admin=302, school_admin_x=302, school_leader_x=302, anonymous=302),
        lambda w: f"/offers/matches/{_fresh_match(w)}/accept/",
        "post",
    ),
    # How the model came out is for site admins and system leaders; the plain-language methods are public.
    "evidence_model": Rule(AUDIT_READERS, "/evidence/model/"),
    # Starting the planted-truth self-check (a background job) is the site admin's, like a recompute.
    "evidence_selfcheck": Rule(
        statuses(403, site_admin=302, anonymous=302), "/evidence/model/selfcheck/", "post"
    ),
    "evidence_methods": Rule(PUBLIC, "/evidence/methods/"),
    # Background jobs are the site admin's (imports run from the admin).
    "job_detail": Rule(admin_only(200), lambda w: f"/jobs/{w.job.pk}/"),
    # Self-evaluation: frameworks are read by anyone signed in; a school's self-evaluation is its
    # private area; its own ratings are its leaders'; a peer review is rated by the reviewing school's leaders.
    "framework_list": Rule(SIGNED_IN, "/self-evaluation/frameworks/"),
    "framework_detail": Rule(
        SIGNED_IN, lambda w: f"/self-evaluation/frameworks/{w.extra['framework_version'].pk}/"
    ),
    "peer_reviews_to_do": Rule(SIGNED_IN, "/self-evaluation/peer-reviews/"),
    "peer_review_rate": Rule(
        statuses(404, school_leader_x=200, school_admin_x=200, anonymous=302),
        lambda w: f"/self-evaluation/peer-reviews/{w.extra['peer_review'].pk}/rate/",
    ),
    "selfeval_school": Rule(SCHOOL_X_PRIVATE, lambda w: f"/self-evaluation/schools/{_x(w)}/"),
    "selfeval_rate": Rule(
        statuses(
            403,
            site_admin=200,
            school_admin_x=200,
            school_leader_x=200,
            teacher_y=404,
            no_school_user=404,
            anonymous=302,
        ),
        lambda w: f"/self-evaluation/schools/{_x(w)}/rate/self/",
    ),
    "peer_review_request": Rule(  # no school chosen: the picker shown again with its error (400)
        statuses(
            403,
            site_admin=400,
            school_admin_x=400,
            school_leader_x=400,
            teacher_y=404,
            no_school_user=404,
            anonymous=302,
        ),
        lambda w: f"/self-evaluation/schools/{_x(w)}/peer-reviews/",
        "post",
    ),
    # Whether X's networks' members see its self-evaluation: X's own leaders choose, nobody else.
    "selfeval_sharing": Rule(
        statuses(
            403,
            school_admin_x=302,
            school_leader_x=302,
            teacher_y=404,
            no_school_user=404,
            anonymous=302,
        ),
        lambda w: f"/self-evaluation/schools/{_x(w)}/sharing/",
        "post",
    ),
    # Files of evidence on X's own evaluation: downloaded as the self-evaluation is read; removed
    # by its leaders (GET asks to confirm; the POST is tested in tests/frameworks/test_evidence_files.py).
    "selfeval_file": Rule(
        SCHOOL_X_PRIVATE, lambda w: f"/self-evaluation/files/{w.extra['evidence_file'].pk}/"
    ),
    "selfeval_file_delete": Rule(
        statuses(
            403,
            site_admin=200,
            school_admin_x=200,
            school_leader_x=200,
            teacher_y=404,
            no_school_user=404,
            anonymous=302,
        ),
        lambda w: f"/self-evaluation/files/{w.extra['evidence_file'].pk}/delete/",
    ),
    # A network's strengths and needs and its development plans: read as the network is read
    # (here a private network of school X, coordinated by X's school leader); changed by coordinators;
    # progress reported by coordinators and the leaders of the school that owns the action.
    "network_heatmap": Rule(
        SCHOOL_X_PRIVATE, lambda w: f"/self-evaluation/networks/{w.extra['plan'].network_id}/"
    ),
    "network_plans": Rule(SCHOOL_X_PRIVATE, lambda w: f"/plans/networks/{w.extra['plan'].network_id}/"),
    "plan_detail": Rule(SCHOOL_X_PRIVATE, lambda w: f"/plans/{w.extra['plan'].pk}/"),
    "plan_priority_add": Rule(
        statuses(403, site_admin=400, school_leader_x=400, teacher_y=404, no_school_user=404, anonymous=302),
        lambda w: f"/plans/{w.extra['plan'].pk}/priorities/",
        "post",
    ),
    "plan_action_add": Rule(
        statuses(403, site_admin=400, school_leader_x=400, teacher_y=404, no_school_user=404, anonymous=302),
        lambda w: f"/plans/priorities/{w.extra['action'].priority_id}/actions/",
        "post",
    ),
    "plan_progress_add": Rule(
        statuses(
            403,
            site_admin=302,
            school_leader_x=302,
            school_admin_x=302,
            teacher_y=404,
            no_school_user=404,
            anonymous=302,
        ),
        lambda w: f"/plans/actions/{w.extra['action'].pk}/progress/",
        "post",
    ),
    # Consultations: the owner (here X's system leader) and site admins manage and read them;
    # the asked schools' staff read the questions, their leaders answer.
    "consultation_list": Rule(SIGNED_IN, "/voice/"),
    "consultation_create": Rule(SIGNED_IN, "/voice/new/"),
    "consultation_detail": Rule(CONSULTATION_OWNER(200), lambda w: f"/voice/{w.extra['consultation'].pk}/"),
    "consultation_question_add": Rule(
        CONSULTATION_OWNER(302), lambda w: f"/voice/{w.extra['consultation'].pk}/questions/", "post"
    ),
    "consultation_status": Rule(
        CONSULTATION_OWNER(302), lambda w: f"/voice/{w.extra['consultation'].pk}/status/", "post"
    ),
    "consultation_results": Rule(
        CONSULTATION_OWNER(200), lambda w: f"/voice/{w.extra['consultation'].pk}/results/"
    ),
    "consultation_export": Rule(
        CONSULTATION_OWNER(200), lambda w: f"/voice/{w.extra['consultation'].pk}/results.csv"
    ),
    "consultation_answer_tag": Rule(
        CONSULTATION_OWNER(302), lambda w: f"/voice/{w.extra['consultation'].pk}/themes/", "post"
    ),
    "consultation_answer": Rule(
        statuses(404, school_admin_x=200, school_leader_x=200, teacher_x=200, anonymous=302),
        lambda w: f"/voice/{w.extra['consultation'].pk}/answer/{_x(w)}/",
    ),
    # Advisory councils (issue 23, item 6): region A's council, led by its system leader (and site
    # admins), teacher X its member; everyone else 404, the member 403 on the leaders' writes.
    "council_list": Rule(SIGNED_IN, "/voice/councils/"),
    "council_create": Rule(COUNCIL_STARTERS, "/voice/councils/new/"),
    "council_detail": Rule(COUNCIL_READERS(200), lambda w: f"/voice/councils/{w.extra['council'].pk}/"),
    "council_invite": Rule(
        council_leaders(400), lambda w: f"/voice/councils/{w.extra['council'].pk}/invite/", "post"
    ),
    "council_consultation_create": Rule(
        council_leaders(200), lambda w: f"/voice/councils/{w.extra['council'].pk}/consultations/new/"
    ),
    # A place is answered by its own person only (teacher X's, already a member: no decision, 400).
    "council_place_answer": Rule(
        statuses(404, teacher_x=400, anonymous=302),
        lambda w: f"/voice/councils/places/{w.extra['council_place'].pk}/answer/",
        "post",
    ),
    # Ended by its person or the council's leaders: the confirmation page first.
    "council_place_end": Rule(
        COUNCIL_READERS(200), lambda w: f"/voice/councils/places/{w.extra['council_place'].pk}/end/", "post"
    ),
    "consultation_publish": Rule(
        CONSULTATION_OWNER(400), lambda w: f"/voice/{w.extra['council_consultation'].pk}/publish/", "post"
    ),
    "consultation_publication": Rule(
        COUNCIL_READERS(200), lambda w: f"/voice/{w.extra['council_consultation'].pk}/response/"
    ),
    # Messageboards (kindred/board): a fresh post by teacher_x for every request that changes one.
    "board_home": Rule(SIGNED_IN, "/board/"),
    "board": Rule(BOARD_READERS, lambda w: f"/board/networks/{w.extra['board_network'].pk}/"),
    "board_thread_create": Rule(
        board_write(200), lambda w: f"/board/networks/{w.extra['board_network'].pk}/new/"
    ),
    "board_thread": Rule(BOARD_READERS, lambda w: f"/board/threads/{w.extra['thread'].pk}/"),
    "board_reply": Rule(board_write(400), lambda w: f"/board/threads/{w.extra['thread'].pk}/reply/", "post"),
    "board_thread_level": Rule(
        board_write(302), lambda w: f"/board/threads/{w.extra['thread'].pk}/notifications/", "post"
    ),
    "board_thread_pin": Rule(
        board_moderate(302), lambda w: f"/board/threads/{w.extra['thread'].pk}/pin/", "post"
    ),
    "board_post_edit": Rule(
        statuses(403, teacher_x=200, anonymous=302),
        lambda w: f"/board/posts/{w.extra['fresh_post']().pk}/edit/",
    ),
    "board_post_delete": Rule(
        statuses(403, teacher_x=200, anonymous=302),  # 200: the confirmation page
        lambda w: f"/board/posts/{w.extra['fresh_post']().pk}/delete/",
        "post",
    ),
    "board_post_hide": Rule(
        board_moderate(302), lambda w: f"/board/posts/{w.extra['fresh_post']().pk}/hide/", "post"
    ),
    "board_post_report": Rule(BOARD_READERS, lambda w: f"/board/posts/{w.extra['fresh_post']().pk}/report/"),
    "board_attachment": Rule(BOARD_READERS, lambda w: f"/board/attachments/{w.extra['attachment'].pk}/"),
    "board_search": Rule(SIGNED_IN, "/board/search/?q=reading"),
    "board_notifications": Rule(SIGNED_IN, "/board/notifications/"),
    "board_notification_settings": Rule(SIGNED_IN, "/board/notifications/settings/"),
    # The one-click unsubscribe link works without signing in; GET only asks.
    "board_unsubscribe": Rule(PUBLIC, lambda w: f"/board/unsubscribe/{w.extra['unsubscribe_token']}/"),
    # Web push: a signed-in person posts their own browser's subscription (400 here: the matrix runs
    # without a VAPID key, so push is off) and turns their own devices off (nothing named: nothing
    # removed, back to the settings page).
    "board_push_subscribe": Rule(statuses(400, anonymous=302), "/board/push/subscribe/", "post"),
    "board_push_unsubscribe": Rule(statuses(302), "/board/push/unsubscribe/", "post"),
    # The installable web app's manifest is public, like the home page.
    "webapp_manifest": Rule(PUBLIC, "/manifest.webmanifest"),
    "job_list": Rule(admin_only(200), "/jobs/"),
    "job_schedule": Rule(admin_only(200), "/jobs/schedule/"),
    # the matrix's job found no problems, so it has no problems file to download
    "job_errors": Rule(admin_only(404), lambda w: f"/jobs/{w.job.pk}/problems.csv"),
    # The admin site's own pages.
    "admin:index": Rule(admin_only(200), "/admin/"),
    "admin:login": Rule(statuses(200, site_admin=302), "/admin/login/"),
    # Signing out of the admin goes to LOGOUT_REDIRECT_URL; the others are sent to sign in.
    "admin:logout": Rule(statuses(302), "/admin/logout/", method="post"),
    "admin:password_change": Rule(admin_only(200), "/admin/password_change/"),
    "admin:password_change_done": Rule(admin_only(200), "/admin/password_change/done/"),
    # Without its query parameters the autocomplete endpoint refuses.
    "admin:autocomplete": Rule(admin_only(403), "/admin/autocomplete/"),
    "admin:jsi18n": Rule(admin_only(200), "/admin/jsi18n/"),
    "admin:view_on_site": Rule(
        admin_only(302),
        lambda w: f"/admin/r/{ContentType.objects.get_for_model(w.school_x).pk}/{w.school_x.pk}/",
    ),
    "admin:app_list": Rule(admin_only(200), "/admin/schools/"),
    "admin:auth_user_password_change": Rule(
        admin_only(200), lambda w: f"/admin/accounts/user/{w.personas['teacher_x'].pk}/password/"
    ),
    # Two-factor secrets are hidden from site administrators too (OTP_ADMIN_HIDE_SENSITIVE_DATA).
    "admin:otp_totp_totpdevice_config": Rule(
        admin_only(403), lambda w: f"/admin/otp_totp/totpdevice/{w.extra['device'].pk}/config/"
    ),
    "admin:otp_totp_totpdevice_qrcode": Rule(
        admin_only(403), lambda w: f"/admin/otp_totp/totpdevice/{w.extra['device'].pk}/qrcode/"
    ),
    # The importer's upload page (arrives with the importer branch).
    "admin:schools_school_import": Rule(admin_only(200), "/admin/schools/school/import/"),
    # The mapping builder (site administrators): an upload never made, a mapping never saved: 404.
    "admin:schools_school_builder": Rule(admin_only(200), "/admin/schools/school/import/build/"),
    "admin:schools_school_build": Rule(admin_only(404), f"/admin/schools/school/import/build/{'0' * 32}/"),
    "admin:schools_school_mapping_download": Rule(
        admin_only(404), "/admin/schools/school/import/mappings/none.yaml"
    ),
    # The admin's last pattern: anything else under /admin/.
    "admin/(?P<url>.*)$": Rule(admin_only(404), "/admin/no-such-page/"),
}

# Admin pages that the model's admin forbids even to site admins (read-only logs).
ADMIN_FORBIDDEN = {
    # Integrations and tokens are made, revoked and deactivated on their pages (api/admin.py).
    ("api_integration", "add"),
    ("api_integration", "delete"),
    ("api_apitoken", "add"),
    ("api_apitoken", "delete"),
    ("audit_auditevent", "add"),
    ("audit_auditevent", "delete"),
    ("accounts_invitation", "add"),
    ("django_tasks_database_dbtaskresult", "add"),
    ("django_tasks_database_dbtaskresult", "delete"),
    ("axes_accessattempt", "add"),
    ("axes_accesslog", "add"),
    ("axes_accessfailurelog", "add"),
    ("board_outgoingemail", "add"),
    # History is shown, never added or deleted in the admin (core.admin_site.HistoryAdmin).
    *{
        (model, page)
        for model in (
            "networks_network",
            "networks_membership",
            "networks_networkrole",
            "networks_membershiprequest",
            "networks_networklink",
            "networks_rotaturn",
            "networks_rotablockeddate",
            "networks_connection",
            "board_thread",
            "board_post",
            "board_postreport",
            "board_outgoingemail",
            "board_outgoingpush",
            "board_pushsubscription",
        )
        for page in ("add", "delete")
    },
    ("networks_profile", "add"),
    ("board_notificationsettings", "add"),
}


def walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = (
                f"{namespace}:{pattern.namespace}"
                if namespace and pattern.namespace
                else (pattern.namespace or namespace)
            )
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or "")
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def admin_model_rule(route: str, name: str | None, world: World) -> Rule | None:
    """The admin's standard pages for every registered model: list, add, history, delete, change."""
    for model in admin.site._registry:
        meta = model._meta
        base = f"admin/{meta.app_label}/{meta.model_name}/"
        key = f"{meta.app_label}_{meta.model_name}"
        if not route.startswith(base):
            continue
        obj = model._default_manager.order_by("pk").first()
        # A missing object makes the admin redirect to its index with a message.
        object_status = 200 if obj is not None else 302
        pk = obj.pk if obj is not None else 0
        pages = {
            f"admin:{key}_changelist": ("changelist", base, 200),
            f"admin:{key}_add": ("add", f"{base}add/", 200),
            f"admin:{key}_history": ("history", f"{base}{pk}/history/", object_status),
            f"admin:{key}_delete": ("delete", f"{base}{pk}/delete/", object_status),
            f"admin:{key}_change": ("change", f"{base}{pk}/change/", object_status),
        }
        if name in pages:
            page, path, ok = pages[name]
            if (key, page) in ADMIN_FORBIDDEN:
                ok = 403
            return Rule(admin_only(ok), f"/{path}")
        if name is None and route == f"{base}<path:object_id>/":
            # The old-style object address redirects to the change page.
            return Rule(admin_only(302), f"/{base}{pk}/")
    return None


def rule_for(route: str, name: str | None, world: World) -> Rule | None:
    return RULES.get(name or route) or admin_model_rule(route, name, world)


def _board_world(network, teacher, settings, tmp_path) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kindred.board.delivery import unsubscribe_token
    from kindred.board.services import post_reply, thread_create

    settings.MEDIA_ROOT = tmp_path / "media"
    thread = thread_create(network=network, by=teacher, title="Matrix thread", body="reading")
    with_file = post_reply(
        thread=thread, by=teacher, body="a file", files=[SimpleUploadedFile("notes.txt", b"plain notes")]
    )
    return {
        "board_network": network,
        "thread": thread,
        "attachment": with_file.attachments.get(),
        "fresh_post": lambda: _unlimited(post_reply, thread=thread, by=teacher, body="another"),
        "unsubscribe_token": unsubscribe_token(teacher.pk, "digest"),
    }


@pytest.fixture
def world(personas, school_x, school_y, network_x, settings, tmp_path):
    return world_build(personas, school_x, school_y, network_x, settings, tmp_path)


def world_build(personas, school_x, school_y, network_x, settings, tmp_path) -> World:
    """The objects the rules' addresses name (also used by tests/browser/test_every_page.py)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    site_admin = personas["site_admin"]
    _, token = invitation_create(
        school=school_x,
        email="new.teacher@example.org",
        role="teacher",
        by=personas["school_admin_x"],
        base_url="http://testserver",
    )
    audit(site_admin, "test.recorded", school_x)
    device = TOTPDevice.objects.create(user=personas["no_school_user"], name="unconfirmed", confirmed=False)
    job = job_create(kind=Job.Kind.values[0], label="matrix", by=site_admin)
    version = framework_example_load()
    review = PeerReview.objects.create(school=school_y, reviewer_school=school_x, version=version, year=2025)
    action = plan_with_action(school_x, personas["school_leader_x"])
    consultation = open_consultation(personas["system_leader"], school_x.region)
    return World(
        personas,
        school_x,
        school_y,
        job,
        extra={
            "invitation_token": token,
            "api_token": token_create(user=personas["teacher_x"], name="matrix", scope="read", days=30)[0],
            **_integration_world(site_admin),
            "device": device,
            "framework_version": version,
            "peer_review": review,
            "evidence_file": _evidence_file(version, school_x, personas["school_leader_x"]),
            "plan": action.priority.plan,
            "action": action,
            "consultation": consultation,
            **_council_world(personas, school_x),
            **(networks := _networks_world(personas, school_x)),
            **_communities_world(personas, school_x, school_y, networks["private_network"]),
            **_group_world(personas, school_y),
            **_board_world(network_x, personas["teacher_x"], settings, tmp_path),
            **_brokering_world(personas, school_x, school_y),
        },
    )


def _council_world(personas, school_x) -> dict:
    """Region A's advisory council: its system leader leads it, teacher X is its member; an open
    consultation of its members."""
    from tests.voice.conftest import council_consultation, council_with_members

    council = council_with_members(
        personas["system_leader"], region=school_x.region, members=[personas["teacher_x"]]
    )
    return {
        "council": council,
        "council_place": council.members.get(),
        "council_consultation": council_consultation(council, personas["system_leader"]),
    }


def _integration_world(site_admin) -> dict:
    from kindred.api.services import integration_create

    integration = integration_create(name="Matrix sync", by=site_admin)
    token, _secret = token_create(
        user=integration.account, by=site_admin, name="nightly", scope="read", days=30
    )
    return {"integration": integration, "integration_token": token}


def _evidence_file(version, school, leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kindred.frameworks.services import ratings_save

    standard = version.domains.first().standards.first()
    evaluation = ratings_save(
        school=school,
        version=version,
        year=2025,
        kind="self",
        levels={standard.pk: (3, "minutes")},
        by=leader,
        files={standard.pk: [SimpleUploadedFile("minutes.txt", b"Governors' minutes")]},
    )
    return evaluation.files.get()


def _unlimited(write, **arguments):
    """A write the matrix makes for itself (a fresh post for each persona's request), outside the
    per-person posting limits (BOARD_POSTS_PER_MINUTE): the limits are not what the matrix checks."""
    from kindred.core import ratelimit

    with ratelimit.suspended():
        return write(**arguments)


def _brokering_world(personas, school_x, school_y) -> dict:
    from kindred.brokering.models import Invitation, ProposedNetwork, Run
    from kindred.brokering.services import approach_record, run_create
    from kindred.networks.services import network_create

    run = run_create(kind="formation", region=school_x.region, by=personas["system_leader"])
    Run.objects.filter(pk=run.pk).update(status=Run.Status.REVIEW)
    published = run_create(kind="brokering", region=school_x.region, by=personas["system_leader"])
    network = network_create(name="Matrix partnership", kind="partnership", region=school_x.region, by=None)
    pair = ProposedNetwork.objects.create(run=published, number=1, domain="maths", network=network)
    invitation = Invitation.objects.create(
        proposed_network=pair, school=school_x, role=Invitation.Role.NEED, status=Invitation.Status.INVITED
    )
    approach = approach_record(
        need_school=school_x, domain="maths", partner=school_y, by=personas["system_leader"]
    )
    return {"run": run, "invitation": invitation, "approach": approach}


def _networks_world(personas, school_x) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from kindred.networks.models import Network
    from kindred.networks.rota import rota_generate
    from kindred.networks.services import connection_request, membership_add, network_create, profile_update

    leader = personas["school_leader_x"]
    network = network_create(name="Matrix network", kind="community", region=school_x.region, by=leader)
    membership = membership_add(network=network, school=school_x, by=leader)
    private = network_create(
        name="Matrix private",
        kind="cluster",
        region=school_x.region,
        by=leader,
        visibility=Network.Visibility.PRIVATE,
    )
    membership_add(network=private, school=school_x, by=leader)
    empty = network_create(name="Matrix empty", kind="subject", region=None, by=personas["site_admin"])
    turn = rota_generate(
        network=network, school_year=2030, dates=[timezone.localdate() + timedelta(days=30)], by=leader
    )[0]
    profile_update(user=personas["teacher_x"], subjects="maths", visibility="networks")
    connection = connection_request(from_user=personas["school_leader_x"], to_user=personas["teacher_x"])
    return {
        "network": network,
        "membership": membership,
        "private_network": private,
        "empty_network": empty,
        "turn": turn,
        "connection": connection,
    }


def test_every_url_answers_every_persona_as_declared(world, settings):
    settings.AXES_ENABLED = False
    # Each persona posts to every writing URL in one go: the per-person limits on writing
    # (tests/board/test_rate_limits.py) would answer some of them for the limit, not the permission.
    settings.BOARD_POSTS_PER_MINUTE = settings.BOARD_POSTS_PER_HOUR = settings.BOARD_THREADS_PER_HOUR = 0
    settings.JOIN_REQUESTS_PER_DAY = 0
    clients = {}
    for persona, user in world.personas.items():
        clients[persona] = Client()
        if user is not None:
            clients[persona].force_login(user)

    undeclared, wrong = [], []
    for route, name in walk(get_resolver().url_patterns):
        rule = rule_for(route, name, world)
        if rule is None:
            undeclared.append(name or route)
            continue
        for persona in PERSONAS:
            url = rule.url(world) if callable(rule.url) else rule.url
            response = getattr(clients[persona], rule.method)(url)
            if response.status_code != rule.expected[persona]:
                wrong.append(
                    f"{persona} {rule.method.upper()} {url}: {response.status_code}, expected {rule.expected[persona]}"
                )
            if rule.method == "post" and name in {"logout", "admin:logout"} and world.personas[persona]:
                clients[persona].force_login(world.personas[persona])

    assert undeclared == [], "declare who may use these URLs in RULES"
    assert wrong == [], "\n".join(wrong)


def test_walk_sees_the_admin_and_the_accounts_urls():
    routes = {name or route for route, name in walk(get_resolver().url_patterns)}
    assert {"admin:index", "admin:accounts_user_change", "school_staff", "audit_log", "home"} <= routes


def test_a_url_without_a_declared_rule_has_no_rule(world):
    assert rule_for("accounts/something-new/", "something_new", world) is None
    assert rule_for("admin/accounts/user/<path:object_id>/merge/", "admin:accounts_user_merge", world) is None
    assert rule_for("accounts/profile/", "profile", world) is RULES["profile"]
