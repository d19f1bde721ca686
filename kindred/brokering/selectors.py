"""Reads for the run review page, a school's invitations and a need's approaches."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from kindred.accounts.models import SchoolStaff
from kindred.brokering.access import ANSWERING_ROLES
from kindred.brokering.loading import default_capacity
from kindred.brokering.models import Approach, Capacity, Invitation, ProposedNetwork, Run
from kindred.networks.models import Membership, Network
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


def partners_received(run: Run, proposals: list[ProposedNetwork]) -> list[ProposedNetwork]:
    """Set `partners_received` on the supported school's invitation of each of a brokering run's
    `proposals` (a page of them): how many partner schools the run gives that school over all its needs
    (issue 21, item 3), counted in one query for the schools of the page."""
    needs = [i for p in proposals for i in p.invitations.all() if i.role == Invitation.Role.NEED]
    if not needs:
        return proposals
    partner = Invitation.objects.filter(
        proposed_network=OuterRef("proposed_network"), role=Invitation.Role.PARTNER
    ).values("school_id")[:1]
    received = dict(
        Invitation.objects.filter(
            proposed_network__run=run, role=Invitation.Role.NEED, school_id__in={i.school_id for i in needs}
        )
        .annotate(partner=Subquery(partner))
        .values("school_id")
        .annotate(n=Count("partner", distinct=True))
        .values_list("school_id", "n")
    )
    for invitation in needs:
        invitation.partners_received = received.get(invitation.school_id, 0)  # type: ignore[attr-defined]
    return proposals


def proposed_size(proposed: ProposedNetwork) -> int:
    """Schools in a proposed network: its invitations, plus the current members of the network it extends."""
    size = len(proposed.invitations.all())
    if proposed.extends_id:
        size += Membership.objects.active().filter(network_id=proposed.extends_id).count()
    return size


def sizes_outside(run: Run, proposed: list[ProposedNetwork]) -> list[int]:
    """Numbers of the formation run's proposals that publishing would refuse for their size. An existing
    network keeps its members whatever its size (incremental runs never reshuffle anyone); it must only
    not grow past the most."""
    if run.kind != Run.Kind.FORMATION:
        return []
    return [
        p.number
        for p in proposed
        if (
            proposed_size(p) > run.max_size
            if p.extends_id
            else not run.min_size <= proposed_size(p) <= run.max_size
        )
    ]


@dataclass(frozen=True)
class PublishPlan:
    """What publishing a run would do, for the confirmation page."""

    new: list[ProposedNetwork]  # networks to create, with their invitations
    joining: list[ProposedNetwork]  # existing networks receiving new schools (incremental formation)
    invited: int  # schools to invite
    too_big_or_small: list[int]  # numbers of proposals publishing would refuse for their size


def publish_plan(run: Run) -> PublishPlan:
    proposed = [
        p
        for p in run.networks.select_related("extends")
        .prefetch_related(Prefetch("invitations", queryset=Invitation.objects.select_related("school")))
        .order_by("number")
        if p.invitations.all()
    ]
    return PublishPlan(
        new=[p for p in proposed if not p.extends_id],
        joining=[p for p in proposed if p.extends_id],
        invited=sum(len(p.invitations.all()) for p in proposed),
        too_big_or_small=sizes_outside(run, proposed),
    )


def answers(run: Run) -> dict[str, int]:
    """How many of a published run's invitations are accepted, declined and still waiting (invited)."""
    counts = dict(
        Invitation.objects.filter(proposed_network__run=run)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Invitation.Status.values}


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


def invited_counts(network_ids: list[int]) -> dict[int, int]:
    """Schools invited by published runs into each of `network_ids` that have not answered yet."""
    return dict(
        Invitation.objects.filter(
            proposed_network__network_id__in=network_ids, status=Invitation.Status.INVITED
        )
        .values_list("proposed_network__network_id")
        .annotate(n=Count("pk"))
        .values_list("proposed_network__network_id", "n")
    )


def invitations_waiting(user) -> QuerySet[Invitation]:
    """Invitations of published runs to the schools `user` leads or administers, not answered yet."""
    schools = SchoolStaff.objects.filter(user=user, role__in=ANSWERING_ROLES).values("school_id")
    return (
        Invitation.objects.filter(status=Invitation.Status.INVITED, school_id__in=schools)
        .select_related("school", "proposed_network__network")
        .order_by("-proposed_network__run__published_at", "pk")
    )
