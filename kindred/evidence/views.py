from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.accounts.access import category_scope_for_user, is_site_admin, is_system_leader
from kindred.brokering.access import may_act_for_needs
from kindred.brokering.selectors import approaches_for, capacities_of
from kindred.core.csv_export import csv_writer
from kindred.core.jobs import job_create
from kindred.core.locks import LockHeld, lock_current
from kindred.core.models import Job
from kindred.evidence import charts, selectors
from kindred.evidence.forms import DashboardForm, GoodPracticeForm
from kindred.evidence.services import RECOMPUTE_LOCK
from kindred.evidence.tasks import recompute_evidence, run_selfcheck
from kindred.schools.models import School

PAGE_SIZE = 50


def _default_region(user):
    role = user.regional_roles.select_related("region", "local_authority").first()
    if role is None:
        return {}
    return {"region": role.region_id} if role.region_id else {"local_authority": role.local_authority_id}


def _filter_data(request) -> dict:
    """The dashboard's filters: those in the address, or the leader's own region when none is given.

    Paging and sorting links carry these filters, so a leader never loses their region by paging.
    """
    names = list(DashboardForm.base_fields)
    if any(name in request.GET for name in names):
        return {name: request.GET.get(name, "") for name in names}
    return _default_region(request.user)


@login_required
def dashboard(request):
    """The regional picture: counts by category and phase, a map from green to red, a sortable list."""
    data = _filter_data(request)
    form = DashboardForm(data or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    filters = selectors.DashboardFilters(
        region=cleaned["region"].pk if cleaned.get("region") else None,
        local_authority=cleaned["local_authority"].pk if cleaned.get("local_authority") else None,
        phase=cleaned.get("phase", ""),
        category=cleaned.get("category", ""),
        urban_rural=cleaned.get("urban_rural", ""),
    )
    sort = request.GET.get("sort", "severity")
    if sort.lstrip("-") not in selectors.SORTS:
        sort = "severity"
    scope = category_scope_for_user(request.user)
    schools = selectors.dashboard_schools(filters, sort=sort)
    if scope is not None:
        # Support categories are shown for the schools the person may see them for (docs/accounts.md).
        schools = schools.filter(scope)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(schools)
    points = selectors.map_points(schools)
    filters_only = QueryDict(mutable=True)
    filters_only.update({name: str(value) for name, value in data.items() if value not in ("", None)})
    query = filters_only.copy()
    query["sort"] = sort
    page_obj = Paginator(schools, PAGE_SIZE).get_page(request.GET.get("page"))
    needs = selectors.needs_of(list(page_obj))
    for school in page_obj:
        school.needs_listed = needs.get(school.pk, [])
    return render(
        request,
        "evidence/dashboard.html",
        {
            "form": form,
            "counts": selectors.category_counts(schools),
            "map": charts.school_map(points, title=_("Schools by support category, over their areas")),
            "mapped": len(points),
            "page_obj": page_obj,
            "querystring_without_page": query.urlencode() + "&",
            "querystring_without_sort": filters_only.urlencode(),
            "sort": sort,
            "categories_limited": scope is not None,
        },
    )


def _dashboard_csv(schools) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kindred-schools.csv"'
    writer = csv_writer(response)
    writer.writerow(
        [
            "school_id",
            "name",
            "phase",
            "local_authority",
            "region",
            "urban_rural",
            "pupils",
            "category",
            "category_source",
        ]
    )
    for school in schools.iterator(chunk_size=2000):
        category = getattr(school, "support_category", None)
        writer.writerow(
            [
                school.registry_id,
                school.name,
                school.phase,
                school.local_authority.name if school.local_authority else "",
                school.region.name if school.region else "",
                school.urban_rural,
                "" if school.pupils is None else school.pupils,
                category.category if category else "",
                category.source if category else "",
            ]
        )
    return response


#: Distances tried, nearest first, when the leader gives none: the first with enough helpers is used.
DEFAULT_DISTANCES_KM = (10, 20, 30, 50, 100)
ENOUGH_HELPERS = 10


@login_required
def good_practice(request):
    """Schools reliably strong in a domain, nearest first from a starting school; ends in action
    (shortlist, record an approach, propose a partnership) for those who act on the school's needs."""
    domains = selectors.outcome_domains()
    form = GoodPracticeForm(request.GET or None, domains=domains)
    results, start, default_km, shortlist, may_act = None, None, None, {}, False
    scope = category_scope_for_user(request.user)
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["school"]
        max_km = form.cleaned_data["max_km"]
        results = selectors.good_practice(
            domain=form.cleaned_data["domain"],
            start=start,
            phase=form.cleaned_data["phase"],
            other_authority_only=form.cleaned_data["other_authority"],
            supporting_only=form.cleaned_data["helpers"] != "all",
            category_scope=scope,
        )
        if start is not None and max_km is None:
            located = [r for r in results if r.distance_km is not None]
            default_km = next(
                (
                    km
                    for km in DEFAULT_DISTANCES_KM
                    if sum(r.distance_km <= km for r in located) >= ENOUGH_HELPERS
                ),
                None,
            )
            max_km = default_km
        if start is not None and max_km is not None:
            results = [r for r in results if r.distance_km is not None and r.distance_km <= max_km]
        if start is not None:
            may_act = may_act_for_needs(request.user, start)
            shortlist = approaches_for(start, form.cleaned_data["domain"])
    page = Paginator(results or [], PAGE_SIZE).get_page(request.GET.get("page"))
    # Each helper's own category, where the person may see it (docs/accounts.md, "Support categories").
    listed = {row.school.pk for row in page} | {a.partner_id for a in shortlist.values()}
    capacities = capacities_of([row.school for row in page])
    for row in page:
        row.school.support_capacity_now = capacities[row.school.pk]
    categories_shown = (
        listed
        if scope is None
        else set(School.objects.filter(scope, pk__in=listed).values_list("pk", flat=True))
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evidence/good_practice.html",
        {
            "form": form,
            "domains": domains,
            "results": results,
            "start": start,
            "default_km": default_km,
            "shortlist": shortlist,
            "may_act": may_act,
            "categories_shown": categories_shown,
            "categories_limited": scope is not None,
            "may_broker": request.user.is_superuser or is_system_leader(request.user),
            "page_obj": page,
            "querystring_without_page": query.urlencode() + "&" if query else "",
        },
    )


def school_evidence_context(school, user) -> dict:
    """What the school page shows `user` of the evidence: used by schools.views.school_detail.

    Support categories (the school's and its family's) only where `user` may see them.
    """
    outcomes = selectors.school_outcomes(school)
    family = selectors.school_family(school)
    scope = category_scope_for_user(user)
    if scope is None:
        shown = {school.pk, *(m.member_id for m in family)}
    else:
        candidates = [school.pk, *(m.member_id for m in family)]
        shown = set(School.objects.filter(scope, pk__in=candidates).values_list("pk", flat=True))
    for member in family:
        member.category_shown = member.member_id in shown
    strengths, needs = selectors.strengths_and_needs(outcomes)
    spreads = selectors.between_school_sd()
    one_year = selectors.pupil_sd_from_one_year()
    # one scale for every row: each measure in its between-school SDs, so rows can be compared
    scaled = [
        max(abs(o.pooled.lower), abs(o.pooled.upper)) / spreads[o.measure.pk]
        for o in outcomes
        if o.pooled is not None and spreads.get(o.measure.pk)
    ]
    shared = max(scaled, default=1.0) * 1.15
    for outcome in outcomes:
        if outcome.pooled is not None:
            spread = spreads.get(outcome.measure.pk) or 1.0
            outcome.chart = charts.interval_row(
                estimate=outcome.pooled.estimate / spread,
                lower=outcome.pooled.lower / spread,
                upper=outcome.pooled.upper / spread,
                flag=outcome.pooled.flag,
                higher_is_better=outcome.measure.higher_is_better is not False,
                extent=shared,
                rtl=get_language_bidi(),
                title=(
                    _(
                        "%(measure)s: estimate and 95%% interval against schools with a similar intake, "
                        "better to the left"
                    )
                    if get_language_bidi()
                    else _(
                        "%(measure)s: estimate and 95%% interval against schools with a similar intake, "
                        "better to the right"
                    )
                )
                % {"measure": outcome.measure.label},
            )
        outcome.trend = charts.trend(
            [y.year for y in outcome.years],
            [y.value for y in outcome.years],
            [y.expected for y in outcome.years],
            title=_("%(measure)s over the years: result (solid) and expected (dashed)")
            % {"measure": outcome.measure.label},
        )
        outcome.cohort_estimated = any(y.cohort_estimated for y in outcome.years)
        outcome.pupil_sd_one_year = outcome.measure.pk in one_year
    return {
        "family_gap": None if family else selectors.family_gap(school),
        "category": selectors.category_of(school) if school.pk in shown else None,
        "category_shown": school.pk in shown,
        "outcomes": outcomes,
        "strengths": strengths,
        "needs": needs,
        "family": family,
        "context_rows": selectors.context_against_family(school, family),
    }


@require_POST
@login_required
def recompute(request):
    """Queue a full recompute of families, relative performance and categories; show its progress."""
    if not is_site_admin(request.user):
        raise PermissionDenied(_("Only a site administrator can recompute the evidence."))
    held = lock_current(RECOMPUTE_LOCK)
    if held is not None:  # the job would be refused: say so now, and queue nothing
        messages.error(request, str(LockHeld(held, _("A recompute"))))
        return redirect("dashboard")
    job = job_create(kind=Job.Kind.RECOMPUTE, label=_("Recompute evidence"), by=request.user)
    recompute_evidence.enqueue(job.pk)
    return redirect(job)


@login_required
def model(request):
    """How the model of every measure came out: for site administrators and system leaders."""
    if not (is_site_admin(request.user) or is_system_leader(request.user)):
        raise Http404
    return render(
        request,
        "evidence/model.html",
        {
            "measures": selectors.model_fits(),
            "runs": selectors.current_runs(),
            "selfcheck": selectors.latest_selfcheck(),
            "may_selfcheck": is_site_admin(request.user),
        },
    )


@require_POST
@login_required
def selfcheck(request):
    """Queue the planted-truth self-check (site administrators); its results appear on the model page."""
    if not is_site_admin(request.user):
        raise PermissionDenied(_("Only a site administrator can run the self-check."))
    job = job_create(kind=Job.Kind.SELFCHECK, label=_("Self-check of the evidence model"), by=request.user)
    run_selfcheck.enqueue(job.pk)
    return redirect(job)


def methods(request):
    """How Kindred reaches its verdicts, in plain language (public: the method is no secret)."""
    return render(request, "evidence/methods.html")
