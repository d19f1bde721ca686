"""Writes for brokering and formation runs: one function per action, keyword-only, atomic, audited.

The life of a run: `run_start` (a job computes it: `run_compute`), adjustments while under review
(`school_move`, `network_lock`, `school_exclude`, then `run_compute` again, which keeps locked
networks), `run_publish` (networks created in the network spaces, schools invited), each school's
`invitation_answer` (accepted: a member; the host is proposed as lead school; a rota starts when two
schools have accepted). The good-practice finder's `approach_record` and `approach_propose`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred import countries
from kindred.accounts.models import User
from kindred.audit.services import audit
from kindred.brokering.computing import broker_place, form_incremental, form_place, travel_source
from kindred.brokering.infeasible import infeasible_said
from kindred.brokering.loading import neighbouring_regions
from kindred.brokering.models import (
    Approach,
    Capacity,
    Coordinator,
    Exclusion,
    Invitation,
    ProposedNetwork,
    Run,
)
from kindred.brokering.selectors import proposed_size as _size
from kindred.brokering.selectors import sizes_outside
from kindred.core.progress import Progress, no_progress, stored_message
from kindred.engine import brokering, formation
from kindred.networks.models import Membership, Network, NetworkRole
from kindred.networks.rota import rota_generate
from kindred.networks.services import membership_add, network_create, network_role_add
from kindred.schools.models import Region, School

ROTA_MEETINGS = 6  # meetings planned when a rota starts: one every six weeks from four weeks on


def _check_under_review(run: Run) -> None:
    if run.status != Run.Status.REVIEW:
        raise ValidationError(
            _("This run is %(status)s; only a run under review can be changed.")
            % {"status": run.get_status_display()}
        )


@transaction.atomic
def run_create(
    *,
    kind: Run.Kind | str,
    region: Region,
    by: User,
    phase: str = "",
    min_size: int = 8,
    max_size: int = 15,
    incremental: bool = False,
    other_authority: bool = False,
    neighbours: bool = False,
    fewer_partners: bool = False,
    across_countries: bool = False,
) -> Run:
    """A run waiting to be computed (the view then queues `run_compute` as a job). An `incremental`
    formation keeps the region's existing networks and places only schools in none. Brokering with
    `other_authority` proposes only partners outside the need school's authority; with `neighbours`
    (or with `other_authority` in a region of one authority) schools of neighbouring regions may be
    partners too. With `fewer_partners`, each partner school beyond a school's first costs extra, so one
    partner covering several needs is preferred. Partners are always in the region's own country unless
    `across_countries` says otherwise (then neighbouring regions across a border may be searched too)."""
    if kind not in Run.Kind.values:
        raise ValidationError(_("Unknown kind of run %(kind)s.") % {"kind": kind})
    if not 2 <= min_size <= max_size:
        raise ValidationError(_("Sizes must satisfy 2 ≤ fewest ≤ most."))
    if incremental and kind != Run.Kind.FORMATION:
        raise ValidationError(_("Only network formation can place schools into existing networks."))
    if fewer_partners and kind != Run.Kind.BROKERING:
        raise ValidationError(_("Only partner brokering can prefer one partner covering several needs."))
    if across_countries and kind != Run.Kind.BROKERING:
        raise ValidationError(_("Only partner brokering can look for partners in other countries."))
    if (other_authority or neighbours) and kind != Run.Kind.BROKERING:
        raise ValidationError(
            _("Only partner brokering can ask for another authority or look beyond the region's border.")
        )
    run = Run.objects.create(
        kind=kind,
        region=region,
        phase=phase,
        min_size=min_size,
        max_size=max_size,
        incremental=incremental,
        other_authority=other_authority,
        neighbours=neighbours,
        fewer_partners=fewer_partners,
        across_countries=across_countries,
        created_by=by,
    )
    audit(
        by,
        "brokering.run_created",
        run,
        kind=str(kind),
        region=region.pk,
        incremental=incremental,
        other_authority=other_authority,
        neighbours=neighbours,
        **({"across_countries": True} if across_countries else {}),
    )
    return run


def run_compute(*, run: Run, by: User | None = None, progress: Progress = no_progress) -> dict:
    """Compute (or recompute) the run's proposals; locked networks and exclusions are kept.

    Infeasible inputs mark the run failed with the engine's reason and raise it (the job shows it).
    """
    excluded = frozenset(run.exclusions.values_list("school_id", flat=True))
    locked = list(run.networks.filter(locked=True).prefetch_related("invitations"))
    kept = frozenset(i.school_id for n in locked for i in n.invitations.all())
    try:
        if run.kind == Run.Kind.FORMATION and run.incremental:
            kept_in = {i.school_id: n.extends_id for n in locked if n.extends_id for i in n.invitations.all()}
            placed = form_incremental(
                region=run.region,
                phase=run.phase,
                min_size=run.min_size,
                max_size=run.max_size,
                exclude=excluded | (kept - kept_in.keys()),
                kept=kept_in,
                progress=progress,
            )
            outcome = _store_incremental(run, placed, locked)
        elif run.kind == Run.Kind.FORMATION:
            formed = form_place(
                region=run.region,
                phase=run.phase,
                min_size=run.min_size,
                max_size=run.max_size,
                rules=formation.MixingRules(
                    contrasting_deprivation=settings.FORMATION_CONTRASTING_DEPRIVATION
                ),
                exclude=excluded | kept,
                progress=progress,
            )
            outcome = _store_formation(run, formed, locked)
        else:
            neighbours, because = _neighbours_for(run)
            brokered = broker_place(
                region=run.region,
                exclude=excluded,
                allow_unmet=True,
                require_other_authority=run.other_authority,
                neighbours=neighbours,
                fewer_partners=run.fewer_partners,
                across_countries=run.across_countries,
                progress=progress,
            )
            outcome = _store_brokering(run, brokered, neighbours=neighbours, because=because)
    except (formation.Infeasible, brokering.Infeasible) as error:
        # the engine says why in English (it imports no Django) and names it with a code and figures,
        # kept as a message id and values and worded for each reader
        said = infeasible_said(error)
        text, params = stored_message(said, length=1000)
        Run.objects.filter(pk=run.pk).update(
            status=Run.Status.FAILED, report={"error": text, "error_params": params}
        )
        error.said = said  # type: ignore[union-attr]  # what the run's job keeps (core.progress.said_of)
        raise
    audit(
        by or run.created_by,
        "brokering.run_computed",
        run,
        **{k: v for k, v in outcome.items() if k != "lines"},
    )
    return outcome


@transaction.atomic
def _store_formation(run: Run, formed, locked: list[ProposedNetwork]) -> dict:
    run.networks.filter(locked=False).delete()
    numbers = {n.number for n in locked}
    school_pk = formed.place.pk
    table, rows = formed.place.table, formed.place.rows
    result = formed.formation
    travel = travel_source()
    hosts = result.hosts
    host_of = hosts[result.labels]
    km = travel.km_pairs(
        table.latitude[rows],
        table.longitude[rows],
        table.latitude[rows][host_of],
        table.longitude[rows][host_of],
    )
    next_number = 1
    created = []
    for _label in range(result.report.networks):
        while next_number in numbers:
            next_number += 1
        created.append(ProposedNetwork(run=run, number=next_number))
        next_number += 1
    ProposedNetwork.objects.bulk_create(created)
    host_set = set(hosts.tolist())
    Invitation.objects.bulk_create(
        Invitation(
            proposed_network=created[label],
            school_id=int(school_pk[position]),
            role=Invitation.Role.HOST if position in host_set else Invitation.Role.MEMBER,
            travel_km=round(float(km[position]), 2),
        )
        for position, label in enumerate(result.labels.tolist())
    )
    report = result.report
    summary = {
        "networks": report.networks + len(locked),
        "schools": report.schools,
        "locked_networks": len(locked),
        "sizes": [report.smallest, report.largest],
        "sizes_in_bounds": report.sizes_in_bounds,
        "travel_mean_km": round(report.travel_mean_km, 2),
        "travel_p95_km": round(report.travel_p95_km, 2),
        "travel_max_km": round(report.travel_max_km, 2),
        "travel_total_km": round(report.travel_total_km, 1),
        "lower_bound_km": round(report.lower_bound_km, 1),
        "ratio_to_bound": round(report.ratio_to_bound, 3),
        "coverage": None if report.coverage is None else round(report.coverage, 4),
        "contrasting_deprivation": settings.FORMATION_CONTRASTING_DEPRIVATION,
        "networks_breaking_rules": report.networks_breaking_rules,
        "seconds": round(report.seconds, 2),
    }
    run.report, run.status = summary, Run.Status.REVIEW
    run.save(update_fields=["report", "status"])
    return summary


@transaction.atomic
def _store_incremental(run: Run, placed, locked: list[ProposedNetwork]) -> dict:
    """Only the changes: a proposal for each existing network that receives new schools (`extends`,
    inviting only the new schools), one for each new network, none for networks left as they were."""
    run.networks.filter(locked=False).delete()
    numbers = {n.number for n in locked}
    labels, k = placed.formation.labels, len(placed.networks)
    travel = travel_source()
    host_of_label = placed.formation.hosts
    placed_now = labels >= 0
    km = np.zeros(len(labels))
    hosts = host_of_label[labels[placed_now]]
    km[placed_now] = travel.km_pairs(
        placed.latitude[placed_now],
        placed.longitude[placed_now],
        placed.latitude[hosts],
        placed.longitude[hosts],
    )
    host_positions = set(host_of_label.tolist())
    changes = [(label, positions, placed.networks[label]) for label, positions in placed.joined().items()]
    changes += [(label, positions, None) for label, positions in placed.new_networks().items()]
    number = 0
    invitations = []
    for _label, positions, existing in changes:
        number += 1
        while number in numbers:
            number += 1
        proposal = ProposedNetwork.objects.create(run=run, number=number, extends=existing)
        invitations += [
            Invitation(
                proposed_network=proposal,
                school_id=int(placed.pk[p]),
                role=Invitation.Role.HOST
                if existing is None and p in host_positions
                else Invitation.Role.MEMBER,
                travel_km=round(float(km[p]), 2),
            )
            for p in positions.tolist()
        ]
    Invitation.objects.bulk_create(invitations)
    report = placed.formation.report
    sizes = np.bincount(labels[placed_now], minlength=k)
    summary = {
        "incremental": True,
        "schools": int(placed_now.sum()),
        "new_schools": len(placed.new),
        "networks_kept": k,
        "networks_changed": len(placed.joined()),
        "joined": int(sum(len(p) for p in placed.joined().values())),
        "new_networks": len(placed.new_networks()),
        "in_new_networks": int(sum(len(p) for p in placed.new_networks().values())),
        "unplaced": len(placed.unplaced()),
        # each network by its id (named for each reader: Run.still_short_display), its size, and its name
        "still_short": [
            {
                "network": placed.networks[label].pk,
                "name": placed.networks[label].name,
                "size": int(sizes[label]),
            }
            for label in placed.still_short.tolist()
            if label < k
        ],
        "members_unlocated": placed.members_unlocated,
        "locked_networks": len(locked),
        "travel_mean_km": round(report.travel_mean_km, 2),
        "travel_p95_km": round(report.travel_p95_km, 2),
        "travel_max_km": round(report.travel_max_km, 2),
        "seconds": round(report.seconds, 2),
    }
    run.report, run.status = summary, Run.Status.REVIEW
    run.save(update_fields=["report", "status"])
    return summary


def _neighbours_for(run: Run) -> tuple[list[Region], str]:
    """The regions whose schools may be partners besides the run's own, and why: "asked" (the leader
    ticked "look beyond the region's border"), "one_authority" (another authority was asked for in a
    region whose schools are all in one authority: there is none inside it), or "" (none)."""
    if run.neighbours:
        because = "asked"
    elif run.other_authority and (
        School.objects.filter(region=run.region, local_authority__isnull=False)
        .values("local_authority")
        .distinct()
        .count()
        < 2
    ):
        because = "one_authority"
    else:
        return [], ""
    near = neighbouring_regions(run.region, km=settings.BROKERING_NEIGHBOUR_KM)
    if not run.across_countries:  # never across a country's border unless the leader asked
        near = [region for region in near if region.country_code == run.region.country_code]
    return near, because


@transaction.atomic
def _store_brokering(run: Run, brokered, *, neighbours: Sequence[Region] = (), because: str = "") -> dict:
    run.networks.filter(locked=False).delete()
    numbers = set(run.networks.values_list("number", flat=True))
    school_pk = brokered.inputs.place.pk
    needs, supporters = brokered.inputs.needs, brokered.inputs.supporters
    result = brokered.result
    domains = brokered.inputs.flags.domains
    number = 0
    for proposal in result.proposals:
        number += 1
        while number in numbers:
            number += 1
        pair = ProposedNetwork.objects.create(
            run=run, number=number, domain=domains[needs.domain[proposal.need]], cost=proposal.cost
        )
        reasons = {
            "km": round(proposal.km, 1),
            "z": round(proposal.z, 2),
            "similar_intake": proposal.context_distance <= brokering.Weights().similar_context,
            "other_authority": proposal.other_authority,
            "existing_tie": proposal.existing_tie,
            "capacity": int(supporters.capacity[proposal.supporter]),
        }
        Invitation.objects.bulk_create(
            [
                Invitation(
                    proposed_network=pair,
                    school_id=int(school_pk[needs.school[proposal.need]]),
                    role=Invitation.Role.NEED,
                    travel_km=round(proposal.km, 2),
                    reasons=reasons,
                ),
                Invitation(
                    proposed_network=pair,
                    school_id=int(school_pk[supporters.school[proposal.supporter]]),
                    role=Invitation.Role.PARTNER,
                    travel_km=round(proposal.km, 2),
                    reasons=reasons,
                ),
            ]
        )
    summary = {
        "proposals": len(result.proposals),
        "needs": len(needs.school),
        "unmet": int(result.unmet.sum()),
        "unmet_no_supporter": result.unmet_reasons()["no_supporter"],
        "unmet_capacity": result.unmet_reasons()["capacity"],
        "capacity_total": _usable_capacity(supporters),
        "unmet_by_domain": _unmet_by_domain(result, needs, domains),
        "cost": round(result.cost, 3),
        "lower_bound": round(result.lower_bound, 3),
        "gap": result.gap,
        "solves": result.rounds,
        "pairs_eligible": result.pairs_eligible,
        "other_authority": run.other_authority,
        "fewer_partners": run.fewer_partners,
        **({"across_countries": True} if run.across_countries else {}),
        # How many schools receive 1, 2, … different partner schools (one may cover several needs).
        "partners_spread": _partners_spread(result, needs, supporters),
        "neighbour_regions": [region.name for region in neighbours],
        "neighbours_because": because,
    }
    run.report, run.status = summary, Run.Status.REVIEW
    run.save(update_fields=["report", "status"])
    return summary


def _partners_spread(result, needs, supporters) -> list[list[int]]:
    """[[partners, schools receiving that many], …], fewest partners first."""
    counts: dict[int, int] = {}
    for n in brokering.partners_per_school(result.proposals, needs, supporters).values():
        counts[n] = counts.get(n, 0) + 1
    return [[n, counts[n]] for n in sorted(counts)]


def _unmet_by_domain(result, needs, domains: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for i in result.unmet.nonzero()[0].tolist():
        name = domains[needs.domain[i]]
        counts[name] = counts.get(name, 0) + int(result.unmet[i])
    return dict(sorted(counts.items(), key=lambda item: -item[1]))


def _usable_capacity(supporters) -> int:
    """Places the supporters offer between them (red and amber schools offer none)."""
    blocked = supporters.blocked if supporters.blocked is not None else False
    return int(supporters.capacity[~blocked].sum()) if len(supporters.capacity) else 0


@transaction.atomic
def school_move(*, run: Run, school: School, to: ProposedNetwork, by: User) -> Invitation:
    """Move a school to another network of the same formation run."""
    _check_under_review(run)
    if run.kind != Run.Kind.FORMATION or to.run_id != run.pk:
        raise ValidationError(_("Schools can only be moved between networks of the same formation run."))
    invitation = (
        Invitation.objects.filter(proposed_network__run=run, school=school)
        .select_related("proposed_network")
        .first()
    )
    if invitation is None:
        raise ValidationError(_("%(school)s is not in this run.") % {"school": school.name})
    source = invitation.proposed_network
    if source.pk == to.pk:
        raise ValidationError(_("%(school)s is already in that network.") % {"school": school.name})
    if source.locked or to.locked:
        raise ValidationError(_("Unlock the network first: locked networks keep their members."))
    if _size(to) >= run.max_size:
        raise ValidationError(
            _("Network %(number)s already has %(size)s schools.")
            % {"number": to.number, "size": run.max_size}
        )
    if not source.extends_id and source.invitations.count() <= run.min_size:
        raise ValidationError(
            _("Network %(number)s would fall below %(size)s schools.")
            % {"number": source.number, "size": run.min_size}
        )
    invitation.proposed_network = to
    invitation.role = Invitation.Role.MEMBER
    invitation.save(update_fields=["proposed_network", "role"])
    audit(
        by, "brokering.school_moved", run, school=school.pk, from_network=source.number, to_network=to.number
    )
    return invitation


@transaction.atomic
def network_lock(*, proposed_network: ProposedNetwork, locked: bool, by: User) -> ProposedNetwork:
    _check_under_review(proposed_network.run)
    proposed_network.locked = locked
    proposed_network.save(update_fields=["locked"])
    audit(
        by,
        "brokering.network_locked" if locked else "brokering.network_unlocked",
        proposed_network.run,
        number=proposed_network.number,
    )
    return proposed_network


@transaction.atomic
def school_exclude(*, run: Run, school: School, by: User) -> Exclusion:
    """Leave a school out of the run: its proposals go now, and it is not proposed when recomputed."""
    _check_under_review(run)
    if run.networks.filter(locked=True, invitations__school=school).exists():
        raise ValidationError(_("Unlock the network first: locked networks keep their members."))
    exclusion, _created = Exclusion.objects.get_or_create(run=run, school=school)
    if run.kind == Run.Kind.BROKERING:
        run.networks.filter(invitations__school=school).delete()
    else:
        Invitation.objects.filter(proposed_network__run=run, school=school).delete()
    audit(by, "brokering.school_excluded", run, school=school.pk)
    return exclusion


@dataclass(frozen=True)
class Published:
    """What publishing a run did (or, with `already`, what the first publication did)."""

    created: int  # new networks
    joined: int  # existing networks that new schools are invited into (incremental formation)
    invited: int  # schools invited
    coordinator: str  # Coordinator value: who coordinates the new networks
    already: bool = False  # the run had been published before: nothing was done this time

    @property
    def networks(self) -> int:
        return self.created + self.joined


def _published(run: Run, *, already: bool) -> Published:
    memory = run.published or {}
    return Published(
        created=memory.get("created", 0),
        joined=memory.get("joined", 0),
        invited=memory.get("invited", 0),
        coordinator=memory.get("coordinator", Coordinator.PUBLISHER),
        already=already,
    )


@transaction.atomic
def run_publish(*, run: Run, by: User, coordinator: Coordinator | str = Coordinator.LEAD) -> Published:
    """Create every proposed network (status forming, private for a partnership) and invite its schools.

    Happens once: the run is claimed by one conditional UPDATE before anything else is written, so a
    second click, a reload or a second tab finds it published and changes nothing (`already`). With
    `coordinator` LEAD the new networks have no coordinator until their lead school (the supporting
    school of a partnership) accepts: whoever accepts for it becomes coordinator; with PUBLISHER the
    leader publishing coordinates every new network at once.
    """
    if coordinator not in Coordinator.values:
        raise ValidationError(_("Unknown choice of coordinator %(value)s.") % {"value": coordinator})
    if Run.objects.filter(pk=run.pk, status=Run.Status.PUBLISHED).exists():
        run.refresh_from_db()
        return _published(run, already=True)
    _check_under_review(run)
    proposed = list(run.networks.select_related("extends").prefetch_related("invitations__school"))
    proposed = [p for p in proposed if p.invitations.all()]  # a network whose newcomers were all left out
    wrong = sizes_outside(run, proposed)
    if wrong:
        raise ValidationError(
            _("Networks %(numbers)s are outside %(low)s–%(high)s schools; move schools first.")
            % {"numbers": ", ".join(map(str, wrong[:10])), "low": run.min_size, "high": run.max_size}
        )
    now = timezone.now()
    claimed = Run.objects.filter(pk=run.pk, status=Run.Status.REVIEW).update(
        status=Run.Status.PUBLISHED, published_at=now, published_by=by
    )
    if not claimed:  # another request published it between our check and now
        run.refresh_from_db()
        return _published(run, already=True)
    created = joined = invited = 0
    for item in proposed:
        schools = list(item.invitations.all())
        invited += len(schools)
        if item.extends_id:
            item.network = item.extends
            item.save(update_fields=["network"])
            Invitation.objects.filter(proposed_network=item).update(status=Invitation.Status.INVITED)
            joined += 1
            continue
        if run.kind == Run.Kind.FORMATION:
            host = next((i.school for i in schools if i.role == Invitation.Role.HOST), schools[0].school)
            # The name's data, not its words: each reader sees it in their language.
            made_by, params = (
                Network.Made.FORMATION,
                {
                    "region": run.region.name,
                    "number": item.number,
                    "host": host.name,
                },
            )
            kind, visibility = Network.Kind.CLUSTER, Network.Visibility.PUBLIC
        else:
            need = next(i.school for i in schools if i.role == Invitation.Role.NEED)
            partner = next(i.school for i in schools if i.role == Invitation.Role.PARTNER)
            # A neutral name: the need (perhaps from the school's own evaluation) stays with the
            # run, read by system leaders; the network's name is seen by everyone who sees the
            # network (docs/privacy.md).
            made_by, params = Network.Made.BROKERING, {"need": need.name, "partner": partner.name}
            kind, visibility = Network.Kind.PARTNERSHIP, Network.Visibility.PRIVATE
        network = network_create(
            made_by=made_by,
            name_params=params,
            kind=kind,
            region=run.region,
            by=by,
            coordinator=by if coordinator == Coordinator.PUBLISHER else None,
            without_coordinator=coordinator == Coordinator.LEAD,
            phase=run.phase,
            visibility=visibility,
        )
        item.network = network
        item.save(update_fields=["network"])
        Invitation.objects.filter(proposed_network=item).update(status=Invitation.Status.INVITED)
        created += 1
    memory = {"created": created, "joined": joined, "invited": invited, "coordinator": str(coordinator)}
    Run.objects.filter(pk=run.pk).update(published=memory)
    run.status, run.published_at, run.published_by, run.published = Run.Status.PUBLISHED, now, by, memory
    audit(by, "brokering.run_published", run, networks=created + joined, **memory)
    return _published(run, already=False)


MEMBERSHIP_ROLE = {
    Invitation.Role.HOST: Membership.Role.LEAD,
    Invitation.Role.MEMBER: Membership.Role.MEMBER,
    Invitation.Role.NEED: Membership.Role.MENTEE,
    Invitation.Role.PARTNER: Membership.Role.MENTOR,
}


@transaction.atomic
def invitation_answer(*, invitation: Invitation, accept: bool, by: User) -> Invitation:
    """A school accepts (it becomes a member; the host as proposed lead school) or declines."""
    if invitation.status != Invitation.Status.INVITED:
        raise ValidationError(_("This invitation has already been answered or is not sent yet."))
    network = invitation.proposed_network.network
    invitation.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    invitation.answered_by, invitation.answered_at = by, timezone.now()
    invitation.save(update_fields=["status", "answered_by", "answered_at"])
    if accept and network is not None:
        membership_add(
            network=network,
            school=invitation.school,
            role=MEMBERSHIP_ROLE[Invitation.Role(invitation.role)],
            by=by,
        )
        _coordinator_from_lead(invitation, network, by=by)
        _rota_start_if_ready(network, by=by)
    audit(
        by,
        "brokering.invitation_accepted" if accept else "brokering.invitation_declined",
        invitation,
        school=invitation.school_id,
    )
    return invitation


def _coordinator_from_lead(invitation: Invitation, network: Network, *, by: User) -> None:
    """A run published with the lead school as coordinator: whoever accepts for the lead school (the
    supporting school of a partnership) becomes the new network's coordinator, if it has none yet."""
    run = invitation.proposed_network.run
    if (
        run.published.get("coordinator") != Coordinator.LEAD
        or invitation.proposed_network.extends_id
        or invitation.role not in (Invitation.Role.HOST, Invitation.Role.PARTNER)
        or not by.is_authenticated
        or NetworkRole.objects.active().filter(network=network, role=NetworkRole.Role.COORDINATOR).exists()
    ):
        return
    network_role_add(network=network, user=by, role=NetworkRole.Role.COORDINATOR, by=by)


