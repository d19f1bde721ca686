"""The good-practice finder: the evidence's strong schools near a school in need, ending in the
brokering app's actions (shortlist, record an approach, propose a partnership). It reads both apps'
selectors, so it lives above them (/evidence/good-practice/, the URL it always had)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from kindred import countries
from kindred.accounts.access import (
    category_scope_for_user,
    evidence_for_user,
    is_system_leader,
    regional_roles,
)
from kindred.brokering.access import may_act_for_needs
from kindred.brokering.selectors import approaches_for, capacities_of
from kindred.evidence import selectors
from kindred.evidence.forms import GoodPracticeForm
from kindred.networks.borders import in_installation_order, reader_countries
from kindred.schools.models import School

PAGE_SIZE = 50

#: Distances tried, nearest first, when the leader gives none: the first with enough helpers is used.
DEFAULT_DISTANCES_KM = (10, 20, 30, 50, 100)
ENOUGH_HELPERS = 10


def finder_countries(user, start: School | None) -> list[str] | None:
    """The countries the finder looks in: with several installed, the starting school's; without one, the
    reader's own (their schools', else those of the regions, authorities or countries they lead, else the
    default); None (every school) with one country, as always."""
    if not countries.several():
        return None
    if start is not None:
        return [start.country_code]
    if School.objects.filter(staff__user=user).exists():
        return reader_countries(user)
    led = []
    for role in regional_roles(user):
        region = role.region or (role.local_authority.region if role.local_authority else None)
        led.append(role.country_code or (region.country_code if region else countries.default_code()))
    return in_installation_order(led) or reader_countries(user)


@login_required
def good_practice(request):
    """Schools reliably strong in a domain, nearest first from a starting school; ends in action
    (shortlist, record an approach, propose a partnership) for those who act on the school's needs."""
    evidence_for_user(request.user)
    domains = selectors.outcome_domains()
    # With several countries, the finder speaks the reader's country (its words for domains and
    # authorities), and the starting school's once one is given.
    reader = finder_countries(request.user, None)
    form = GoodPracticeForm(request.GET or None, domains=domains, country=reader[0] if reader else None)
    results, start, default_km, shortlist, may_act = None, None, None, {}, False
    looked_in: list[str] | None = None
    scope = category_scope_for_user(request.user)
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["school"]
        max_km = form.cleaned_data["max_km"]
        looked_in = finder_countries(request.user, start)
        results = selectors.good_practice(
            domain=form.cleaned_data["domain"],
            start=start,
            phase=form.cleaned_data["phase"],
            other_authority_only=form.cleaned_data["other_authority"],
            supporting_only=form.cleaned_data["helpers"] != "all",
            category_scope=scope,
            countries_in=looked_in,
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
    spoken = looked_in[0] if looked_in else (reader[0] if reader else None)
    with countries.speaking(spoken):
        return render(
            request,
            "pages/good_practice.html",
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
                "country_names": ", ".join(countries.of(code).country_name() for code in looked_in or []),
                "page_obj": page,
                "querystring_without_page": query.urlencode() + "&" if query else "",
            },
        )
