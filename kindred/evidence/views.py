from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from kindred import countries
from kindred.accounts.access import (
    category_scope_for_user,
    evidence_for_user,
    is_site_admin,
    is_system_leader,
    regional_roles,
)
from kindred.core.csv_export import csv_writer
from kindred.core.jobs import job_create
from kindred.core.locks import LockHeld, lock_current
from kindred.core.models import Job
from kindred.evidence import charts, selectors
from kindred.evidence.forms import DashboardForm
from kindred.evidence.services import RECOMPUTE_LOCK
from kindred.evidence.tasks import recompute_evidence, run_selfcheck

PAGE_SIZE = 50


def _default_region(user):
    role = next(iter(regional_roles(user)), None)
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
    evidence_for_user(request.user)
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


@require_POST
@login_required
def recompute(request):
    """Queue a full recompute of families, relative performance and categories; show its progress."""
    if not is_site_admin(request.user):
        raise PermissionDenied(_("Only a site administrator can recompute the evidence."))
    held = lock_current(RECOMPUTE_LOCK)
    if held is not None:  # the job would be refused: say so now, and queue nothing
        messages.error(request, str(LockHeld(held, gettext_noop("A recompute"))))
        return redirect("dashboard")
    job = job_create(kind=Job.Kind.RECOMPUTE, label=gettext_noop("Recompute evidence"), by=request.user)
    recompute_evidence.enqueue(job.pk)
    return redirect(job)


@login_required
def model(request):
    """How the model of every measure came out: for site administrators and system leaders."""
    if not (is_site_admin(request.user) or is_system_leader(request.user)):
        raise Http404
    # Evidence never mixes countries: with several, the page shows one country's model (?country=), its
    # runs judged by their own self-check, never another country's (even when only one has results).
    shown = selectors.evidence_countries()
    country = request.GET.get("country") if request.GET.get("country") in shown else None
    if country is None and (len(shown) > 1 or countries.several()):
        country = shown[0] if shown else None
    unpublished = selectors.unpublished_run(country=country)
    return render(
        request,
        "evidence/model.html",
        {
            "country": country,
            "countries_shown": [countries.profile(code) for code in shown]
            if len(shown) > 1 or countries.several()
            else [],
            "measures": selectors.model_fits(country=country),
            "runs": selectors.current_runs(country=country),
            "unpublished": unpublished,
            "unpublished_measures": [] if unpublished is None else selectors.model_fits(unpublished),
            "unpublished_empty": unpublished is not None
            and not unpublished.summary.get("summary", {}).get("results stored"),
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
    job = job_create(
        kind=Job.Kind.SELFCHECK, label=gettext_noop("Self-check of the evidence model"), by=request.user
    )
    run_selfcheck.enqueue(job.pk)
    return redirect(job)


def methods(request):
    """How Kindred reaches its verdicts, in plain language (public: the method is no secret)."""
    return render(request, "evidence/methods.html")
