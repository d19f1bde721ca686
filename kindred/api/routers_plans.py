"""/api/v1/plans…: networks' shared development plans, read by whoever may see the network (plans.access)."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_noop
from ninja import Field, Path, Query, Router, Schema

from kindred.api import cursor
from kindred.api.auth import caller
from kindred.api.schemas import MAX_ID, Paging, PlanDetailOut, PlanPage, Problem
from kindred.api.scope import in_token_organisation, in_token_region, within_token_organisation
from kindred.plans.access import plan_for_user, plans_visible_q
from kindred.plans.models import Action, DevelopmentPlan, Priority
from kindred.plans.selectors import plan_outline

router = Router(tags=["plans"])


class PlanFilters(Schema):
    network: int | None = Field(None, ge=1, le=MAX_ID, description=gettext_noop("Only this network's plans."))
    year: int | None = Field(
        None, ge=1900, le=9999, description=gettext_noop("Only the plans of the year starting so.")
    )


def plan_row(plan: DevelopmentPlan) -> dict:
    return {
        "id": plan.pk,
        "network": plan.network_id,
        "title": plan.title,
        "year": plan.year,
        "summary": plan.summary,
        "created_at": plan.created_at,
    }


@router.get(
    "/plans",
    response={200: PlanPage, 400: Problem},
    summary=gettext_noop("Development plans you may read"),
    description=gettext_noop(
        "The plans of the networks you may see (plans.access.plans_visible_q: a private network's "
        "plans only for those who see the network), in the order they were made (by id). A region "
        "token sees its region's networks' plans only."
    ),
)
def plans_list(request: HttpRequest, filters: Query[PlanFilters], paging: Query[Paging]):
    user, token = caller(request)
    plans = in_token_organisation(
        in_token_region(
            DevelopmentPlan.objects.filter(plans_visible_q(user)), token, fields=("network__region_id",)
        ),
        token,
    )
    if filters.network is not None:
        plans = plans.filter(network_id=filters.network)
    if filters.year is not None:
        plans = plans.filter(year=filters.year)
    return cursor.page_of(plans, paging, each=plan_row)


def action_row(action: Action) -> dict:
    return {
        "id": action.pk,
        "description": action.description,
        "owner_school": action.owner_school.registry_id,
        "owner_school_name": action.owner_school.name,
        "starts_on": action.starts_on,
        "due_on": action.due_on,
        "resources": action.resources,
        "success_measure": action.success_measure.code if action.success_measure else None,
        "success_standard": action.success_standard.code if action.success_standard else None,
        "success_target": action.success_target,
        "status": action.status,
    }


def priority_row(priority: Priority) -> dict:
    return {
        "id": priority.pk,
        "title": priority.title,
        "domain": priority.domain,
        "source": priority.source,
        "rationale": priority.rationale,
        "actions": [action_row(a) for a in priority.actions.all()],
    }


@router.get(
    "/plans/{plan_id}",
    response={200: PlanDetailOut, 404: Problem},
    summary=gettext_noop("One development plan: its priorities and their actions"),
    description=gettext_noop(
        "The plan page's outline (plans.selectors.plan_outline): its priorities in their order, "
        "each with its actions, their owner school, dates, success measure and status. 404 where "
        "the plan's page is (plans.access.plan_for_user), and outside a region token's region."
    ),
)
def plan_detail(request: HttpRequest, plan_id: int = Path(..., ge=1, le=MAX_ID)):
    user, token = caller(request)
    plan = plan_for_user(user, plan_id)
    if token.region_id is not None and plan.network.region_id != token.region_id:
        raise Http404("No such plan.")
    within_token_organisation(token, plan.network_id, what="plan")
    return {**plan_row(plan), "priorities": [priority_row(p) for p in plan_outline(plan=plan)]}
