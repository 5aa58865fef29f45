"""Itemised records as a table that pages from the backend on demand.

``canFetchMore``/``fetchMore`` drive :class:`kiosk.records.RecordPager`: the view asks for
more when the customer scrolls near the end, one page is fetched on a worker (``ctx.runner``)
and appended. Nothing is loaded ahead: a month of a heavy user (10,000+ records) costs only
the pages actually looked at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from common.masking import mask_other_party
from common.money import format_fen
from kiosk.backend import models as m
from kiosk.records import DetailTab, PageRequest, RecordPager, RecordQuery, Totals, client_fetch
from printer.statement import format_duration, format_volume
from ui.context import AppContext

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex
Cell = Callable[[m.Record, bool], str]


def _time(r: m.Record, _: bool) -> str:
    t = r.started_at
    return f"{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def _other(r: m.Record, mask: bool) -> str:
    other = r.other_party or ""
    return mask_other_party(other) if mask and other else other


def _fee(r: m.Record, _: bool) -> str:
    return format_fen(r.fee_fen)


def _field(name: str) -> Cell:
    def cell(r: m.Record, _: bool) -> str:
        value = getattr(r, name)
        return "" if value is None else str(value)

    return cell


def _duration(r: m.Record, _: bool) -> str:
    return format_duration(r.duration_s or 0)


def _volume(r: m.Record, _: bool) -> str:
    return format_volume(r.volume_kb or 0)


def _service(r: m.Record, _: bool) -> str:
    return r.service_name or r.sub_item


def _fee_type(r: m.Record, _: bool) -> str:
    return r.fee_type or r.access or ""


# Columns holding backend words (places, directions, call types...): shown through term().
TERM_COLUMNS = frozenset(
    {
        "details.col_place",
        "details.col_direction",
        "details.col_type",
        "details.col_msg_type",
        "details.col_service",
        "details.col_provider",
        "details.col_fee_type",
    }
)

# (header key, cell) per tab; the fee is always last and right-aligned.
COLUMNS: dict[DetailTab, tuple[tuple[str, Cell], ...]] = {
    DetailTab.CALLS: (
        ("details.col_time", _time),
        ("details.col_place", _field("place")),
        ("details.col_direction", _field("direction")),
        ("details.col_other", _other),
        ("details.col_duration", _duration),
        ("details.col_type", _field("comm_type")),
        ("details.col_fee", _fee),
    ),
    DetailTab.MESSAGES: (
        ("details.col_time", _time),
        ("details.col_place", _field("place")),
        ("details.col_other", _other),
        ("details.col_direction", _field("direction")),
        ("details.col_msg_type", _field("msg_type")),
        ("details.col_fee", _fee),
    ),
    DetailTab.DATA: (
        ("details.col_time", _time),
        ("details.col_place", _field("place")),
        ("details.col_access", _field("access")),
        ("details.col_duration", _duration),
        ("details.col_volume", _volume),
        ("details.col_fee", _fee),
    ),
    DetailTab.SERVICES: (
        ("details.col_time", _time),
        ("details.col_service", _service),
        ("details.col_number", _field("service_number")),
        ("details.col_provider", _field("sp_name")),
        ("details.col_fee_type", _fee_type),
        ("details.col_fee", _fee),
    ),
}


class RecordsModel(QAbstractTableModel):
    """Rows of one :class:`RecordQuery`, fetched page by page."""

    loading_changed = Signal(bool)
    page_loaded = Signal(int)  # rows added
    failed = Signal(object)  # the exception of a failed page

    def __init__(self, ctx: AppContext, page_size: int = 100) -> None:
        super().__init__()
        self.ctx = ctx
        self.page_size = page_size
        self.pager: RecordPager | None = None
        self.rows: list[m.Record] = []
        self.mask = True
        self._columns = COLUMNS[DetailTab.CALLS]
        self._headers: list[str] = []
        self.retranslate()

    # Control ------------------------------------------------------------------------------
    def start(self, query: RecordQuery) -> None:
        """Show ``query`` from its first page (the old pages are dropped)."""
        self.beginResetModel()
        self.rows = []
        self.pager = RecordPager(query, self.page_size)
        self._columns = COLUMNS[query.tab]
        self.endResetModel()
        self.retranslate()
        self.fetchMore(QModelIndex())

    def clear(self) -> None:
        """Forget every row (session end)."""
        self.beginResetModel()
        self.rows = []
        self.pager = None
        self.endResetModel()

    def set_mask(self, mask: bool) -> None:
        if mask != self.mask:
            self.mask = mask
            if self.rows:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self.rows) - 1, len(self._columns) - 1)
                )

    def retranslate(self) -> None:
        self._headers = [self.ctx.tr(key) for key, _ in self._columns]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)

    def totals(self) -> Totals | None:
        return self.pager.totals() if self.pager is not None else None

    @property
    def busy(self) -> bool:
        return self.pager is not None and self.pager.busy

    def record(self, row: int) -> m.Record:
        return self.rows[row]

    # Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            key, cell = self._columns[index.column()]
            record = self.rows[index.row()]
            if key == "details.col_duration":
                return self.ctx.translator.duration(record.duration_s or 0)
            text = cell(record, self.mask)
            return self.ctx.translator.term(text) if key in TERM_COLUMNS else text
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == len(self._columns) - 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if section < len(self._headers) else None
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self.pager is not None and self.pager.can_fetch_more()

    def fetchMore(self, parent: Index) -> None:
        pager = self.pager
        if parent.isValid() or pager is None:
            return
        request = pager.next_request()
        if request is None:
            return
        ctx = self.ctx
        self.loading_changed.emit(True)
        ctx.runner.run(
            lambda: request.run(client_fetch(ctx.backend.records)),
            lambda page: self._arrived(pager, request, page),
            lambda exc: self._failed(pager, request, exc),
            ctx.sessions.guard(),
        )

    # Results ------------------------------------------------------------------------------
    def _arrived(self, pager: RecordPager, request: PageRequest, page: m.RecordPage) -> None:
        if pager is not self.pager:
            return  # the customer changed month, tab or filter meanwhile
        rows = pager.accept(request, page)
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self.loading_changed.emit(False)
        self.page_loaded.emit(len(rows))

    def _failed(self, pager: RecordPager, request: PageRequest, exc: Exception) -> None:
        if pager is not self.pager:
            return
        pager.failed(request)
        self.loading_changed.emit(False)
        log.info("records page failed: %s", type(exc).__name__)
        self.failed.emit(exc)
