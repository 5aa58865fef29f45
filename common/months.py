"""Billing months (``YYYY-MM``) counted from a business date, for everything that must work on
any date: the demo tour, the demo data's story and the tests. Nothing may name a month: a
literal is right on one date and wrong on all the others (issue 10).

The backend keeps its own copy (backend/clock.py): it meets the kiosk only over HTTP.
"""

from __future__ import annotations

import datetime as dt


def month_of(day: dt.date) -> str:
    """``YYYY-MM`` of a date."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(month: str) -> dt.date:
    """First day of a ``YYYY-MM`` month (ValueError when malformed)."""
    year, _, mon = month.partition("-")
    if len(year) != 4 or len(mon) != 2 or not (year.isdigit() and mon.isdigit()):
        raise ValueError(f"not a YYYY-MM month: {month!r}")
    return dt.date(int(year), int(mon), 1)


def shift_month(month: str, delta: int) -> str:
    """The month ``delta`` months after (negative: before) ``month``."""
    start = month_start(month)
    index = start.year * 12 + start.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_back(today: dt.date, count: int) -> str:
    """The month ``count`` months before ``today``'s (1: the last closed month)."""
    return shift_month(month_of(today), -count)


def next_month_start(month: str) -> dt.date:
    """First day of the following month."""
    return month_start(shift_month(month, 1))


def month_end(month: str) -> dt.date:
    """Last day of a month."""
    return next_month_start(month) - dt.timedelta(days=1)


def closed_months(today: dt.date, count: int = 5) -> list[str]:
    """The ``count`` closed billing months before today's, newest first."""
    return [months_back(today, i) for i in range(1, count + 1)]
