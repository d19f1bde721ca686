"""Brokering and formation for a place: read the evidence, call the engine, hand back results.

`broker_place` and `form_place` are what the `kindred broker` and `kindred form-networks` commands
and the background jobs (services.run_compute) call. They never write.
"""

from dataclasses import dataclass

import numpy as np
from django.conf import settings

from kindred.brokering.loading import (
    BrokeringInputs,
    Place,
    brokering_inputs,
    evidence_flags,
    existing_ties,
    place,
    weights_from_settings,
)
from kindred.core.progress import Progress, no_progress
from kindred.engine import brokering, formation
from kindred.engine.travel import GreatCircle
from kindred.schools.models import Region


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
    progress: Progress = no_progress,
) -> Brokered:
    """The best partners for the needs of red and amber schools (every need with `all_needs`) in
    `region` (or everywhere), proven within the gap reported. With `allow_unmet`, needs the capacities
    cannot cover are left unmet and counted instead of refused."""
    progress(0, 3, "reading evidence")
    inputs = brokering_inputs(region=region, all_needs=all_needs, exclude=exclude)
    if not len(inputs.needs.school):
        raise brokering.Infeasible(
            "no school here has a need in the stored evidence (red and amber schools' needs, unless all "
            "needs are asked for): recompute evidence first"
        )
    progress(1, 3, "brokering")
    result = brokering.broker(
        inputs.schools,
        inputs.needs,
        inputs.supporters,
        weights=weights_from_settings(),
        travel=travel_source(),
        require_other_authority=require_other_authority,
        ties=existing_ties(inputs.place),
        domain_names=inputs.flags.domains,
        allow_unmet=allow_unmet,
    )
    progress(3, 3, "done")
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
    progress: Progress = no_progress,
) -> Formed:
    """Networks of `min_size`–`max_size` of the place's located schools, with coverage from the evidence."""
    progress(0, 3, "reading schools and evidence")
    where = place(region=region, phase=phase, exclude=exclude)
    if not len(where.rows):
        raise formation.Infeasible("no open school with coordinates here")
    flags = evidence_flags(where.pk)
    strengths = ~np.isnan(flags.strength_z)
    table = where.table
    urban = table.urban[where.rows]
    progress(1, 3, "forming networks")
    formed = formation.form_networks(
        table.latitude[where.rows],
        table.longitude[where.rows],
        min_size=min_size,
        max_size=max_size,
        needs=flags.need if flags.domains else None,
        strengths=strengths if flags.domains else None,
        urban=np.nan_to_num(urban, nan=1.0) > 0.5,
        authority=np.maximum(table.local_authority[where.rows], 0),
        rules=rules,
        detour=settings.TRAVEL_DETOUR_PERCENT / 100,
    )
    progress(3, 3, "done")
    return Formed(place=where, formation=formed)


def formation_rows(formed: Formed):
    """school_id, network (numbered from 1) for each school."""
    registry = _registry_ids(formed.place)
    for position, label in enumerate(formed.formation.labels.tolist()):
        yield registry[position], label + 1


def _registry_ids(where: Place) -> list[str]:
    from kindred.schools.models import School

    ids = dict(School.objects.values_list("pk", "registry_id").iterator(chunk_size=20_000))
    return [ids[pk] for pk in where.pk.tolist()]
