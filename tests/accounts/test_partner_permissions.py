"""The permission matrix, extended to partner organisations (issue 23, item 4): every URL of the
project, requested by a university's person who is an expert in one public network, answers as it
answers someone signed in with no role at all (the matrix's `no_school_user`), except where this
file says why. Evidence on schools (the dashboard, the good-practice finder, relative performance
and families in the API) is 404 to a partner although it is open to anyone signed in; self-evaluations,
private networks and boards of networks they are not in stay closed to them as to any outsider.
"""

import pytest
from django.test import Client
from django.urls import get_resolver

from kindred.accounts.models import User
from kindred.accounts.services import organisation_create, organisation_person_add
from kindred.networks.services import membership_request_decide, partner_invite
from tests.accounts.test_permission_matrix import rule_for, walk, world_build

pytestmark = pytest.mark.django_db

# Where the partner's answer differs from an outsider's, and why.
PARTNER_DIFFERS: dict[str, int] = {
    # Evidence on schools: open to anyone signed in, never to a partner (accounts/access.py).
    "dashboard": 404,
    "good_practice": 404,
    # Teacher X shows their profile to people in their networks: the partner is in one with X's
    # school (as any member of it would be), so sees it, may ask to connect, and is told they
    # coordinate no network to invite them into (the form's 400).
    "networks:person": 200,
    "networks:connect": 302,
    "networks:invite_person": 400,
}


@pytest.fixture
def partner_world(personas, school_x, school_y, network_x, settings, tmp_path):
    world = world_build(personas, school_x, school_y, network_x, settings, tmp_path)
    university = organisation_create(
        name="Matrix University", kind="university", region=school_x.region, by=None
    )
    partner = User.objects.create_user(
        email="expert@university.example.org", password=None, full_name="Expert"
    )
    organisation_person_add(organisation=university, user=partner, by=None)
    invitation = partner_invite(
        network=world.extra["network"],
        person=partner,
        organisation=university,
        role="expert",
        by=personas["school_leader_x"],
    )
    membership_request_decide(request=invitation, approve=True, by=partner)
    world.extra["partner"] = partner
    world.extra["university"] = university
    return world


def test_a_partner_answers_every_url_as_an_outsider_except_where_declared(partner_world, settings):
    settings.AXES_ENABLED = False
    settings.BOARD_POSTS_PER_MINUTE = settings.BOARD_POSTS_PER_HOUR = settings.BOARD_THREADS_PER_HOUR = 0
    settings.JOIN_REQUESTS_PER_DAY = 0
    client = Client()
    client.force_login(partner_world.extra["partner"])
    wrong = []
    for route, name in walk(get_resolver().url_patterns):
        rule = rule_for(route, name, partner_world)
        assert rule is not None, f"no rule for {name or route} in the permission matrix"
        expected = PARTNER_DIFFERS.get(name or route, rule.expected["no_school_user"])
        url = rule.url(partner_world) if callable(rule.url) else rule.url
        response = getattr(client, rule.method)(url)
        if response.status_code != expected:
            wrong.append(
                f"{name or route}: {rule.method.upper()} {url}: {response.status_code}, expected {expected}"
            )
        if rule.method == "post" and name in {"logout", "admin:logout"}:
            client.force_login(partner_world.extra["partner"])
    assert wrong == [], "\n".join(wrong)
