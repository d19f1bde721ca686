"""The roll-up of member networks' development plans on a community of communities' page (issue 23,
item 5; registered in PlansConfig.ready()).

Each plan is shown only where the reader may see its network (`networks_visible_q`, the rule
`plans.access.plan_for_user` applies to the plan itself): a private member network's plans stay
with its members and the leaders over it. The counts are of the plans shown.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Q

from kindred.networks.access import descendant_ids, networks_visible_q
from kindred.networks.models import Network
from kindred.plans.models import Action, DevelopmentPlan

PLANS_PER_PAGE = 10


def _counts() -> dict:
    """Priorities, and actions by status, of each plan (one aggregate over its actions)."""
    counts = {"priority_count": Count("priorities", distinct=True)}
    for status in Action.Status.values:
        counts[f"actions_{status}"] = Count(
            "priorities__actions", filter=Q(priorities__actions__status=status), distinct=True
        )
    return counts


def plans_rollup_context(request, network: Network) -> dict:
    if not network.has_member_networks:
        return {"rollup": False}
    below = descendant_ids(network)
    visible = Network.objects.filter(networks_visible_q(request.user), pk__in=below).values("pk")
    plans = DevelopmentPlan.objects.filter(network__in=visible)
    page = Paginator(
        plans.select_related("network")
        .annotate(**_counts())
        .order_by("network__name", "-year", "title", "pk"),
        PLANS_PER_PAGE,
    ).get_page(request.GET.get("plans_page"))
    totals = plans.aggregate(**_counts()) if page.paginator.count else {}
    return {
        "rollup": True,
        "network": network,
        "page": page,
        "totals": totals,
        "statuses": Action.Status.choices,
        "networks_below": len(below),
        "networks_with_plans": plans.values("network_id").distinct().count() if page.paginator.count else 0,
    }
