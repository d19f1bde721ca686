"""Ranked suggestions for a request, with their reasons, priced by the brokering engine's pairing
cost (`kindred.engine.brokering.pair_costs`, weights from BROKERING_WEIGHTS).

Who is suggested:

Never across a country's border (docs/countries.md): with several countries installed, only schools of
the requesting school's own country are suggested (a strength is one against its own country's model;
brokering proposes no supporter in another country unless its run asks, and a request has no such choice).

1. **Open offers** in the request's domain, from any other school of the country. An offer makes its school
   eligible whatever the evidence says: the strength term uses the school's pooled relative
   performance in the domain (z, in posterior SDs) when it is stored; a strength from the school's
   own evaluation (`brokering.loading.selfeval_rows`, the loader brokering and formation use) in
   the framework domain the request names (by its code or name), when the school shares its
   self-evaluation (`frameworks.access.shares_selfeval`), counts as brokering counts it,
   z = 1.96, unless the measures say more; z = 0 (no evidence either way) otherwise.
2. **Schools that made no offer** but are strong in the domain by the stored measured evidence
   (self-evaluated strengths are counted for offers only, so far), from the
   requesting school's region (the place a brokering run of that region would search), under the
   broker's own rules, applied by `pair_costs` itself: a reliable strength in the domain (a pooled
   measure flagged as a strength; its best z), never a school that is weak on any measure of that
   domain (its strength is NaN), never a red or amber school (`blocked`). They are shown to be
   asked, not proposed: a match needs an offer.

How each candidate is priced, in the broker's terms:

- Travel time is the broker's great-circle estimate; a school without coordinates counts as an
  hour away (`TYPICAL_MINUTES`) rather than being dropped.
- Same-authority pairs carry the broker's small preference for crossing boundaries.
- Context similarity: the distance between the two schools' standardised context (the features of
  `engine.families.context_matrix`, each school's latest values), standardised over the open
  schools of the requesting school's region and the candidates — as a brokering run of that region
  standardises over its schools. A school without context values sits at the mean.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db.models import Max, Q, QuerySet

from kindred import countries
from kindred.brokering.loading import (
    NOT_SUPPORTING,
    SELF_EVALUATED_STRENGTH_Z,
    selfeval_rows,
    weights_from_settings,
)
from kindred.engine.brokering import (
    NOT_ELIGIBLE,
    SCALE,
    Needs,
    Schools,
    Supporters,
    pair_costs,
    standardise_columns,
)
from kindred.engine.families import context_matrix
from kindred.engine.travel import GreatCircle
from kindred.evidence.models import Flag, Performance, SupportCategory
from kindred.frameworks.access import shares_selfeval
from kindred.frameworks.models import Domain
from kindred.offers.models import Offer, SupportRequest
from kindred.schools.models import MeasureDefinition, School, SchoolMeasure

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
    context_distance: float = 0.0  # standardised context distance (0: alike, or no context known)
    similar_context: bool = False  # within the broker's `similar_context` distance, with context known


@dataclass(frozen=True)
class Suggestion:
    school: School
    offer: Offer | None  # None: strong in the domain by the evidence, but has made no offer
    ranked: Ranked


@dataclass(frozen=True)
class _Candidate:
    school: School
    offer: Offer | None
    z: float | None  # the strength term's z (None: no evidence; counts as 0 for an offer)
    measured_z: float | None = None
    self_evaluated_year: int | None = None


def _best(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _domain_evidence(pks: list[int] | None, domain: str, *, region_id: int | None) -> dict[int, tuple]:
    """(best strength z or None, weak in the domain?) per school with pooled flags in `domain`:
    of the schools `pks`, or (pks None) of the schools of the region."""
    rows = Performance.objects.filter(year__isnull=True, measure__domain__iexact=domain).exclude(
        flag=Flag.NONE
    )
    if pks is not None:
        rows = rows.filter(school_id__in=pks)
    elif region_id is not None:
        rows = rows.filter(school__region_id=region_id)
    else:
        raise ValueError("_domain_evidence needs the schools or their region")
    found: dict[int, list] = defaultdict(lambda: [None, False])
    for school_id, flag, z in rows.values_list("school_id", "flag", "z"):
        if flag == Flag.NEED:
            found[school_id][1] = True
        elif found[school_id][0] is None or z > found[school_id][0]:
            found[school_id][0] = z
    return {pk: tuple(v) for pk, v in found.items()}


def _in_country(rows: QuerySet, school: School, *, field: str = "school__country_code") -> QuerySet:
    """`rows` of `school`'s country only, when the installation holds several (else all of them)."""
    return rows.filter(**{field: school.country_code}) if countries.several() else rows


