"""The home page and a school's page: each composes several apps, reading their selectors."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from kindred import countries
from kindred.accounts.access import Access, category_scope_for_user, may_see_school_evidence, school_access
from kindred.accounts.selectors import home_for
from kindred.evidence import charts
from kindred.evidence import selectors as evidence_selectors
from kindred.frameworks.access import may_see_selfeval
from kindred.frameworks.selectors import school_verdicts
from kindred.networks.selectors import with_invited_counts, your_networks
from kindred.pages.waiting import waiting_for
from kindred.schools import selectors
from kindred.schools.models import School

PAGE_SIZE = 25


FAMILY_ON_HOME = 5
HOME_NETWORKS = 6


def home(request):
    """Search schools by name, place or id; above it, what a signed-in person came for."""
    query = request.GET.get("q", "")[:200]
    # Several countries in one installation: the search may keep to one of them (?country=wls).
    country = request.GET.get("country", "") if countries.several() else ""
    country = country if country in countries.codes() else ""
    page = Paginator(selectors.school_search(query=query, country=country), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    mine = home_for(user=request.user)
    if request.user.is_authenticated:
        # The networks app fills the place home_for keeps for them (pages/home_networks.html).
        # A network whose invitations wait for answers (a published run's, a coordinator's) is not empty.
        mine["networks"] = with_invited_counts(list(your_networks(request.user)[:HOME_NETWORKS]))
        mine["waiting"] = waiting_for(request.user, now=timezone.now())
        # The navigation's unread count (board.context_processors.unread) reads it here: no second count.
        request.unread_posts = mine["waiting"].unread_total
    if mine.get("schools"):
        # The nearest members of the first school's family of similar schools.
        mine["family"] = evidence_selectors.school_family(mine["schools"][0][0])[:FAMILY_ON_HOME]
    return render(
        request,
        "pages/home.html",
        {
            "mine": mine,
            "query": query,
            "page_obj": page,
            "querystring_without_page": urlencode(
                {k: v for k, v in (("q", query), ("country", country)) if v}
            )
            + "&"
            if query or country
            else "",
            # The installation's countries, in the reader's language, when it has several.
            "countries_offered": [(p.code, p.country_name()) for p in countries.installed()]
            if countries.several()
            else [],
            "country": country,
            # Whether there is any school at all ("no schools yet"): the blank search's own count
            # says so, otherwise one row is enough; not a second count of the whole registry.
            "any_school": page.paginator.count > 0
            if not query.strip() and not country
            else School.objects.exists(),
        },
    )


def school_detail(request, registry_id: str):
    school = get_object_or_404(
        School.objects.select_related("local_authority", "region"), registry_id=registry_id
    )
    # The page speaks the school's own country: its words for the registry's levels, its measures'
    # labels, its school year (countries.speaking; the default's in a one-country installation).
    with countries.speaking(school.country_code):
        return _school_page(request, school)


def _school_page(request, school: School):
    # Partner organisations' people see the registry's facts, not the evidence (accounts/access.py).
    evidence = (
        school_evidence_context(school, request.user) if may_see_school_evidence(request.user) else None
    )
    # Self-evaluated strengths and needs beside the measured ones, for whoever may read the
    # school's self-evaluation (its staff, its system leaders, site administrators).
    selfeval_visible = evidence is not None and may_see_selfeval(request.user, school)
    return render(
        request,
        "pages/school_detail.html",
        {
            "school": school,
            # With several countries, the page names the school's (in the reader's language).
            "school_country": school.country_profile.country_name() if countries.several() else "",
            # Only people who may open the school's staff page are shown the link (others would get a 404).
            "can_see_staff": school_access(request.user, school) > Access.NONE,
            "evidence": evidence,
            "selfeval_visible": selfeval_visible,
            "selfeval": school_verdicts(school) if selfeval_visible else None,
            # The evidence panel shows the self-evaluated verdicts beside the measured ones.
            "selfeval_panel": "frameworks/school_verdicts.html",
            "measures": selectors.school_measures(school=school),
            "predecessors": school.predecessor_links.select_related("predecessor"),
            "successors": school.successor_links.select_related("successor"),
        },
    )


def school_evidence_context(school, user) -> dict:
    """What the school page shows `user` of the evidence: used by school_detail.

    Support categories (the school's and its family's) only where `user` may see them.
    """
    outcomes = evidence_selectors.school_outcomes(school)
    family = evidence_selectors.school_family(school)
    scope = category_scope_for_user(user)
    if scope is None:
        shown = {school.pk, *(m.member_id for m in family)}
    else:
        candidates = [school.pk, *(m.member_id for m in family)]
        shown = set(School.objects.filter(scope, pk__in=candidates).values_list("pk", flat=True))
    for member in family:
        member.category_shown = member.member_id in shown
    strengths, needs = evidence_selectors.strengths_and_needs(outcomes)
    # One "Find schools nearby that are strong in …" link per domain: at its first need.
    linked: set[str] = set()
    for need in needs:
        need.finder_link = need.measure.domain not in linked
        linked.add(need.measure.domain)
    # the model of the school's own country (evidence never mixes countries)
    spreads = evidence_selectors.between_school_sd(country=school.country_code)
    one_year = evidence_selectors.pupil_sd_from_one_year(country=school.country_code)
    without_verdicts = evidence_selectors.measures_without_verdicts(country=school.country_code)
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
        outcome.no_verdict = without_verdicts.get(outcome.measure.pk, "")
    return {
        "family_gap": None if family else evidence_selectors.family_gap(school),
        "category": evidence_selectors.category_of(school) if school.pk in shown else None,
        "category_shown": school.pk in shown,
        "outcomes": outcomes,
        "strengths": strengths,
        "needs": needs,
        "family": family,
        "context_rows": evidence_selectors.context_against_family(school, family),
    }
