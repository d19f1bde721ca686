"""Brokering and formation for a place: read the evidence, call the engine, hand back results.

`broker_place` and `form_place` are what the `kindred broker` and `kindred form-networks` commands
and the background jobs (services.run_compute) call. They never write.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_noop

from kindred.brokering.loading import (
    BrokeringInputs,
    Place,
    brokering_inputs,
    evidence_flags,
    existing_ties,
    place,
    weights_from_settings,
)
from kindred.brokering.models import Invitation
from kindred.core.progress import Progress, no_progress
from kindred.engine import brokering, formation
from kindred.engine import fewer_partners as consolidate
from kindred.engine.travel import GreatCircle
from kindred.networks.models import Membership, Network
from kindred.schools.models import Region, School


def travel_source() -> GreatCircle:
    return GreatCircle(detour=settings.TRAVEL_DETOUR_PERCENT / 100, speed_kmh=settings.TRAVEL_SPEED_KMH)


@dataclass
class Brokered:
    inputs: BrokeringInputs
    result: brokering.Result


def broker_place(
    *,
    region: Region | None = None,
    require_other_authority: bool = False,
    all_needs: bool = False,
    allow_unmet: bool = False,
    exclude: frozenset[int] = frozenset(),
    neighbours: Sequence[Region] = (),
    fewer_partners: bool = False,
    across_countries: bool = False,
    progress: Progress = no_progress,
) -> Brokered:
    """The best partners for the needs of red and amber schools (every need with `all_needs`) in
    `region` (or everywhere), proven within the gap reported. With `allow_unmet`, needs the capacities
    cannot cover are left unmet and counted instead of refused. Schools of the regions `neighbours`
    may be partners too (looking beyond the region's border; their own needs are not brokered). With
    `fewer_partners`, each partner school beyond a school's first costs extra
    (`engine/fewer_partners.py`: flows and a programme in pieces after the flow; the default path is
    unchanged). A partner is always in its need's own country unless `across_countries`."""
    progress(0, 3, gettext_noop("reading evidence"))
    inputs = brokering_inputs(
        region=region,
        all_needs=all_needs,
        exclude=exclude,
        neighbours=neighbours,
        across_countries=across_countries,
    )
    if not len(inputs.needs.school):
        raise brokering.Infeasible(
            "no school here has a need in the stored evidence (red and amber schools' needs, unless all "
            "needs are asked for): recompute evidence first",
            code="no_needs",
        )
    progress(1, 3, gettext_noop("brokering"))
    weights, travel, ties = weights_from_settings(), travel_source(), existing_ties(inputs.place)
    result = brokering.broker(
        inputs.schools,
        inputs.needs,
        inputs.supporters,
        weights=weights,
        travel=travel,
        require_other_authority=require_other_authority,
        ties=ties,
        domain_names=inputs.flags.domains,
        allow_unmet=allow_unmet,
    )
    if fewer_partners:
        progress(2, 3, gettext_noop("preferring fewer partners"))
        result = consolidate.fewer_partners(
            result,
            inputs.schools,
            inputs.needs,
            inputs.supporters,
            weights=weights,
            travel=travel,
            require_other_authority=require_other_authority,
            ties=ties,
            domain_names=inputs.flags.domains,
        )
    progress(3, 3, gettext_noop("done"))
    return Brokered(inputs=inputs, result=result)


def broker_rows(brokered: Brokered):
    """need_school_id, domain, partner_school_id, cost, reason for each proposal."""
    registry = _registry_ids(brokered.inputs.place)
    needs, supporters = brokered.inputs.needs, brokered.inputs.supporters
    for proposal in brokered.result.proposals:
        yield (
            registry[needs.school[proposal.need]],
            brokered.inputs.flags.domains[needs.domain[proposal.need]],
            registry[supporters.school[proposal.supporter]],
            f"{proposal.cost:.3f}",
            brokering.reason_text(proposal),
        )


@dataclass
class Formed:
    place: Place
    formation: formation.Formation


def form_place(
    *,
    region: Region | None = None,
    phase: str = "",
    min_size: int = 8,
    max_size: int = 15,
    rules: formation.MixingRules | None = None,
    exclude: frozenset[int] = frozenset(),
    country: str | None = None,
    progress: Progress = no_progress,
) -> Formed:
    """Networks of `min_size`–`max_size` of the place's located schools, with coverage from the evidence.
    A region's networks are of its own country's schools; everywhere (no region), of `country`'s when
    given (of every country's otherwise: the command asks which when there are several)."""
    progress(0, 3, gettext_noop("reading schools and evidence"))
    where = place(region=region, phase=phase, exclude=exclude, country=_country_of(region, country))
    if not len(where.rows):
        raise formation.Infeasible("no open school with coordinates here", code="no_schools")
    flags = evidence_flags(where.pk)
    strengths = ~np.isnan(flags.strength_z)
    table = where.table
    urban = table.urban[where.rows]
    rules = rules or formation.MixingRules()
    deprivation = None
    if rules.contrasting_deprivation:
        share = table.context.get(settings.FORMATION_DEPRIVATION_MEASURE)
        if share is None or np.isnan(share[where.rows]).all():
            raise formation.Infeasible(
                f"contrasting localities need the context measure {settings.FORMATION_DEPRIVATION_MEASURE}, "
                "which no school here has",
                code="no_deprivation_measure",
                measure=settings.FORMATION_DEPRIVATION_MEASURE,
            )
        deprivation = formation.deprivation_bands(share[where.rows])
    progress(1, 3, gettext_noop("forming networks"))
    formed = formation.form_networks(
        table.latitude[where.rows],
        table.longitude[where.rows],
        min_size=min_size,
        max_size=max_size,
        needs=flags.need if flags.domains else None,
        strengths=strengths if flags.domains else None,
        urban=np.nan_to_num(urban, nan=1.0) > 0.5,
        authority=np.maximum(table.local_authority[where.rows], 0),
        deprivation=deprivation,
        rules=rules,
        detour=settings.TRAVEL_DETOUR_PERCENT / 100,
    )
    progress(3, 3, gettext_noop("done"))
    return Formed(place=where, formation=formed)


def _country_of(region: Region | None, country: str | None) -> str | None:
    """The country whose schools a formation places: the region's, else the one asked for (or None)."""
    return region.country_code if region is not None else country


def formation_rows(formed: Formed):
    """school_id, network (numbered from 1) for each school."""
    registry = _registry_ids(formed.place)
    for position, label in enumerate(formed.formation.labels.tolist()):
        yield registry[position], label + 1


def _registry_ids(where: Place) -> list[str]:
    ids = dict(School.objects.values_list("pk", "registry_id").iterator(chunk_size=20_000))
    return [ids[pk] for pk in where.pk.tolist()]


@dataclass
class Incremental:
    """New schools placed into the existing networks of a place (formation.place_new_schools).

    Positions 0..n-1 are `pk`; `before` is each school's existing network (an index into `networks`) or
    -1 for a school in none; `formation.labels` is where each school is after (-1: left unplaced).
    Labels from len(networks) on are new networks."""

    pk: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    networks: list  # existing networks (networks.Network) with at least one located member
    before: np.ndarray
    formation: formation.Formation
    still_short: np.ndarray  # labels of networks still below the minimum size
    members_unlocated: int  # members of the existing networks without coordinates (not counted)

    @property
    def new(self) -> np.ndarray:
        return np.flatnonzero(self.before < 0)

    def joined(self) -> dict[int, np.ndarray]:
        """Existing network index -> positions of the new schools it receives (changed networks only)."""
        after = self.formation.labels
        changed = {}
        for index in range(len(self.networks)):
            positions = np.flatnonzero((self.before < 0) & (after == index))
            if len(positions):
                changed[index] = positions
        return changed

    def new_networks(self) -> dict[int, np.ndarray]:
        after = self.formation.labels
        return {
            label: np.flatnonzero(after == label)
            for label in range(len(self.networks), int(after.max(initial=-1)) + 1)
        }

    def unplaced(self) -> np.ndarray:
        return np.flatnonzero(self.formation.labels < 0)

    def host_of(self, label: int) -> int:
        """Position of the meeting point of network `label` (after)."""
        return int(self.formation.hosts[label])


def existing_networks(*, region: Region | None, phase: str):
    """The open cluster networks of a region (and phase) that incremental formation keeps."""
    networks = Network.objects.filter(kind=Network.Kind.CLUSTER).exclude(status=Network.Status.CLOSED)
    if region is not None:
        networks = networks.filter(region=region)
    if phase:
        networks = networks.filter(phase=phase)
    return networks.order_by("pk")


def form_incremental(
    *,
    region: Region | None = None,
    phase: str = "",
    min_size: int = 8,
    max_size: int = 15,
    exclude: frozenset[int] = frozenset(),
    kept: dict[int, int] | None = None,
    country: str | None = None,
    progress: Progress = no_progress,
) -> Incremental:
    """Keep every existing network of the place and its members; place the place's located schools that
    are in no cluster network (`kept`: school pk -> network pk, schools already proposed for a network
    in a locked proposal, counted as its members). A region's own country's schools only; everywhere, of
    `country`'s when given."""
    progress(0, 3, gettext_noop("reading schools and networks"))
    where = place(region=region, phase=phase, exclude=exclude, country=_country_of(region, country))
    table = where.table
    networks = list(existing_networks(region=region, phase=phase))
    # A school invited by a published run counts as placed in its network until it declines: a run just
    # after publishing must neither count it as in no network nor invite it a second time.
    invited = Invitation.objects.filter(
        status=Invitation.Status.INVITED,
        proposed_network__network__kind=Network.Kind.CLUSTER,
    ).exclude(proposed_network__network__status=Network.Status.CLOSED)
    members = list(
        Membership.objects.active().filter(network__in=networks).values_list("network_id", "school_id")
    )
    members += list(
        invited.filter(proposed_network__network__in=networks).values_list(
            "proposed_network__network_id", "school_id"
        )
    )
    first_network = {}  # a school counted once, in its first network (a membership before an invitation)
    for network_pk, school_pk in members:
        first_network.setdefault(school_pk, network_pk)
    members = [(network_pk, school_pk) for school_pk, network_pk in first_network.items()]
    in_any_cluster = set(
        Membership.objects.active()
        .filter(network__kind=Network.Kind.CLUSTER)
        .exclude(network__status=Network.Status.CLOSED)
        .values_list("school_id", flat=True)
    ) | set(invited.values_list("school_id", flat=True))
    pairs = [(school, network) for network, school in members] + list((kept or {}).items())
    located = ~np.isnan(table.latitude) & ~np.isnan(table.longitude)
    row_of = {pk: i for i, pk in enumerate(table.pk.tolist())}
    member_rows, member_network, unlocated = [], [], 0
    for school, network in pairs:
        row = row_of.get(school)
        if row is None or not located[row]:
            unlocated += 1
            continue
        member_rows.append(row)
        member_network.append(network)
    # Only networks with a located member can take schools (their meeting point is a member).
    with_members = sorted(set(member_network))
    index = {pk: i for i, pk in enumerate(with_members)}
    by_pk = {n.pk: n for n in networks}
    placed_keys = set(in_any_cluster) | set((kept or {}).keys())
    new_rows = [
        row for row, pk in zip(where.rows.tolist(), where.pk.tolist(), strict=True) if pk not in placed_keys
    ]
    rows = np.array(member_rows + new_rows, dtype=np.int64)
    before = np.array([index[n] for n in member_network] + [-1] * len(new_rows), dtype=np.int64)
    if not len(rows):
        raise formation.Infeasible(
            "no open school with coordinates here, and no existing network", code="nothing_to_place"
        )
    progress(1, 3, gettext_noop("placing new schools"))
    formed, still_short = formation.place_new_schools(
        table.latitude[rows],
        table.longitude[rows],
        before,
        min_size=min_size,
        max_size=max_size,
        detour=settings.TRAVEL_DETOUR_PERCENT / 100,
    )
    progress(3, 3, gettext_noop("done"))
    return Incremental(
        pk=table.pk[rows],
        latitude=table.latitude[rows],
        longitude=table.longitude[rows],
        networks=[by_pk[pk] if pk in by_pk else Network.objects.get(pk=pk) for pk in with_members],
        before=before,
        formation=formed,
        still_short=still_short,
        members_unlocated=unlocated,
    )


def incremental_rows(incr: Incremental):
    """school_id, network (the existing network's id, or new-1, new-2, …; empty when unplaced), change
    (kept, joined, new network, unplaced) for every school considered."""
    registry = _registry_ids_of(incr.pk)
    k = len(incr.networks)
    for position, label in enumerate(incr.formation.labels.tolist()):
        if label < 0:
            yield registry[position], "", "unplaced"
        elif label >= k:
            yield registry[position], f"new-{label - k + 1}", "new network"
        else:
            change = "kept" if incr.before[position] >= 0 else "joined"
            yield registry[position], str(incr.networks[label].pk), change


def incremental_lines(incr: Incremental) -> list[str]:
    """What changed, in plain lines: the networks that received schools, the new ones, what is left."""
    registry = _registry_ids_of(incr.pk)
    k = len(incr.networks)
    joined, created = incr.joined(), incr.new_networks()
    sizes = np.bincount(incr.formation.labels[incr.formation.labels >= 0], minlength=k)
    lines = [
        f"{len(incr.new)} school(s) in no network; {k} existing network(s) kept with every member",
        f"{sum(len(p) for p in joined.values())} joined {len(joined)} existing network(s); "
        f"{sum(len(p) for p in created.values())} form {len(created)} new network(s); "
        f"{len(incr.unplaced())} left unplaced (no network with room near them and too few to form one)",
    ]
    for index, positions in joined.items():
        network = incr.networks[index]
        names = ", ".join(registry[p] for p in positions.tolist())
        lines.append(
            f"changed: {network.name} (#{network.pk}) {sizes[index] - len(positions)} → {sizes[index]} "
            f"schools, joined by {names}"
        )
    for label, positions in created.items():
        lines.append(f"new network new-{label - k + 1}: {len(positions)} schools")
    for label in incr.still_short.tolist():
        if label < k:
            lines.append(
                f"still below the minimum: {incr.networks[label].name} (#{incr.networks[label].pk}), "
                f"{sizes[label]} schools; no new school could fill it without moving someone else"
            )
    if incr.members_unlocated:
        lines.append(
            f"{incr.members_unlocated} member(s) of existing networks have no coordinates (not counted)"
        )
    return lines


def _registry_ids_of(pks: np.ndarray) -> list[str]:
    # every school, as in _registry_ids: a national list of ids is too long for an SQL IN on SQLite
    ids = dict(School.objects.values_list("pk", "registry_id").iterator(chunk_size=20_000))
    return [ids[pk] for pk in pks.tolist()]
