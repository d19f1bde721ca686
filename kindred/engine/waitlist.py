"""Places at an event: who gets a place now, who waits, and who is promoted when a place frees.

The rule, first come first served:

1. A registration asks for a number of places: one for a member of staff, the group's size
   for pupils registered by their school.
2. A new registration is confirmed when its places fit in what is left of the capacity *and
   nobody is already waiting*; otherwise it joins the end of the waiting list. (Without the
   second condition a single person could overtake a waiting group of ten.)
3. When places free up (a cancellation, a larger capacity), the waiting list is promoted in
   order for as long as the head of the list fits. A group that does not fit stays at the
   head and those behind it keep waiting: a large group is never overtaken indefinitely.
4. No capacity (None) means unlimited: everything is confirmed and nobody waits.

Pure: the callers hold a lock on the event while they apply the result, so two cancellations
at once each see the other's outcome (see `kindred/events/services.py`).
"""

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Waiting:
    key: int  # the registration's id
    places: int


def fits(*, capacity: int | None, taken: int, places: int, anyone_waiting: bool) -> bool:
    """Whether a new registration of `places` is confirmed now (rule 2)."""
    if places < 1:
        raise ValueError("A registration takes at least one place.")
    if capacity is None:
        return True
    return not anyone_waiting and taken + places <= capacity


def promotions(*, capacity: int | None, taken: int, waiting: Sequence[Waiting]) -> list[int]:
    """The keys of the waiting registrations to confirm now, in order (rule 3)."""
    promoted: list[int] = []
    for entry in waiting:
        if capacity is not None and taken + entry.places > capacity:
            break
        promoted.append(entry.key)
        taken += entry.places
    return promoted
