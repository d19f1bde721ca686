"""Ranked suggestions of offers for a request, with the reasons (kindred.engine.offer_matching)."""

from dataclasses import dataclass

import numpy as np
from django.db.models import Max

from kindred.engine.offer_matching import Ranked, distances_km, rank
from kindred.evidence.models import Performance
from kindred.offers.models import Offer, SupportRequest


@dataclass(frozen=True)
class Suggestion:
    offer: Offer
    ranked: Ranked


def suggestions(request: SupportRequest, *, limit: int = 10) -> list[Suggestion]:
    """Open offers in the request's domain from other schools, cheapest pairing first."""
    offers = list(
        Offer.objects.filter(domain__iexact=request.domain, status=Offer.Status.OPEN)
        .exclude(school=request.school)
        .select_related("school")
    )
    if not offers:
        return []
    schools = [o.school_id for o in offers]
    strength = dict(
        Performance.objects.filter(
            school_id__in=schools, measure__domain__iexact=request.domain, year__isnull=True
        )
        .values("school_id")
        .annotate(z=Max("z"))
        .values_list("school_id", "z")
    )
    home = request.school
    lats = np.array([o.school.latitude if o.school.latitude is not None else np.nan for o in offers])
    lons = np.array([o.school.longitude if o.school.longitude is not None else np.nan for o in offers])
    if home.latitude is not None and home.longitude is not None:
        km = distances_km(home.latitude, home.longitude, lats, lons)
    else:
        km = np.full(len(offers), np.nan)
    ranked = rank(
        strength_z=[strength.get(s, np.nan) for s in schools],
        distance_km=km,
        # Context similarity needs the evidence's context vectors; unknown (neutral) until the
        # broker's shared loader lands (see the module docstring of engine/offer_matching.py).
        context_distance=[np.nan] * len(offers),
        offered=[True] * len(offers),
        limit=limit,
    )
    return [Suggestion(offers[r.index], r) for r in ranked]
