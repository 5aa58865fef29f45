"""What the bill screens are opened with (each screen's frozen ``Params``)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.records import DetailTab


@dataclass(frozen=True)
class MonthParams:
    """One closed month's bill."""

    month: str


@dataclass(frozen=True)
class DetailsParams:
    """Itemised records of a month (None: the newest), on a tab."""

    month: str | None = None
    tab: DetailTab | None = None