def _rota_start_if_ready(network: Network, *, by: User) -> None:
    """Two accepted schools and no rota yet: plan the first meetings (every six weeks)."""
    if network.rota_turns.exists() or network.memberships.active().count() < 2:
        return

    first = timezone.localdate() + timedelta(weeks=4)
    dates = [first + timedelta(weeks=6 * i) for i in range(ROTA_MEETINGS)]
    rota_generate(network=network, school_year=countries.profile().school_year_of(first), dates=dates, by=by)


@transaction.atomic
def approach_record(
    *,
    need_school: School,
    domain: str,
    partner: School,
    by: User,
    status: Approach.Status | str = Approach.Status.SHORTLISTED,
    contact: str = "",
    note: str = "",
) -> Approach:
    """Shortlist a helper for a need, or record who was approached and the answer."""
    if need_school.pk == partner.pk:
        raise ValidationError(_("A school cannot be its own partner."))
    if status not in Approach.Status.values:
        raise ValidationError(_("Unknown status %(status)s.") % {"status": status})
    approach, created = Approach.objects.get_or_create(
        need_school=need_school, domain=domain, partner=partner, defaults={"created_by": by}
    )
    approach.status, approach.contact, approach.note = status, contact[:200], note[:500]
    approach.save(update_fields=["status", "contact", "note", "updated_at"])
    audit(by, "brokering.approach_recorded", approach, status=str(status), created=created)
    return approach


