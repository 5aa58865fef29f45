"""The hall's clock: every time a customer sees or takes home is Asia/Shanghai.

China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact and needs
no tz database (which also keeps it off the kiosk's start-up path).
"""

from __future__ import annotations

import datetime as dt

HALL_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def hall_now() -> dt.datetime:
    """Now, in hall time."""
    return dt.datetime.now(HALL_TZ)


def to_hall(moment: dt.datetime) -> dt.datetime:
    """An aware instant in hall time; a naive one is taken as hall time already."""
    return moment.astimezone(HALL_TZ) if moment.tzinfo else moment
