"""Development plan pages: a network's plans, one plan (printable), and the forms that change it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.core.actions import form_status, refusal_shown
from kindred.frameworks import access as selfeval_access
from kindred.frameworks import selectors as selfeval_selectors
from kindred.networks.access import is_coordinator, network_for_user
from kindred.networks.models import Membership
from kindred.plans import access, selectors, services
from kindred.plans.forms import ActionForm, PlanForm, PriorityForm, ProgressForm


def _members(network):
    return [m.school for m in Membership.objects.active().filter(network=network).select_related("school")]


def _may_change(user, network) -> bool:
    return bool(user.is_superuser or is_coordinator(user, network))


@require_http_methods(["GET", "POST"])
@login_required
def network_plans(request, pk: int):
    network = network_for_user(request.user, pk, write=request.method == "POST")
    form = PlanForm(request.POST or None, initial={"year": selfeval_selectors.current_year()})
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            plan = services.plan_create(network=network, by=request.user, **form.cleaned_data)
        if attempt.ok:
            return redirect(plan)
    return render(
        request,
        "plans/network_plans.html",
        {
            "network": network,
            "plans": selectors.network_plans(network=network),
            "form": form,
            "can_change": _may_change(request.user, network),
        },
        status=form_status(form),
    )


def _plan_page(request, plan, *, priority_form=None, action_forms=None, status=200):
    outline = selectors.plan_outline(plan=plan)
    can_change = _may_change(request.user, plan.network)
    members = _members(plan.network)
    context = {
        "plan": plan,
        "network": plan.network,
        "outline": outline,
        "counts": selectors.progress_counts(outline),
        "history": selectors.plan_history(plan=plan),
        "can_change": can_change,
        "priority_form": priority_form or PriorityForm(),
        "action_forms": action_forms or {},
        "new_action_form": ActionForm(schools=members),
        "progress_form": ProgressForm(),
        "updatable": {
            action.pk
            for priority in outline
            for action in priority.actions.all()
            if services.may_update(request.user, action)
        },
    }
    version = selfeval_selectors.framework_versions().first()
    if can_change and version is not None:
        heatmap = selfeval_selectors.network_heatmap(
            schools=members,
            version=version,
            year=plan.year,
            visible=selfeval_access.selfeval_visible(request.user, members, network=plan.network),
        )
        context["suggestions"] = heatmap.shared_needs()
    return render(request, "plans/plan_detail.html", context, status=status)


@require_GET
@login_required
def plan_detail(request, pk: int):
    return _plan_page(request, access.plan_for_user(request.user, pk))


@require_POST
@login_required
def priority_add(request, pk: int):
    plan = access.plan_for_user(request.user, pk, write=True)
    form = PriorityForm(request.POST)
    if form.is_valid():
        with refusal_shown(form) as attempt:
            services.priority_add(plan=plan, by=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("Priority added."))
            return redirect(plan)
    return _plan_page(request, plan, priority_form=form, status=400)


@require_POST
@login_required
def action_add(request, pk: int):
    priority = access.priority_for_user(request.user, pk, write=True)
    plan = priority.plan
    form = ActionForm(request.POST, schools=_members(plan.network))
    if form.is_valid():
        with refusal_shown(form) as attempt:
            services.action_add(priority=priority, by=request.user, **form.cleaned_data)
        if attempt.ok:
            messages.success(request, _("Action added."))
            return redirect(plan)
    return _plan_page(request, plan, action_forms={priority.pk: form}, status=400)


@require_POST
@login_required
def progress_add(request, pk: int):
    action = access.action_for_user(request.user, pk)
    if not services.may_update(request.user, action):
        raise PermissionDenied(_("Only coordinators and the owning school's leaders report progress."))
    form = ProgressForm(request.POST)
    if form.is_valid():
        services.progress_update(action=action, by=request.user, **form.cleaned_data)
        messages.success(request, _("Progress recorded."))
    else:
        messages.error(request, _("Choose a status and say what happened."))
    return redirect(action.priority.plan)
