"""Value for money: what one unit of improvement cost, with its interval, or the plain reason why not.

The outcome effect (engine/impact.py) is the average change per school of a measure, in the measure's
own units, with a 95% interval (lower, upper). The cost is known (counted, not estimated). So:

1. **Orientation.** A gain is the effect where higher is better, minus the effect where lower is better
   (absence): the gain's interval is (lower, upper) or (−upper, −lower).
2. **Cost per unit of gain** = cost ÷ gain. With the cost per school as the cost, it reads: "each school's
   share of the cost bought one point of improvement for this much".
3. **Its interval.** Division by a positive quantity is monotone, so when the gain's whole interval is
   above zero, cost ÷ gain lies between cost ÷ upper and cost ÷ lower with the same 95% (the cost carries
   no uncertainty of its own).
4. **When it cannot be given.** When the gain's interval includes zero, the gain may be nothing, and cost ÷
   gain is unbounded: no number, no interval, and the reason (`INCLUDES_ZERO`). When the whole interval is
   below zero the schools did worse (`WORSE`): there is no cost of a gain. With no effect estimated
   (`TOO_FEW`, too few schools to tell) or no cost recorded (`NO_COST`), neither.
"""

from dataclasses import dataclass

GIVEN = "given"
INCLUDES_ZERO = "interval-includes-zero"
WORSE = "worse"
TOO_FEW = "too-few-schools"
NO_COST = "no-cost"


@dataclass(frozen=True)
class CostPerGain:
    outcome: str
    value: float | None = None
    lower: float | None = None
    upper: float | None = None


def cost_per_gain(
    cost: float,
    effect: float | None,
    lower: float | None,
    upper: float | None,
    *,
    higher_is_better: bool = True,
) -> CostPerGain:
    """Cost ÷ gain with its 95% interval, or why it cannot be given (module docstring)."""
    if effect is None or lower is None or upper is None:
        return CostPerGain(TOO_FEW)
    if not cost > 0:
        return CostPerGain(NO_COST)
    gain, gain_lower, gain_upper = (effect, lower, upper) if higher_is_better else (-effect, -upper, -lower)
    if gain_lower > 0:
        return CostPerGain(GIVEN, cost / gain, cost / gain_upper, cost / gain_lower)
    if gain_upper < 0:
        return CostPerGain(WORSE)
    return CostPerGain(INCLUDES_ZERO)