def _candidates(request: SupportRequest) -> list[_Candidate]:
    offers = list(
        # Schools' offers: a partner organisation's is taken up by inviting its people into a network.
        _in_country(
            Offer.objects.filter(
                domain__iexact=request.domain, status=Offer.Status.OPEN, school__isnull=False
            ).exclude(school=request.school),
            request.school,
        )
        .select_related("school")
        .order_by("pk")
    )
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
    wanted = request.domain.strip().lower()
    # Another school reads the reason: only the self-evaluations their schools share (docs/privacy.md).
    sharing = shares_selfeval({o.school_id for o in offers})
    self_strong = {
        row.school_id: row.year
        for row in selfeval_rows(sharing)
        if row.flag == Flag.STRENGTH and wanted in (row.code.lower(), row.name.lower(), row.domain.lower())
    }
    found = [
        _Candidate(
            school,
            o,
            _best(
                z_by_school.get(school.pk),
                SELF_EVALUATED_STRENGTH_Z if school.pk in self_strong else None,
            ),
            z_by_school.get(school.pk),
            self_strong.get(school.pk),
        )
        for o in offers
        if (school := o.school) is not None  # every one: schools' offers only (above)
    ]
    if request.school.region_id is None:
        return found
    offering = {o.school_id for o in offers} | {request.school_id}
    strong = {
        pk: z
        for pk, (z, weak) in _domain_evidence(
            None, request.domain, region_id=request.school.region_id
        ).items()
        if z is not None and pk not in offering
    }
    # Weak on another measure of the domain: NaN strength, refused by the broker's rule.
    weak = {
        pk
        for pk, (_z, is_weak) in _domain_evidence(list(strong), request.domain, region_id=None).items()
        if is_weak
    }
    schools = (
        _in_country(School.objects.filter(pk__in=strong), request.school, field="country_code")
        .exclude(status=School.Status.CLOSED)
        .order_by("pk")
    )
    found += [
        _Candidate(s, None, float("nan") if s.pk in weak else strong[s.pk], strong[s.pk]) for s in schools
    ]
    return found


def _standardised_context(everyone: list[School]) -> tuple[np.ndarray, bool]:
    """The schools' context rows, standardised over the open schools of the requesting school's
    region and the schools themselves; and whether the requesting school has any context value."""
    region_id = everyone[0].region_id
    where = Q(pk__in=[s.pk for s in everyone])
    if region_id is not None:
        where |= Q(region_id=region_id)
    population = list(
        School.objects.filter(where)
        .exclude(status=School.Status.CLOSED)
        .order_by("pk")
        .values_list("pk", "pupils", "urban_rural")
    )
    rows = {pk: i for i, (pk, _p, _u) in enumerate(population)}
    for school in everyone:  # a closed school asking or offering still has its own row
        if school.pk not in rows:
            rows[school.pk] = len(population)
            population.append((school.pk, school.pupils, school.urban_rural))
    context: dict[str, np.ndarray] = {}
    values = (
        SchoolMeasure.objects.filter(
            measure__kind=MeasureDefinition.Kind.CONTEXT, suppressed=False, school_id__in=list(rows)
        )
        .order_by("measure__code", "year")
        .values_list("measure__code", "school_id", "value")
    )
    for code, school_id, value in values.iterator(chunk_size=20_000):
        column = context.setdefault(code, np.full(len(population), np.nan))
        column[rows[school_id]] = np.nan if value is None else value  # later years overwrite earlier ones
    matrix = context_matrix(
        context,
        pupils=np.array([np.nan if p is None else p for _pk, p, _u in population], dtype=float),
        urban=np.array([{"urban": 1.0, "rural": 0.0}.get(u, np.nan) for _pk, _p, u in population]),
    )
    picked = [rows[s.pk] for s in everyone]
    asker_known = bool(matrix.size) and bool((~np.isnan(matrix[picked[0]])).any())
    return standardise_columns(matrix)[picked], asker_known