@transaction.atomic
def approach_propose(*, approach: Approach, by: User) -> Network:
    """Propose the partnership: a partnership network with both schools (the need school as mentee)."""
    if approach.network_id:
        raise ValidationError(_("A partnership has already been proposed from this approach."))
    # A neutral name: the need stays with the approach (docs/privacy.md).
    name = _("%(need)s with %(partner)s") % {
        "need": approach.need_school.name,
        "partner": approach.partner.name,
    }
    network = network_create(
        name=name[:200], kind=Network.Kind.PARTNERSHIP, region=approach.need_school.region, by=by
    )
    membership_add(network=network, school=approach.need_school, role=Membership.Role.MENTEE, by=by)
    membership_add(network=network, school=approach.partner, role=Membership.Role.MENTOR, by=by)
    approach.network = network
    if approach.status == Approach.Status.SHORTLISTED:
        approach.status = Approach.Status.APPROACHED
    approach.save(update_fields=["network", "status", "updated_at"])
    audit(by, "brokering.partnership_proposed", approach, network=network.pk)
    return network


@transaction.atomic
def capacity_set(*, school: School, schools: int | None, by: User) -> Capacity | None:
    """Set how many schools `school` can support at once (None: back to the default from its size)."""
    before = Capacity.objects.filter(school=school).values_list("schools", flat=True).first()
    if schools is None:
        Capacity.objects.filter(school=school).delete()
        capacity = None
    else:
        if not 0 <= schools <= Capacity.MOST:
            raise ValidationError(
                _("A school can support from 0 to %(most)s schools at once.") % {"most": Capacity.MOST}
            )
        capacity, _created = Capacity.objects.update_or_create(
            school=school, defaults={"schools": schools, "updated_by": by}
        )
    audit(by, "brokering.capacity_set", school, before=before, after=schools)
    return capacity
