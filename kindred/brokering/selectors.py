"""Reads for the run review page, a school's invitations and a need's approaches."""

from django.db.models import Count, Prefetch, QuerySet

from kindred.brokering.models import Approach, Invitation, ProposedNetwork, Run
from kindred.schools.models import School


def runs_for_regions(regions) -> QuerySet[Run]:
    return Run.objects.filter(region__in=regions).select_related("region", "created_by", "job")


def run_networks(run: Run) -> QuerySet[ProposedNetwork]:
    """The run's proposals with their schools (one query each for networks and invitations)."""
    schools = Invitation.objects.select_related(
        "school", "school__local_authority", "school__support_category"
    )
    return (
        run.networks.annotate(size=Count("invitations"))
        .order_by("number")
        .prefetch_related(Prefetch("invitations", queryset=schools))
        .select_related("network")
    )


def map_points(run: Run, *, limit: int = 6000) -> list[tuple]:
    """(latitude, longitude, category, label, registry_id) for the run's map: label = network number."""
    rows = (
        Invitation.objects.filter(proposed_network__run=run, school__latitude__isnull=False)
        .values_list(
            "school__latitude",
            "school__longitude",
            "school__support_category__category",
            "proposed_network__number",
            "school__name",
            "school__registry_id",
        )
        .order_by("proposed_network__number")[:limit]
    )
    return [
        (lat, lon, category, f"{number}: {name}", registry_id)
        for lat, lon, category, number, name, registry_id in rows
    ]


def school_invitations(school: School) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(school=school)
        .exclude(status=Invitation.Status.PROPOSED)
        .select_related("proposed_network__run__region", "proposed_network__network")
        .prefetch_related(
            Prefetch("proposed_network__invitations", queryset=Invitation.objects.select_related("school"))
        )
        .order_by("-proposed_network__run__published_at", "pk")
    )


def approaches_for(need_school: School, domain: str) -> dict[int, Approach]:
    """The need's shortlist and approaches, by partner school pk."""
    return {
        a.partner_id: a
        for a in Approach.objects.filter(need_school=need_school, domain=domain).select_related(
            "partner", "network"
        )
    }
