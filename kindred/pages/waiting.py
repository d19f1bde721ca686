"""What waits for a person, for the home page: each app's own selector, a few items of each.

- invitations into networks for the schools they lead or administer (`networks.selectors.invitations_waiting`)
  and into networks and partnerships a published brokering or formation run proposed
  (`brokering.selectors.invitations_waiting`);
- asks to join the networks they coordinate (`networks.selectors.asks_waiting`) and requests to
  join the staff of the schools they administer (`accounts.selectors.join_requests_waiting`);
- unread posts in their networks' messageboards, per network (`board.selectors.unread_by_network`,
  the board's own read marks);
- the events on their calendar in the next seven days (`events.selectors.week_ahead`);
- peer reviews asked of the schools they lead, not rated yet (`frameworks.selectors.peer_reviews_waiting`);
- invitations to sit on an advisory council, and its open consultations they have not answered
  (`voice.selectors.council_invitations_waiting`, `council_asks_waiting`).

One query per kind (two for the week's events when one repeats), whatever the numbers: each list is
cut at SHOWN items, with `more` saying that the page behind the link holds others.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from kindred.accounts.selectors import join_requests_waiting
from kindred.board.selectors import unread_by_network
from kindred.brokering import selectors as brokering_selectors
from kindred.events.selectors import CalendarEntry, occurrence_url, week_ahead
from kindred.frameworks.selectors import peer_reviews_waiting
from kindred.networks import selectors as network_selectors
from kindred.voice.selectors import council_asks_waiting, council_invitations_waiting

SHOWN = 5


@dataclass
class Items:
    """A few of one kind of waiting item, and whether there are more than those."""

    shown: list[Any] = field(default_factory=list)
    more: bool = False

    @classmethod
    def of(cls, rows) -> "Items":
        rows = list(rows[: SHOWN + 1])
        return cls(shown=rows[:SHOWN], more=len(rows) > SHOWN)

    def __bool__(self) -> bool:
        return bool(self.shown)


@dataclass
class Waiting:
    network_invitations: Items
    run_invitations: Items
    asks: Items
    staff_requests: Items
    unread: list[tuple[int, str, int]]  # (network id, name, unread posts)
    unread_total: int
    events: list[dict]
    events_more: bool
    peer_reviews: Items
    council_invitations: Items
    council_asks: Items

    @property
    def anything(self) -> bool:
        return bool(
            self.network_invitations
            or self.run_invitations
            or self.asks
            or self.staff_requests
            or self.unread
            or self.events
            or self.peer_reviews
            or self.council_invitations
            or self.council_asks
        )


def _event_lines(entries: list[CalendarEntry]) -> list[dict]:
    return [
        {"title": e.event.title, "start": e.occurrence.start, "url": occurrence_url(e.event.pk, e.occurrence)}
        for e in entries[:SHOWN]
    ]


def waiting_for(user, *, now: datetime) -> Waiting:
    unread = unread_by_network(user=user)
    entries = week_ahead(user, now=now)
    return Waiting(
        network_invitations=Items.of(network_selectors.invitations_waiting(user)),
        run_invitations=Items.of(brokering_selectors.invitations_waiting(user)),
        asks=Items.of(network_selectors.asks_waiting(user)),
        staff_requests=Items.of(join_requests_waiting(user=user)),
        unread=unread[:SHOWN],
        unread_total=sum(n for _id, _name, n in unread),
        events=_event_lines(entries),
        events_more=len(entries) > SHOWN,
        peer_reviews=Items.of(peer_reviews_waiting(user=user)),
        council_invitations=Items.of(council_invitations_waiting(user)),
        council_asks=Items.of(council_asks_waiting(user, today=timezone.localdate(now))),
    )
