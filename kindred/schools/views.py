from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from kindred.accounts.access import Access, school_access
from kindred.accounts.selectors import home_for
from kindred.evidence.selectors import school_family
from kindred.evidence.views import school_evidence_context
from kindred.frameworks.access import may_see_selfeval
from kindred.frameworks.selectors import school_verdicts
from kindred.networks.selectors import your_networks
from kindred.schools import selectors
from kindred.schools.models import School

PAGE_SIZE = 25


FAMILY_ON_HOME = 5
HOME_NETWORKS = 6


def home(request):
    """Search schools by name, place or id; above it, what a signed-in person came for."""
    query = request.GET.get("q", "")[:200]
    page = Paginator(selectors.school_search(query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = home_for(user=request.user)
    if request.user.is_authenticated:
        # The networks app fills the place home_for keeps for them (accounts/home_networks.html).
        mine["networks"] = list(your_networks(request.user)[:HOME_NETWORKS])
    if mine.get("schools"):
        # The nearest members of the first school's family of similar schools.
        mine["family"] = school_family(mine["schools"][0][0])[:FAMILY_ON_HOME]
    return render(
        request,
        "schools/home.html",
        {
            "mine": mine,
            "query": query,
            "page_obj": page,
            "querystring_without_page": f"q={query}&" if query else "",
            "school_count": School.objects.count(),
        },
    )


def school_detail(request, registry_id: str):
    school = get_object_or_404(
        School.objects.select_related("local_authority", "region"), registry_id=registry_id
    )
    evidence = school_evidence_context(school, request.user) if request.user.is_authenticated else None
    # Self-evaluated strengths and needs beside the measured ones, for whoever may read the
    # school's self-evaluation (its staff, its system leaders, site administrators).
    selfeval_visible = evidence is not None and may_see_selfeval(request.user, school)
    return render(
        request,
        "schools/school_detail.html",
        {
            "school": school,
            # Only people who may open the school's staff page are shown the link (others would get a 404).
            "can_see_staff": school_access(request.user, school) > Access.NONE,
            "evidence": evidence,
            "selfeval_visible": selfeval_visible,
            "selfeval": school_verdicts(school) if selfeval_visible else None,
            "measures": selectors.school_measures(school=school),
            "predecessors": school.predecessor_links.select_related("predecessor"),
            "successors": school.successor_links.select_related("successor"),
        },
    )