def suggestions(request: SupportRequest, *, limit: int | None = 10) -> list[Suggestion]:
    """Open offers in the request's domain and strong schools of the region without an offer,
    cheapest pairing first (see the module)."""
    candidates = _candidates(request)
    if not candidates:
        return []
    everyone = [request.school] + [c.school for c in candidates]  # position 0: the requesting school
    context, asker_known = _standardised_context(everyone)
    schools = Schools(
        latitude=np.array([s.latitude if s.latitude is not None else np.nan for s in everyone], dtype=float),
        longitude=np.array(
            [s.longitude if s.longitude is not None else np.nan for s in everyone], dtype=float
        ),
        authority=np.array([s.local_authority_id or -1 for s in everyone]),
        context=context,
    )
    categories = dict(
        SupportCategory.objects.filter(
            school_id__in=[c.school.pk for c in candidates if c.offer is None]
        ).values_list("school_id", "category")
    )
    weights = weights_from_settings()
    travel = _KnownOrTypical()
    costs = pair_costs(
        schools,
        Needs(school=np.array([0]), domain=np.array([0])),
        Supporters(
            school=np.arange(1, len(everyone)),
            capacity=np.array([c.offer.capacity if c.offer else 1 for c in candidates]),
            strength=np.array([[0.0 if c.z is None else c.z] for c in candidates], dtype=float),
            # The broker never asks a red or amber school; an offer is the school's own choice.
            blocked=np.array(
                [c.offer is None and categories.get(c.school.pk) in NOT_SUPPORTING for c in candidates]
            ),
        ),
        weights=weights,
        travel=travel,
    )[0]
    km = GreatCircle().km(
        schools.latitude[:1], schools.longitude[:1], schools.latitude[1:], schools.longitude[1:]
    )[0]
    minutes = travel.minutes(
        schools.latitude[:1], schools.longitude[:1], schools.latitude[1:], schools.longitude[1:]
    )[0]
    gaps = context[1:] - context[:1]
    context_distance = np.sqrt((gaps * gaps).sum(axis=1))
    order = [i for i in np.argsort(costs, kind="stable") if costs[i] != NOT_ELIGIBLE][:limit]
    home = schools.authority[0]
    return [
        Suggestion(
            candidates[i].school,
            candidates[i].offer,
            Ranked(
                cost=float(costs[i]) / SCALE,
                strength_z=None if candidates[i].z is None else float(candidates[i].z),
                measured_z=candidates[i].measured_z,
                self_evaluated_year=candidates[i].self_evaluated_year,
                distance_km=None if np.isnan(km[i]) else float(km[i]),
                minutes=float(minutes[i]),
                other_authority=bool(
                    home >= 0 and schools.authority[i + 1] >= 0 and home != schools.authority[i + 1]
                ),
                context_distance=float(context_distance[i]),
                similar_context=asker_known and float(context_distance[i]) <= weights.similar_context,
            ),
        )
        for i in order
    ]


def domain_suggestions() -> list[str]:
    """The domains offers and requests are matched in: the measures' outcome domains and the
    self-evaluation frameworks' domain codes (offered as a datalist, so both sides name one alike)."""
    measured = MeasureDefinition.objects.filter(kind=MeasureDefinition.Kind.OUTCOME).values_list(
        "domain", flat=True
    )
    framework = Domain.objects.values_list("code", flat=True)
    return sorted({d.lower() for d in [*measured, *framework] if d})
