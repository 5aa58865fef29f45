"""Business time: instants are real (UTC), the business date may be pinned for tests/demos."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Clock:
    """``now()`` is always the real time; ``today()`` is pinned when ``pinned_today`` is set."""

    pinned_today: dt.date | None = None

    def now(self) -> dt.datetime:
        """The current instant, aware, UTC."""
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """The business date in Asia/Shanghai."""
        if self.pinned_today is not None:
            return self.pinned_today
        return self.now().astimezone(SHANGHAI).date()


def month_of(day: dt.date) -> str:
    """``YYYY-MM`` of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(month: str) -> dt.date:
    """First day of a ``YYYY-MM`` month (ValueError when malformed)."""
    year, _, mon = month.partition("-")
    if len(year) != 4 or len(mon) != 2 or not (year.isdigit() and mon.isdigit()):
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    return dt.date(int(year), int(mon), 1)


def month_end(month: str) -> dt.date:
    """Last day of a month."""
    return next_month_start(month) - dt.timedelta(days=1)


def next_month_start(month: str) -> dt.date:
    """First day of the following month."""
    start = month_start(month)
    return dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)


def shift_month(month: str, delta: int) -> str:
    """The month ``delta`` months after (negative: before) ``month``."""
    start = month_start(month)
    index = start.year * 12 + start.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def closed_months(today: dt.date, count: int = 5) -> list[str]:
    """The ``count`` closed billing months before today's, newest first."""
    current = month_of(today)
    return [shift_month(current, -i) for i in range(1, count + 1)]
