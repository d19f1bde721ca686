"""Ranked suggestions of offers for a request, with their reasons, priced by the brokering engine's
pairing cost (`kindred.engine.brokering.pair_costs`, weights from BROKERING_WEIGHTS).

How an offer is fitted to the broker's terms:

- An offer makes its school eligible whatever the evidence says: the strength term uses the
  school's pooled relative performance in the request's domain (z, in posterior SDs) when it is
  stored, and z = 0 (no evidence either way) when it is not.
- A strength from the school's own evaluation (`brokering.loading.selfeval_rows`, the loader
  brokering and formation use) in the framework domain the request names (by its code or name)
  counts as brokering counts it, z = 1.96, unless the measures say more.
- Travel time is the broker's great-circle estimate; a school without coordinates counts as an
  hour away (`TYPICAL_MINUTES`) rather than being dropped.
- Same-authority pairs carry the broker's small preference for crossing boundaries.
- Context similarity is left out (zero for every candidate): it needs the evidence's standardised
  context of the whole registry, which `kindred.brokering.loading` builds for a region at a time —
  too heavy for one page. Every candidate is treated alike, so the ranking stays fair.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from kindred.brokering.loading import SELF_EVALUATED_STRENGTH_Z, selfeval_rows, weights_from_settings
from kindred.engine.brokering import NOT_ELIGIBLE, SCALE, Needs, Schools, Supporters, pair_costs
from kindred.engine.travel import GreatCircle
from kindred.evidence.models import Flag, Performance
from kindred.offers.models import Offer, SupportRequest

TYPICAL_MINUTES = 60.0


class _KnownOrTypical(GreatCircle):
    """Great-circle travel, with a typical hour where a school's position is unknown."""

    def minutes(self, lat1, lon1, lat2, lon2):
        return np.nan_to_num(super().minutes(lat1, lon1, lat2, lon2), nan=TYPICAL_MINUTES)


@dataclass(frozen=True)
class Ranked:
    cost: float
    strength_z: float | None  # None: no stored evidence in the domain
    measured_z: float | None  # the part of it from measures (None: no measure in the domain)
    self_evaluated_year: int | None  # the school rated itself strong in the domain that year
    distance_km: float | None  # None: a position is unknown
    minutes: float
    other_authority: bool


@dataclass(frozen=True)
class Suggestion:
    offer: Offer
    ranked: Ranked


def _best(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def suggestions(request: SupportRequest, *, limit: int = 10) -> list[Suggestion]:
    """Open offers in the request's domain from other schools, cheapest pairing first."""
    offers = list(
        Offer.objects.filter(domain__iexact=request.domain, status=Offer.Status.OPEN)
        .exclude(school=request.school)
        .select_related("school")
        .order_by("pk")
    )
    if not offers:
        return []
    z_by_school = dict(
        Performance.objects.filter(
            school_id__in=[o.school_id for o in offers],
            measure__domain__iexact=request.domain,
            year__isnull=True,
        )
        .values("school_id")
        .annotate(z=Max("z"))
        .values_list("school_id", "z")
    )
    everyone = [request.school] + [o.school for o in offers]  # position 0: the requesting school
    schools = Schools(
        latitude=np.array([s.latitude if s.latitude is not None else np.nan for s in everyone], dtype=float),
        longitude=np.array(
            [s.longitude if s.longitude is not None else np.nan for s in everyone], dtype=float
        ),
        authority=np.array([s.local_authority_id or -1 for s in everyone]),
        context=np.zeros((len(everyone), 0)),
    )
    wanted = request.domain.strip().lower()
    self_strong = {
        row.school_id: row.year
        for row in selfeval_rows({o.school_id for o in offers})
        if row.flag == Flag.STRENGTH and wanted in (row.code.lower(), row.name.lower(), row.domain.lower())
    }
    known_z = [
        _best(z_by_school.get(o.school_id), SELF_EVALUATED_STRENGTH_Z if o.school_id in self_strong else None)
        for o in offers
    ]
    travel = _KnownOrTypical()
    costs = pair_costs(
        schools,
        Needs(school=np.array([0]), domain=np.array([0])),
        Supporters(
            school=np.arange(1, len(everyone)),
            capacity=np.array([o.capacity for o in offers]),
            strength=np.array([[0.0 if z is None else z] for z in known_z]),
        ),
        weights=weights_from_settings(),
        travel=travel,
    )[0]
    km = GreatCircle().km(
        schools.latitude[:1], schools.longitude[:1], schools.latitude[1:], schools.longitude[1:]
    )[0]
    minutes = travel.minutes(
        schools.latitude[:1], schools.longitude[:1], schools.latitude[1:], schools.longitude[1:]
    )[0]
    order = [i for i in np.argsort(costs, kind="stable") if costs[i] != NOT_ELIGIBLE][:limit]
    home = schools.authority[0]
    return [
        Suggestion(
            offers[i],
            Ranked(
                cost=float(costs[i]) / SCALE,
                strength_z=known_z[i],
                measured_z=z_by_school.get(offers[i].school_id),
                self_evaluated_year=self_strong.get(offers[i].school_id),
                distance_km=None if np.isnan(km[i]) else float(km[i]),
                minutes=float(minutes[i]),
                other_authority=bool(
                    home >= 0 and schools.authority[i + 1] >= 0 and home != schools.authority[i + 1]
                ),
            ),
        )
        for i in order
    ]


def domain_suggestions() -> list[str]:
    """The domains offers and requests are matched in: the measures' outcome domains and the
    self-evaluation frameworks' domain codes (offered as a datalist, so both sides name one alike)."""
    from kindred.frameworks.models import Domain
    from kindred.schools.models import MeasureDefinition

    measured = MeasureDefinition.objects.filter(kind=MeasureDefinition.Kind.OUTCOME).values_list(
        "domain", flat=True
    )
    framework = Domain.objects.values_list("code", flat=True)
    return sorted({d.lower() for d in [*measured, *framework] if d})
