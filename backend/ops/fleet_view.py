"""What the staff fleet page shows: one row per terminal, worst first, with its problem history.

The columns are data (:data:`COLUMNS`), each naming the status fields it reads; a column whose
fields the ``terminal_status`` table does not have is left out. A new field in the health
report (the cash box, say) becomes a column by adding a column to the table and one entry here.
Every cell is (Chinese, English, level), rendered by backend/web/page.py; nothing here knows HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Engine, func, select

from backend.db import tables as t
from backend.ops.terminals import verdict_of

HISTORY_PER_TERMINAL = 8
HISTORY_DAYS = 7


class Level(Enum):
    """How a cell is coloured: staff scan for red."""

    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    NONE = "none"


class Verdict(Enum):
    """A terminal's overall state, in the order staff should walk to them."""

    OFFLINE = "offline"
    ATTENTION = "attention"
    NEVER = "never"
    OK = "ok"


VERDICT_TEXT: dict[Verdict, tuple[str, str, Level]] = {
    Verdict.OFFLINE: ("离线", "Offline", Level.BAD),
    Verdict.ATTENTION: ("需处理", "Needs attention", Level.WARN),
    Verdict.NEVER: ("未上报", "Never reported", Level.NONE),
    Verdict.OK: ("正常", "OK", Level.OK),
}
_RANK = {v: i for i, v in enumerate(Verdict)}

# Stable problem codes (kiosk/status.py, printer/escpos/status.py) in words; unknown codes
# are shown as they are.
PROBLEM_TEXT: dict[str, tuple[str, str]] = {
    "reader_lost": ("读卡器未连接", "ID reader lost"),
    "printer_silent": ("打印机无响应", "Printer not answering"),
    "printer_offline": ("打印机离线", "Printer offline"),
    "printer_cover_open": ("打印机盖打开", "Printer cover open"),
    "printer_paper_out": ("缺纸", "Out of paper"),
    "printer_paper_near_end": ("纸将用尽", "Paper low"),
    "printer_cutter_error": ("切纸刀故障", "Cutter error"),
    "printer_unrecoverable_error": ("打印机故障", "Printer failure"),
    "printer_auto_recoverable_error": ("打印机过热等", "Printer recovering"),
    "cash_stacker_full": ("钱箱已满", "Cash box full"),
    "cash_stacker_removed": ("钱箱未装好", "Cash box out"),
    "cash_jammed": ("卡币", "Note jammed"),
    "cash_uncertain": ("纸币计数待核对", "Cash count uncertain"),
    "cash_silent": ("纸币识别器无响应", "Note reader not answering"),
    "cash_pending": ("现金缴费待确认", "Cash payment pending"),
    "cash_box_full": ("钱箱待清机", "Cash box due for clearance"),
    "cash_clearance": ("清机中", "Clearance in progress"),
}
# Problems that stop a whole function (not only slow it down): sorted first within a verdict.
SEVERE = frozenset({"printer_paper_out", "printer_silent", "reader_lost", "printer_offline"})


def problem_text(code: str) -> tuple[str, str]:
    """(Chinese, English) for a problem code."""
    return PROBLEM_TEXT.get(code, (code, code))


@dataclass(frozen=True)
class ProblemEvent:
    """A problem that started (raised) or ended (cleared) at ``at``."""

    at: dt.datetime
    code: str
    change: str


@dataclass(frozen=True)
class FleetRow:
    """One terminal: identity, verdict, its newest report (every column of it) and history."""

    terminal_id: str
    name: str
    hall: str
    verdict: Verdict
    problems: tuple[str, ...]
    status: Mapping[str, Any] | None  # None: never reported
    history: tuple[ProblemEvent, ...]

    def field(self, name: str) -> Any:
        """A field of the newest report, or None."""
        return None if self.status is None else self.status.get(name)


@dataclass(frozen=True)
class Cell:
    """One cell: Chinese first, then English, and how alarming it is."""

    zh: str
    en: str = ""
    level: Level = Level.NONE


@dataclass(frozen=True)
class FleetColumn:
    """A column of the page; ``needs``: status fields that must exist for it to be shown."""

    key: str
    zh: str
    en: str
    cell: Callable[[FleetRow, dt.datetime], Cell]
    needs: tuple[str, ...] = ()
    needs_prefix: str = ""


