import pytest

from tests.frameworks.conftest import framework  # noqa: F401 (a fixture shared with the framework tests)


def plan_with_action(school, coordinator):
    """A private network of `school` coordinated by `coordinator`, with a plan, a priority and an action."""
    from kindred.networks.models import Network
    from kindred.networks.services import membership_add, network_create
    from kindred.plans.services import action_add, plan_create, priority_add

    network = network_create(
        name=f"Plan network of {school.name}",
        kind=Network.Kind.CLUSTER,
        region=school.region,
        by=coordinator,
        visibility=Network.Visibility.PRIVATE,
        status=Network.Status.ACTIVE,
    )
    membership_add(network=network, school=school, role="member", by=coordinator)
    plan = plan_create(network=network, title="Reading for all", year=2025, by=coordinator)
    priority = priority_add(
        plan=plan, title="Early reading", domain="curriculum", source="self", by=coordinator
    )
    return action_add(
        priority=priority, description="Shared phonics training", owner_school=school, by=coordinator
    )


@pytest.fixture
def action(school_x, school_leader_x):
    return plan_with_action(school_x, school_leader_x)
