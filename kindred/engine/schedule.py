"""When a scheduled job runs next: the schedule language of the SCHEDULE_* settings (pure; no Django).

"HH:MM"   every day at that time (in the site's time zone)
":MM"     every hour at that minute
"off"     never
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

_DAILY = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_HOURLY = re.compile(r"^:([0-5]\d)$")


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    """`hour` None: hourly at `minute`; `minute` None: off."""

    hour: int | None
    minute: int | None

    @property
    def off(self) -> bool:
        return self.minute is None

    @property
    def hourly(self) -> bool:
        return self.minute is not None and self.hour is None

    def __str__(self) -> str:
        if self.off:
            return "off"
        return f":{self.minute:02d}" if self.hour is None else f"{self.hour:02d}:{self.minute:02d}"

    def next_after(self, now: datetime) -> datetime | None:
        """The first run strictly after `now`, in `now`'s time zone (aware or naive alike)."""
        if self.minute is None:
            return None
        if self.hour is None:
            at = now.replace(minute=self.minute, second=0, microsecond=0)
            return at if at > now else at + timedelta(hours=1)
        day = now.date()
        at = datetime.combine(day, time(self.hour, self.minute), now.tzinfo)
        return (
            at
            if at > now
            else datetime.combine(day + timedelta(days=1), time(self.hour, self.minute), now.tzinfo)
        )


def schedule_parse(text: str) -> Schedule:
    """A schedule from its text; ScheduleError saying what is allowed otherwise."""
    value = text.strip().lower()
    if value in {"off", "never", ""}:
        return Schedule(hour=None, minute=None)
    if match := _DAILY.match(value):
        return Schedule(hour=int(match[1]), minute=int(match[2]))
    if match := _HOURLY.match(value):
        return Schedule(hour=None, minute=int(match[1]))
    raise ScheduleError(
        f"{text!r} is not a schedule: write HH:MM (every day at that time, 00:00 to 23:59), "
        ":MM (every hour at that minute) or off."
    )
