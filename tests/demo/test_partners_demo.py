"""The demo's university partner (issue 23, item 4), built alone: invited by the coordinator into her
first network as an expert, accepted, and hosting a seminar that her network's members see."""

import pytest

from kindred.demo.partners import demo_partners_create
from kindred.networks.models import NetworkRole

pytestmark = pytest.mark.django_db


def test_the_demo_university_is_an_expert_in_the_coordinators_network_and_hosts_a_seminar(
    client, network_x, school_leader_x, teacher_x, site_admin, region_a
):
    made = demo_partners_create(region=region_a, coordinator=school_leader_x, admin=site_admin, password="pw")
    role = NetworkRole.objects.active().get(user=made["person"])
    assert (role.network, role.role, role.organisation) == (network_x, "expert", made["organisation"])
    assert made["event"].host_organisation == made["organisation"]
    assert made["organisation"].offers.get().domain == "reading"
    client.force_login(teacher_x)
    page = client.get(f"/organisations/{made['organisation'].pk}/").content.decode()
    assert made["event"].title in page and network_x.name in page
