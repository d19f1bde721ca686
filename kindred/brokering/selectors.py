"""Reads for the run review page, a school's invitations and a need's approaches."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Prefetch, Q, QuerySet

from kindred.brokering.models import Approach, Capacity, Invitation, ProposedNetwork, Run
from kindred.schools.models import School


def runs_for_regions(regions) -> QuerySet[Run]:
    return Run.objects.filter(region__in=regions).select_related("region", "created_by", "job")


def run_networks(run: Run) -> QuerySet[ProposedNetwork]:
    """The run's proposals with their schools (one query each for networks and invitations)."""
    schools = Invitation.objects.select_related(
        "school", "school__local_authority", "school__support_category"
    )
    members_now = Count(
        "extends__memberships", filter=Q(extends__memberships__left_at__isnull=True), distinct=True
    )
    return (
        run.networks.annotate(size=Count("invitations", distinct=True), members_now=members_now)
        .order_by("number")
        .prefetch_related(Prefetch("invitations", queryset=schools))
        .select_related("network", "extends")
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


@dataclass(frozen=True)
class SupportCapacity:
    schools: int  # what brokering uses: the school's own word, else the default
    default: int  # from its size (loading.default_capacity)
    own: bool  # the school (or its system leader) set it
    supporting_now: int  # active partnerships in which it is the mentor


def capacities_of(schools: list[School]) -> dict[int, SupportCapacity]:
    """Each school's capacity to support others, by pk (two queries for any number of schools)."""
    from kindred.brokering.loading import default_capacity
    from kindred.networks.models import Membership, Network

    pks = [s.pk for s in schools]
    own = dict(Capacity.objects.filter(school_id__in=pks).values_list("school_id", "schools"))
    mentoring = dict(
        Membership.objects.active()
        .filter(school_id__in=pks, role=Membership.Role.MENTOR, network__kind=Network.Kind.PARTNERSHIP)
        .exclude(network__status=Network.Status.CLOSED)
        .values_list("school_id")
        .annotate(n=Count("pk"))
    )
    defaults = default_capacity(np.array([np.nan if s.pupils is None else s.pupils for s in schools], float))
    return {
        s.pk: SupportCapacity(
            schools=own.get(s.pk, int(default)),
            default=int(default),
            own=s.pk in own,
            supporting_now=mentoring.get(s.pk, 0),
        )
        for s, default in zip(schools, defaults.tolist(), strict=True)
    }
