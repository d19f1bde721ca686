"""Writes for development plans: one function per action, each recorded in the plan's history and audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kindred.accounts.models import SchoolStaff, User
from kindred.audit.services import audit
from kindred.networks.access import is_coordinator
from kindred.networks.models import Membership, Network
from kindred.plans.models import Action, DevelopmentPlan, PlanChange, Priority, ProgressUpdate
from kindred.schools.models import School

LEADER_ROLES = (SchoolStaff.Role.LEADER, SchoolStaff.Role.ADMINISTRATOR)


def _record(plan: DevelopmentPlan, by: User | None, what: str, **details) -> None:
    PlanChange.objects.create(plan=plan, by=by, what=what, details=details)


def _coordinating(by: User, network: Network) -> None:
    if not (by.is_superuser or is_coordinator(by, network)):
        raise ValidationError(_("Only the network's coordinators change its plan."))


@transaction.atomic
def plan_create(*, network: Network, title: str, year: int, summary: str = "", by: User) -> DevelopmentPlan:
    _coordinating(by, network)
    if DevelopmentPlan.objects.filter(network=network, year=year, title=title).exists():
        raise ValidationError(_("This network already has a plan with that title for that year."))
    plan = DevelopmentPlan.objects.create(
        network=network, title=title, year=year, summary=summary, created_by=by
    )
    _record(plan, by, "plan created", title=title, year=year)
    audit(by, "plan.created", plan, network=network.pk)
    return plan


@transaction.atomic
def priority_add(
    *,
    plan: DevelopmentPlan,
    title: str,
    domain: str = "",
    source: str = Priority.Source.NETWORK,
    rationale: str = "",
    by: User,
) -> Priority:
    _coordinating(by, plan.network)
    if source not in Priority.Source.values:
        raise ValidationError(_("Unknown source of a priority."))
    priority = Priority.objects.create(
        plan=plan,
        title=title,
        domain=domain,
        source=source,
        rationale=rationale,
        position=plan.priorities.count(),
    )
    _record(plan, by, "priority added", priority=title, domain=domain, source=source)
    audit(by, "plan.priority_added", plan, priority=priority.pk)
    return priority


@transaction.atomic
def action_add(
    *,
    priority: Priority,
    description: str,
    owner_school: School,
    by: User,
    starts_on: date | None = None,
    due_on: date | None = None,
    resources: str = "",
    success_measure=None,
    success_standard=None,
    success_target: str = "",
) -> Action:
    plan = priority.plan
    _coordinating(by, plan.network)
    if not Membership.objects.active().filter(network=plan.network, school=owner_school).exists():
        raise ValidationError(_("An action is owned by a member school of the network."))
    if starts_on and due_on and starts_on > due_on:
        raise ValidationError(_("An action cannot be due before it starts."))
    action = Action.objects.create(
        priority=priority,
        description=description,
        owner_school=owner_school,
        starts_on=starts_on,
        due_on=due_on,
        resources=resources,
        success_measure=success_measure,
        success_standard=success_standard,
        success_target=success_target,
    )
    _record(
        plan, by, "action added", action=description, owner=owner_school.registry_id, due=str(due_on or "")
    )
    audit(by, "plan.action_added", plan, action=action.pk)
    return action


def may_update(by: User, action: Action) -> bool:
    """Coordinators, and the leaders of the school that owns the action, report its progress."""
    return bool(
        by.is_authenticated
        and (
            by.is_superuser
            or is_coordinator(by, action.priority.plan.network)
            or SchoolStaff.objects.filter(user=by, school=action.owner_school, role__in=LEADER_ROLES).exists()
        )
    )


@transaction.atomic
def progress_update(*, action: Action, status: str, note: str, by: User) -> ProgressUpdate:
    if not may_update(by, action):
        raise ValidationError(_("Only coordinators and the owning school's leaders report progress."))
    if status not in Action.Status.values:
        raise ValidationError(_("Unknown status."))
    if not note.strip():
        raise ValidationError(_("Say what happened."))
    update = ProgressUpdate.objects.create(action=action, status=status, note=note, by=by)
    old = action.status
    action.status = status
    action.save(update_fields=["status"])
    _record(action.priority.plan, by, "progress reported", action=action.description, status=status, was=old)
    audit(by, "plan.progress_reported", action.priority.plan, action=action.pk, status=status)
    return update
