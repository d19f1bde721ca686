"""Writes to the school registry."""

from collections.abc import Iterable

from kindred.schools.catalogue import MEASURES, MeasureSpec
from kindred.schools.models import MeasureDefinition


def measure_definitions_ensure(specs: Iterable[MeasureSpec]) -> dict[str, MeasureDefinition]:
    """Create the measure definitions that do not exist yet; returns all of them by code.

    Existing definitions are left as they are, so an administrator's edits survive re-imports.
    """
    specs = list(specs)
    existing = {m.code: m for m in MeasureDefinition.objects.filter(code__in=[s.code for s in specs])}
    missing = [
        MeasureDefinition(
            code=s.code,
            name=s.name,
            unit=s.unit,
            domain=s.domain,
            kind=s.kind,
            higher_is_better=s.higher_is_better,
            description=s.description,
            valid_min=s.valid_min,
            valid_max=s.valid_max,
            pupil_sd=s.pupil_sd,
            pupil_sd_source=s.pupil_sd_source,
            predictors=list(s.predictors),
        )
        for s in specs
        if s.code not in existing
    ]
    for created in MeasureDefinition.objects.bulk_create(missing):
        existing[created.code] = created
    if missing:
        existing = {m.code: m for m in MeasureDefinition.objects.filter(code__in=[s.code for s in specs])}
    return existing


def standard_measures_ensure(codes: Iterable[str] | None = None) -> dict[str, MeasureDefinition]:
    """Ensure the catalogue's definitions (all, or those named) exist."""
    chosen = MEASURES.values() if codes is None else [MEASURES[c] for c in codes]
    return measure_definitions_ensure(chosen)
