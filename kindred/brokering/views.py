"""Pages for brokering and formation: start a run, review and adjust it, publish; schools answer."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.accounts.access import Access, school_access
from kindred.brokering import selectors, services
from kindred.brokering.access import (
    capacity_school_for_user,
    invitation_for_user,
    invitation_school_for_user,
    leader_regions,
    may_act_for_needs,
    may_set_capacity,
    run_for_user,
)
from kindred.brokering.forms import (
    AnswerForm,
    ApproachForm,
    CapacityForm,
    ExcludeForm,
    LockForm,
    MoveForm,
    PublishForm,
    RunForm,
)
from kindred.brokering.models import Approach, Run
from kindred.brokering.tasks import compute_run
from kindred.core.actions import refusal_shown
from kindred.core.jobs import job_create
from kindred.core.models import Job
from kindred.evidence.charts import school_map
from kindred.schools.models import Region, School

PAGE_SIZE = 25


def _queue(run: Run, by) -> Job:
    job = job_create(kind=Job.Kind.BROKERING, label=run.job_title(), by=by)
    run.job = job
    run.status = Run.Status.COMPUTING
    run.save(update_fields=["job", "status"])
    compute_run.enqueue(job.pk, run.pk)
    return job


@login_required
def runs(request):
    """A system leader's runs, and the form to start one for their region."""
    regions = leader_regions(request.user)
    if not regions:
        raise Http404("No region to broker for.")
    queryset = Region.objects.filter(pk__in=[r.pk for r in regions])
    kind = request.GET.get("kind")  # the navigation's "Broker partners" and "Form networks"
    initial = {"region": regions[0].pk, "kind": kind if kind in Run.Kind.values else Run.Kind.BROKERING}
    form = RunForm(request.POST or None, regions=queryset, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run = services.run_create(
            kind=data["kind"],
            region=data["region"],
            by=request.user,
            phase=data["phase"],
            min_size=data["min_size"],
            max_size=data["max_size"],
            incremental=data["incremental"],
            other_authority=data["other_authority"],
            neighbours=data["neighbours"],
            fewer_partners=data["fewer_partners"],
            across_countries=data.get("across_countries", False),
        )
        _queue(run, request.user)
        return redirect(run)
    page = Paginator(selectors.runs_for_regions(regions), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "brokering/runs.html", {"form": form, "page_obj": page})


@login_required
def run_detail(request, pk: int):
    """Review: the quality report, a map with its table, every proposal with its reasons."""
    run = run_for_user(request.user, pk)
    networks = selectors.run_networks(run)
    page = Paginator(networks, PAGE_SIZE).get_page(request.GET.get("page"))
    if run.kind == Run.Kind.BROKERING:  # beside each supported school: its partner schools in all
        page.object_list = selectors.partners_received(run, list(page.object_list))
    points = selectors.map_points(run)
    chart = (
        school_map(points, title=_("Schools of this run, labelled with their network's number"))
        if points
        else None
    )
    return render(
        request,
        "brokering/run.html",
        {
            "run": run,
            "page_obj": page,
            "chart": chart,
            "move_form": MoveForm(),
            "exclude_form": ExcludeForm(),
            "excluded": run.exclusions.select_related("school"),
            "answers": selectors.answers(run) if run.status == Run.Status.PUBLISHED else None,
        },
    )


def _adjust(request, run: Run, action) -> None:
    with refusal_shown(request):
        action()


@require_POST
@login_required
def run_compute(request, pk: int):
    run = run_for_user(request.user, pk)
    if run.status not in (Run.Status.REVIEW, Run.Status.FAILED):
        messages.error(request, _("Only a run under review can be computed again."))
        return redirect(run)
    _queue(run, request.user)
    return redirect(run)


@require_POST
@login_required
def run_move(request, pk: int):
    run = run_for_user(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        to = run.networks.filter(number=form.cleaned_data["to"]).first()
        if to is None:
            messages.error(
                request, _("This run has no network %(number)s.") % {"number": form.cleaned_data["to"]}
            )
        else:
            _adjust(
                request,
                run,
                lambda: services.school_move(
                    run=run, school=form.cleaned_data["school"], to=to, by=request.user
                ),
            )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(run)


@require_POST
@login_required
def run_lock(request, pk: int):
    run = run_for_user(request.user, pk)
    form = LockForm(request.POST)
    if form.is_valid():
        proposed = get_object_or_404(run.networks, number=form.cleaned_data["number"])
        _adjust(
            request,
            run,
            lambda: services.network_lock(
                proposed_network=proposed, locked=form.cleaned_data["locked"], by=request.user
            ),
        )
    return redirect(run)


@require_POST
@login_required
def run_exclude(request, pk: int):
    run = run_for_user(request.user, pk)
    form = ExcludeForm(request.POST)
    if form.is_valid():
        _adjust(
            request,
            run,
            lambda: services.school_exclude(run=run, school=form.cleaned_data["school"], by=request.user),
        )
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(run)


@login_required
def run_publish_confirm(request, pk: int):
    """Before publishing: what will happen (networks, invitations, who coordinates), and the one button."""
    run = run_for_user(request.user, pk)
    if run.status == Run.Status.PUBLISHED:
        return redirect(run)
    return render(
        request,
        "brokering/publish_confirm.html",
        {"run": run, "plan": selectors.publish_plan(run), "form": PublishForm()},
    )


@require_POST
@login_required
def run_publish(request, pk: int):
    """Publish once: without the confirmation page's answer, go to it; a second POST does nothing."""
    run = run_for_user(request.user, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        return redirect("brokering_run_publish_confirm", pk=run.pk)
    with refusal_shown(request) as attempt:
        done = services.run_publish(run=run, by=request.user, coordinator=form.cleaned_data["coordinator"])
    if not attempt.ok:
        return redirect(run)
    if done.already:
        messages.info(request, _("This run had already been published; nothing was done again."))
    elif run.incremental:
        messages.success(
            request,
            _(
                "Published: %(created)s networks created and %(joined)s joined; %(invited)s schools "
                "invited (only the new schools of existing networks)."
            )
            % {"created": done.created, "joined": done.joined, "invited": done.invited},
        )
    else:
        messages.success(
            request,
            _("Published: %(created)s networks created; %(invited)s schools invited.")
            % {"created": done.created, "invited": done.invited},
        )
    return redirect(run)


@login_required
def invitations(request, registry_id: str):
    """A school's invitations into proposed networks and partnerships, with their answers."""
    school = invitation_school_for_user(request.user, registry_id)
    page = Paginator(selectors.school_invitations(school), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "brokering/invitations.html",
        {
            "school": school,
            "page_obj": page,
            "capacity": selectors.capacities_of([school])[school.pk],
            "may_set_capacity": may_set_capacity(request.user, school),
        },
    )


@login_required
def capacity(request, registry_id: str):
    """How many schools this school can support at once: its leaders and system leaders set it."""
    school = capacity_school_for_user(request.user, registry_id)
    current = selectors.capacities_of([school])[school.pk]
    form = CapacityForm(request.POST or None, initial={"schools": current.schools if current.own else None})
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form, field="schools") as attempt:
            services.capacity_set(school=school, schools=form.cleaned_data["schools"], by=request.user)
        if attempt.ok:
            messages.success(request, _("Saved: brokering runs from now on use this capacity."))
            return redirect("brokering_capacity", registry_id=school.registry_id)
    return render(request, "brokering/capacity.html", {"school": school, "current": current, "form": form})


@require_POST
@login_required
def invitation_answer(request, registry_id: str, pk: int):
    invitation = invitation_for_user(request.user, registry_id, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        with refusal_shown(request):
            services.invitation_answer(
                invitation=invitation, accept=form.cleaned_data["accept"], by=request.user
            )
    return redirect("brokering_invitations", registry_id=registry_id)


@require_POST
@login_required
def approach(request):
    """Shortlist a helper for a need, or record who was approached and the answer (from the finder)."""
    form = ApproachForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The approach could not be recorded: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return redirect(_same_site_next(request) or reverse("good_practice"))
    need_school = get_object_or_404(School, registry_id=form.cleaned_data["need_school"])
    partner = get_object_or_404(School, registry_id=form.cleaned_data["partner"])
    if school_access(request.user, need_school) == Access.NONE:
        raise Http404("No such school area.")
    if not may_act_for_needs(request.user, need_school):
        raise PermissionDenied(
            _("Only the school's leaders, administrators and system leaders act on its needs.")
        )
    with refusal_shown(request):
        services.approach_record(
            need_school=need_school,
            domain=form.cleaned_data["domain"],
            partner=partner,
            by=request.user,
            status=form.cleaned_data["status"],
            contact=form.cleaned_data["contact"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Recorded for %(school)s.") % {"school": partner.name})
    return redirect(_next_or_finder(request, need_school, form.cleaned_data["domain"]))


@require_POST
@login_required
def approach_propose(request, pk: int):
    """Propose the partnership from an approach: a partnership network with both schools."""
    item = get_object_or_404(Approach.objects.select_related("need_school", "partner"), pk=pk)
    if school_access(request.user, item.need_school) == Access.NONE:
        raise Http404("No such approach.")
    if not may_act_for_needs(request.user, item.need_school):
        raise PermissionDenied(
            _("Only the school's leaders, administrators and system leaders act on its needs.")
        )
    with refusal_shown(request) as attempt:
        network = services.approach_propose(approach=item, by=request.user)
    if not attempt.ok:
        return redirect(_next_or_finder(request, item.need_school, item.domain))
    messages.success(request, _("Partnership proposed: %(name)s.") % {"name": network.display_name})
    return redirect(network)


def _same_site_next(request) -> str:
    """The form's `next` if it is an address on this site (never another site's, never a URL name), else ""."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _next_or_finder(request, school: School, domain: str) -> str:
    target = _same_site_next(request)
    if target:
        return target
    return reverse("good_practice") + "?" + urlencode({"domain": domain, "school": school.registry_id})