def _devices(row: FleetRow, _now: dt.datetime) -> Cell:
    if row.status is None:
        return Cell("—")
    names = {"reader": ("读卡器", "reader"), "printer": ("打印机", "printer")}
    if row.field("cash") not in (None, "absent"):  # a terminal with a banknote acceptor
        names["cash"] = ("纸币识别器", "note reader")
    words = {"ok": ("正常", "ok"), "fault": ("故障", "fault"), "absent": ("未配置", "none")}
    zh, en, level = [], [], Level.OK
    for field, (name_zh, name_en) in names.items():
        state = str(row.field(field))
        state_zh, state_en = words.get(state, (state, state))
        zh.append(f"{name_zh}{state_zh}")
        en.append(f"{name_en} {state_en}")
        if state == "fault":
            level = Level.BAD
    return Cell(" ".join(zh), ", ".join(en), level)


def _paper(row: FleetRow, _now: dt.datetime) -> Cell:
    if row.status is None:
        return Cell("—")
    if row.field("printer") == "absent":
        return Cell("无打印机", "no printer")
    if "printer_paper_out" in row.problems:
        return Cell("缺纸", "out", Level.BAD)
    if "printer_silent" in row.problems or "printer_offline" in row.problems:
        return Cell("未知", "unknown", Level.WARN)
    if "printer_paper_near_end" in row.problems:
        return Cell("将尽", "low", Level.WARN)
    return Cell("充足", "ok", Level.OK)


def _yuan(fen: int) -> str:
    return f"¥{fen // 100}.{fen % 100:02d}"


def _cash(row: FleetRow, _now: dt.datetime) -> Cell:
    """What is in the cash box since its last clearance (清机): notes and their sum.

    From ``cash_notes`` (notes with no clearance yet), or from ``cash_box_*`` fields of the
    report when a terminal reports a fill level with a capacity.
    """
    if row.status is None:
        return Cell("—")
    pct = row.field("cash_box_fill_pct")
    notes, capacity = row.field("cash_box_notes"), row.field("cash_box_capacity")
    if pct is None and isinstance(notes, int) and isinstance(capacity, int) and capacity > 0:
        pct = round(100 * notes / capacity)
    if isinstance(pct, int):
        level = Level.BAD if pct >= 95 else Level.WARN if pct >= 80 else Level.OK
        detail = f"{notes}/{capacity}" if isinstance(notes, int) else ""
        return Cell(f"{pct}%", detail, level)
    if isinstance(notes, int):
        fen = row.field("cash_box_fen")
        money = f" {_yuan(fen)}" if isinstance(fen, int) else ""
        return Cell(f"{notes}张{money}", f"{notes} notes", Level.NONE)
    return Cell("—")


def _journal(row: FleetRow, _now: dt.datetime) -> Cell:
    if row.status is None:
        return Cell("—")
    count = int(row.field("journal_unresolved") or 0)
    return Cell(str(count), "pending" if count else "", Level.WARN if count else Level.OK)


def _restarts(row: FleetRow, _now: dt.datetime) -> Cell:
    if row.status is None:
        return Cell("—")
    count = int(row.field("restarts") or 0)
    return Cell(str(count), "since boot" if count else "", Level.WARN if count else Level.OK)


def _version(row: FleetRow, _now: dt.datetime) -> Cell:
    return Cell(str(row.field("app_version") or "—"))


