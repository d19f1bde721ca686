"""Reads for development plans."""

from django.db.models import Prefetch, QuerySet

from kindred.plans.models import Action, DevelopmentPlan, PlanChange, Priority, ProgressUpdate


def network_plans(*, network) -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.filter(network=network).select_related("created_by")


def plan_outline(*, plan: DevelopmentPlan) -> list[Priority]:
    """Priorities with their actions, each action with its owner, success measure and updates (four queries)."""
    actions = Action.objects.select_related(
        "owner_school", "success_measure", "success_standard"
    ).prefetch_related(Prefetch("updates", queryset=ProgressUpdate.objects.select_related("by")))
    return list(plan.priorities.prefetch_related(Prefetch("actions", queryset=actions)))


def plan_history(*, plan: DevelopmentPlan, limit: int = 100) -> list[PlanChange]:
    return list(plan.changes.select_related("by")[:limit])


def progress_counts(outline: list[Priority]) -> dict[str, int]:
    counts = {status: 0 for status in Action.Status.values}
    for priority in outline:
        for action in priority.actions.all():
            counts[action.status] += 1
    return counts
