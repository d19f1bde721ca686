"""Why formation or brokering cannot place the schools, in the reader's language.

The engine imports no Django, so it says why in English and names the reason with a code and its
figures (`Infeasible.code`, `Infeasible.params`; kindred/engine/formation.py and brokering.py, and
kindred/brokering/computing.py). Here each code is a message id: the run and its job keep the id and
the figures, and each page words them for its reader (Run.display_error, Job.display_error). A reason
without a code keeps the engine's English as the technical detail of a translated sentence.
"""

from django.utils.translation import gettext_noop

from kindred.core.progress import Said

REASONS = {
    # formation (engine/formation.py)
    "sizes_unordered": gettext_noop("network sizes must satisfy 1 ≤ fewest ≤ most, not %(min)s–%(max)s"),
    "too_few_schools": gettext_noop("%(n)s schools cannot make even one network of at least %(min)s"),
    "sizes_unsplittable": gettext_noop(
        "%(n)s schools cannot be split into networks of %(min)s–%(max)s: %(low)s networks would be needed "
        "to keep each under %(above)s, but only %(high)s can each have %(min)s"
    ),
    "network_count": gettext_noop(
        "%(n)s schools make between %(low)s and %(high)s networks of %(min)s–%(max)s, not %(asked)s"
    ),
    "no_coordinates": gettext_noop("schools without coordinates: %(n)s; place them first"),
    "authority_zero": gettext_noop("at most 0 schools from one authority leaves no school for any network"),
    "coordinates_needed": gettext_noop("every school needs coordinates to be placed"),
    "networks_too_big": gettext_noop("existing networks that already have more than %(max)s schools: %(n)s"),
    # brokering (engine/brokering.py)
    "no_supporter": gettext_noop(
        "needs that no school may support (no reliable strength in the domain outside red and amber "
        "schools): %(n)s"
    ),
    "capacity_short": gettext_noop(
        "the needs want %(wants)s partners but the supporters can take only %(capacity)s between them; "
        "raise capacities or allow unmet needs"
    ),
    "need_short": gettext_noop(
        "a need wants %(wants)s partners but the schools that may support it number only %(schools)s"
    ),
    "supporters_full": gettext_noop(
        "%(n)s needs wanting %(wants)s partners between them can only be supported by %(schools)s schools "
        "with room for %(room)s"
    ),
    # the places they are given (brokering/computing.py)
    "no_needs": gettext_noop(
        "no school here has a need in the stored evidence (red and amber schools' needs, unless all needs "
        "are asked for): recompute evidence first"
    ),
    "no_schools": gettext_noop("no open school with coordinates here"),
    "no_deprivation_measure": gettext_noop(
        "contrasting localities need the context measure %(measure)s, which no school here has"
    ),
    "nothing_to_place": gettext_noop("no open school with coordinates here, and no existing network"),
}


def infeasible_said(error: Exception) -> Said:
    """What a run that cannot place its schools says, worded for each reader: why, from the engine's
    code and figures; or, for a reason without a known code, the engine's English as the detail."""
    reason = REASONS.get(getattr(error, "code", ""))
    if reason is None:
        return Said(
            gettext_noop("These schools cannot be placed with these settings. Technical detail: %(detail)s"),
            detail=str(error),
        )
    return Said(
        gettext_noop("These schools cannot be placed with these settings: %(reason)s."),
        reason=Said(reason, **getattr(error, "params", {})),
    )
