"""Value for money of a programme and of each of its networks: cost per school, per teacher-hour, and per
unit of gain on each outcome measure with its interval (engine/value.py), or why it cannot be given.

The cost of a unit of gain is the cost per school divided by the effect (the average change per school),
so a programme and its networks of different sizes are compared on the same footing. Only the same
measure compares: a point of attainment and a point of absence are different things.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kindred.engine.value import GIVEN, INCLUDES_ZERO, NO_COST, TOO_FEW, WORSE, CostPerGain, cost_per_gain
from kindred.impact.costs import CostSummary, ProgrammeCosts, programme_costs
from kindred.impact.models import NetworkEffect, Programme, ProgrammeEffect, StoredEffect
from kindred.networks.models import Network
from kindred.schools.models import MeasureDefinition


@dataclass(frozen=True)
class ValueRow:
    """One unit (the programme or one of its networks) on one measure."""

    name: str
    level: str  # "programme" or "network"
    cost: CostSummary
    effect: StoredEffect | None
    per_gain: CostPerGain

    @property
    def given(self) -> bool:
        return self.per_gain.outcome == GIVEN

    @property
    def reason(self) -> str:
        """Why there is no cost per unit of gain, in plain words ("" when there is one)."""
        return {
            GIVEN: "",
            INCLUDES_ZERO: _(
                "Cannot be given: the effect's interval includes zero, so the gain may be nothing."
            ),
            WORSE: _("None: these schools did worse than similar schools."),
            TOO_FEW: _("Too few schools to tell"),
            NO_COST: _("No cost recorded"),
        }[self.per_gain.outcome]

    @property
    def doubtful(self) -> bool:
        """The years before joining already differed: the effect, and anything divided by it, is not to be trusted."""
        return self.effect is not None and self.effect.pre_trend_failed


@dataclass(frozen=True)
class MeasureValue:
    measure: MeasureDefinition
    rows: list[ValueRow]


def _row(
    name: str, level: str, cost: CostSummary, effect: StoredEffect | None, measure: MeasureDefinition
) -> ValueRow:
    per_school = float(cost.per_school) if cost.per_school is not None else 0.0
    per_gain = cost_per_gain(
        per_school,
        None if effect is None else effect.effect,
        None if effect is None else effect.lower,
        None if effect is None else effect.upper,
        higher_is_better=measure.higher_is_better is not False,
    )
    return ValueRow(name, level, cost, effect, per_gain)


def value_for_money(
    *, programme: Programme, networks: Sequence[Network], costs: ProgrammeCosts
) -> list[MeasureValue]:
    """Per outcome measure with a stored effect: the programme's row, then each network's (by name)."""
    own = {
        e.measure_id: e for e in ProgrammeEffect.objects.filter(programme=programme).select_related("measure")
    }
    theirs: dict[tuple[int, int], NetworkEffect] = {
        (e.network_id, e.measure_id): e for e in NetworkEffect.objects.filter(network__in=networks)
    }
    found = []
    for measure_id, effect in sorted(own.items(), key=lambda item: item[1].measure.name):
        measure = effect.measure
        rows = [_row(programme.name, "programme", costs.programme, effect, measure)]
        rows += [
            _row(n.name, "network", costs.networks[n.pk], theirs.get((n.pk, measure_id)), measure)
            for n in networks
        ]
        found.append(MeasureValue(measure, rows))
    return found


@dataclass(frozen=True)
class ProgrammeValue:
    """A programme's row on each measure, for comparing programmes."""

    programme: Programme
    cost: CostSummary
    rows: dict[str, ValueRow]  # by measure code


def programmes_compared(
    *, programmes: Sequence[Programme]
) -> tuple[list[MeasureDefinition], list[ProgrammeValue]]:
    """Each programme's cost and value for money on every measure any of them has an effect on."""
    measures: dict[int, MeasureDefinition] = {}
    found = []
    for programme in programmes:
        costs = programme_costs(programme=programme)
        rows = {}
        for effect in ProgrammeEffect.objects.filter(programme=programme).select_related("measure"):
            measures[effect.measure_id] = effect.measure
            rows[effect.measure.code] = _row(
                programme.name, "programme", costs.programme, effect, effect.measure
            )
        found.append(ProgrammeValue(programme, costs.programme, rows))
    return sorted(measures.values(), key=lambda m: m.name), found