def ago(seconds: float) -> tuple[str, str]:
    """("3分钟前", "3 min ago")."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}秒前", f"{s} s ago"
    if s < 3600:
        return f"{s // 60}分钟前", f"{s // 60} min ago"
    if s < 86400:
        return f"{s // 3600}小时前", f"{s // 3600} h ago"
    return f"{s // 86400}天前", f"{s // 86400} d ago"


def _last_seen(row: FleetRow, now: dt.datetime) -> Cell:
    seen = row.field("received_at")
    if not isinstance(seen, dt.datetime):
        return Cell("从未", "never", Level.NONE)
    zh, en = ago((now - seen).total_seconds())
    return Cell(zh, en, Level.BAD if row.verdict is Verdict.OFFLINE else Level.NONE)


def _session(row: FleetRow, _now: dt.datetime) -> Cell:
    if row.field("in_session"):
        return Cell("使用中", "in use", Level.NONE)
    return Cell("空闲", "idle") if row.status is not None else Cell("—")


COLUMNS: tuple[FleetColumn, ...] = (
    FleetColumn("devices", "设备", "Devices", _devices, needs=("reader", "printer")),
    FleetColumn("paper", "纸张", "Paper", _paper, needs=("printer", "problems")),
    FleetColumn("cash", "钱箱", "Cash box", _cash, needs_prefix="cash_box"),
    FleetColumn("journal", "待对账", "Journal backlog", _journal, needs=("journal_unresolved",)),
    FleetColumn("session", "顾客", "Customer", _session, needs=("in_session",)),
    FleetColumn("restarts", "重启", "Restarts", _restarts, needs=("restarts",)),
    FleetColumn("version", "版本", "Version", _version, needs=("app_version",)),
    FleetColumn("last_seen", "最后上报", "Last seen", _last_seen, needs=("received_at",)),
)


# Filled from the cash acceptor's ledger (cash_notes) when the backend has one.
CASH_FIELDS = ("cash_box_notes", "cash_box_fen")


def _has_cash_ledger() -> bool:
    return "cash_notes" in t.metadata.tables


def columns(status_fields: set[str] | None = None) -> list[FleetColumn]:
    """The columns whose fields the status table has (by default: the table as declared)."""
    if status_fields is None:
        status_fields = set(t.terminal_status.c.keys())
        if _has_cash_ledger():
            status_fields |= set(CASH_FIELDS)
    fields = status_fields
    return [
        c
        for c in COLUMNS
        if all(n in fields for n in c.needs)
        and (not c.needs_prefix or any(f.startswith(c.needs_prefix) for f in fields))
    ]


def _severity(row: FleetRow) -> tuple[int, int, int, str]:
    severe = sum(code in SEVERE for code in row.problems)
    return (_RANK[row.verdict], -severe, -len(row.problems), row.terminal_id)


def fleet_rows(engine: Engine, now: dt.datetime, hall: str | None) -> list[FleetRow]:
    """Every active terminal of ``hall`` (None: every hall), worst first."""
    ts, tm, ev = t.terminal_status, t.terminals, t.terminal_problem_events
    query = (
        select(tm.c.terminal_id.label("tid"), tm.c.name, tm.c.hall, ts)
        .select_from(tm.outerjoin(ts, ts.c.terminal_id == tm.c.terminal_id))
        .where(tm.c.active.is_(True))
    )
    history = (
        select(ev.c.terminal_id, ev.c.at, ev.c.code, ev.c.change)
        .join(tm, tm.c.terminal_id == ev.c.terminal_id)
        .where(ev.c.at > now - dt.timedelta(days=HISTORY_DAYS), tm.c.active.is_(True))
        .order_by(ev.c.terminal_id, ev.c.at.desc(), ev.c.id.desc())
    )
    if hall is not None:
        query = query.where(tm.c.hall == hall)
        history = history.where(tm.c.hall == hall)
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
        events: dict[str, list[ProblemEvent]] = {}
        for e in conn.execute(history):
            mine = events.setdefault(e.terminal_id, [])
            if len(mine) < HISTORY_PER_TERMINAL:
                mine.append(ProblemEvent(e.at, e.code, e.change))
        cash: dict[str, tuple[int, int]] = {}
        if _has_cash_ledger():
            notes = t.metadata.tables["cash_notes"]
            box = (
                select(notes.c.terminal_id, func.count(), func.sum(notes.c.value_fen))
                .where(notes.c.clearance_id.is_(None))
                .group_by(notes.c.terminal_id)
            )
            cash = {r[0]: (int(r[1]), int(r[2] or 0)) for r in conn.execute(box)}
    status_keys = [c.key for c in ts.c if c.key != "terminal_id"]
    out: list[FleetRow] = []
    for row in rows:
        seen = row["received_at"]
        status = None if seen is None else {k: row[k] for k in status_keys}
        if status is not None and _has_cash_ledger():
            count, fen = cash.get(row["tid"], (0, 0))
            status = {**status, "cash_box_notes": count, "cash_box_fen": fen}
        problems = tuple(str(row["problems"] or "").split())
        devices = (str(row["reader"]), str(row["printer"]), str(row["cash"] or "absent"))
        unresolved = int(row["journal_unresolved"] or 0)
        verdict = Verdict(verdict_of(seen, problems, unresolved, devices, now))
        out.append(
            FleetRow(
                terminal_id=row["tid"],
                name=row["name"],
                hall=row["hall"],
                verdict=verdict,
                problems=problems,
                status=status,
                history=tuple(events.get(row["tid"], ())),
            )
        )
    return sorted(out, key=_severity)
