"""Itemised records (详单) paged from the backend on demand, without Qt.

A :class:`RecordPager` holds the cursor state of one query (month, tab, filters). The GUI
thread asks it for the next :class:`PageRequest`, a worker runs the blocking fetch, and the
GUI thread hands the page back to :meth:`RecordPager.accept`. Tabs that span two record kinds
(value-added + third-party) walk the kinds one after the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from kiosk.backend import models as m
from kiosk.backend.factors import Factor

log = logging.getLogger(__name__)

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500  # the backend's limit

# A blocking fetch of one page:
# (month, kind, cursor, limit, with_fee_only, roaming_only) -> RecordPage.
Fetch = Callable[[str, m.RecordKind, str | None, int, bool, bool], m.RecordPage]


class DetailTab(Enum):
    """The tabs of the details screen and the record kinds each shows."""

    CALLS = "calls"
    MESSAGES = "messages"
    DATA = "data"
    SERVICES = "services"  # value-added and third-party (代收费)

    @property
    def kinds(self) -> tuple[m.RecordKind, ...]:
        return _TAB_KINDS[self]


_TAB_KINDS: dict[DetailTab, tuple[m.RecordKind, ...]] = {
    DetailTab.CALLS: (m.RecordKind.CALL,),
    DetailTab.MESSAGES: (m.RecordKind.SMS,),
    DetailTab.DATA: (m.RecordKind.DATA,),
    DetailTab.SERVICES: (m.RecordKind.VAS, m.RecordKind.SP),
}


def is_roaming(record: m.Record) -> bool:
    """Roaming calls, messages and sessions (通信类型 or sub-item says 漫游)."""
    return "漫游" in (record.comm_type or "") or "漫游" in record.sub_item


def may_show_full_numbers(factors: Iterable[Factor]) -> bool:
    """Full other-party numbers only for the strongest identification (ID card + SMS)."""
    held = set(factors)
    return Factor.ID_CARD in held and Factor.SMS in held


@dataclass(frozen=True)
class RecordQuery:
    """What the customer asked to see."""

    month: str
    tab: DetailTab
    with_fee_only: bool = False
    only_roaming: bool = False


@dataclass(frozen=True)
class PageRequest:
    """One page to fetch; ``step`` orders requests so a stale answer is recognised."""

    month: str
    kind: m.RecordKind
    cursor: str | None
    limit: int
    with_fee_only: bool
    step: int
    roaming_only: bool = False

    def run(self, fetch: Fetch) -> m.RecordPage:
        """The blocking fetch (call it on a worker thread)."""
        return fetch(
            self.month, self.kind, self.cursor, self.limit, self.with_fee_only, self.roaming_only
        )


@dataclass(frozen=True)
class Totals:
    """Totals of the query; ``complete`` is False while they cover only what is known so far."""

    count: int
    fee_fen: int
    duration_s: int
    volume_kb: int
    complete: bool


class RecordPager:
    """Cursor state of one query. Not thread-safe: call it on one thread (the GUI's)."""

    def __init__(self, query: RecordQuery, page_size: int = PAGE_SIZE) -> None:
        self.query = query
        self.page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        self._kinds = query.tab.kinds
        self._kind_index = 0
        self._cursor: str | None = None
        self._step = 0
        self._in_flight = False
        self._server_totals: dict[m.RecordKind, m.RecordTotals] = {}
        self.loaded = 0

    @property
    def exhausted(self) -> bool:
        return self._kind_index >= len(self._kinds)

    @property
    def busy(self) -> bool:
        return self._in_flight

    def can_fetch_more(self) -> bool:
        return not self.exhausted and not self._in_flight

    def next_request(self) -> PageRequest | None:
        """The next page to fetch, or None when done or a page is already on its way."""
        if not self.can_fetch_more():
            return None
        self._in_flight = True
        return PageRequest(
            self.query.month,
            self._kinds[self._kind_index],
            self._cursor,
            self.page_size,
            self.query.with_fee_only,
            self._step,
            self.query.only_roaming,
        )

    def failed(self, request: PageRequest) -> None:
        """The fetch failed: the same page may be asked for again."""
        if request.step == self._step:
            self._in_flight = False

    def accept(self, request: PageRequest, page: m.RecordPage) -> list[m.Record]:
        """Advance the cursor past ``page``; returns its rows after the client-side filters."""
        if request.step != self._step:
            log.debug("dropped a stale records page")
            return []
        self._in_flight = False
        self._step += 1
        if page.totals is not None:
            self._server_totals[request.kind] = page.totals
        if page.next_cursor is None:
            self._kind_index += 1
            self._cursor = None
        else:
            self._cursor = page.next_cursor
        rows = list(page.items)
        if self.query.only_roaming:  # the server filters; this keeps the rule in one place
            rows = [r for r in rows if is_roaming(r)]
        self.loaded += len(rows)
        return rows

    def totals(self) -> Totals:
        """Totals per filter, as the server counted them over the whole query."""
        known = list(self._server_totals.values())
        return Totals(
            sum(t.count for t in known),
            sum(t.fee_fen for t in known),
            sum(t.duration_s for t in known),
            sum(t.volume_kb for t in known),
            len(self._server_totals) == len(self._kinds) or self.exhausted,
        )


def fetch_all(query: RecordQuery, fetch: Fetch, page_size: int = MAX_PAGE_SIZE) -> list[m.Record]:
    """Every record of the query, page by page (blocking: slips and PDFs, on a worker)."""
    pager = RecordPager(query, page_size)
    rows: list[m.Record] = []
    while (request := pager.next_request()) is not None:
        rows += pager.accept(request, request.run(fetch))
    return rows


def fetch_kind(
    month: str,
    kind: m.RecordKind,
    fetch: Fetch,
    *,
    with_fee_only: bool = False,
    page_size: int = MAX_PAGE_SIZE,
) -> list[m.Record]:
    """Every record of one kind in a month, oldest first (blocking)."""
    rows: list[m.Record] = []
    cursor: str | None = None
    while True:
        page = fetch(month, kind, cursor, page_size, with_fee_only, False)
        rows += page.items
        cursor = page.next_cursor
        if cursor is None:
            return rows


def fetch_month(
    month: str, fetch: Fetch, *, with_fee_only: bool = False, page_size: int = MAX_PAGE_SIZE
) -> list[m.Record]:
    """Every record of a month, all kinds, oldest first within each kind (for the PDF)."""
    rows: list[m.Record] = []
    for kind in m.RecordKind:
        rows += fetch_kind(month, kind, fetch, with_fee_only=with_fee_only, page_size=page_size)
    return rows


def client_fetch(records: Callable[..., m.RecordPage]) -> Fetch:
    """Adapt ``BackendClient.records`` to :data:`Fetch`."""

    def fetch(
        month: str,
        kind: m.RecordKind,
        cursor: str | None,
        limit: int,
        with_fee_only: bool,
        roaming_only: bool,
    ) -> m.RecordPage:
        return records(
            month, kind, cursor, limit, with_fee_only=with_fee_only, roaming_only=roaming_only
        )

    return fetch
