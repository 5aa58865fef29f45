"""The terminal's health report to the backend (once a minute), so hall staff and the IT team
see at a glance which terminal needs someone (``python -m backend terminals``).

Nothing personal: device states, stable problem codes, the number of unresolved journal
entries, whether a customer is at the terminal, the version and the uptime.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

READER_LOST = "reader_lost"
PRINTER_SILENT = "printer_silent"
JOURNAL_UNWRITABLE = "journal_unwritable"  # disk full or failing: transactions are refused
# The banknote acceptor (kiosk/cash/desk.py ``CashDesk.problems``): cash unavailable, QR works.
CASH_STACKER_FULL = "cash_stacker_full"
CASH_STACKER_REMOVED = "cash_stacker_removed"
CASH_JAMMED = "cash_jammed"
CASH_UNCERTAIN = "cash_uncertain"  # lost events: no cash until staff reconcile (清机)
CASH_SILENT = "cash_silent"  # the acceptor does not answer, or its port is gone
CASH_PENDING = "cash_pending"  # a cash order waits for the backend to be completed
CASH_BOX_FULL = "cash_box_full"  # the journal counts the box at capacity: 清机 due
CASH_CLEARANCE = "cash_clearance"  # staff are emptying the box (清机 in progress)


@dataclass(frozen=True)
class StatusReport:
    app_version: str
    reader: str  # ok / fault / absent
    printer: str
    problems: tuple[str, ...]
    journal_unresolved: int
    in_session: bool
    uptime_s: int
    # Restarts by systemd since boot ($NRESTARTS): a watchdog that keeps firing shows here.
    restarts: int = 0
    # The banknote acceptor: ok / fault / absent, and its box's fill by the journal.
    cash: str = "absent"
    cash_box_notes: int | None = None
    cash_box_capacity: int | None = None

    def as_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["problems"] = list(self.problems)
        return body


def _state(configured: bool, problems: Sequence[str]) -> str:
    if not configured:
        return "absent"
    return "fault" if problems else "ok"


def build_report(
    *,
    app_version: str,
    reader_configured: bool,
    reader_ready: bool,
    printer_configured: bool,
    printer_errors: Sequence[str] | None,
    journal_unresolved: int,
    in_session: bool,
    uptime_s: float,
    cash_problems: Sequence[str] = (),
    restarts: int = 0,
    journal_writable: bool = True,
    cash_configured: bool = False,
    cash_box_notes: int | None = None,
    cash_box_capacity: int | None = None,
) -> StatusReport:
    """``printer_errors``: the printer's stable error codes (``PrinterStatus.errors``), or
    ``None`` when it did not answer its status query at all. ``cash_problems``: the cash
    desk's codes (``CASH_*``), empty when there is no acceptor or it is well; with
    ``cash_configured`` the report says ``cash`` ok/fault and carries the box's fill."""
    reader_problems = [READER_LOST] if reader_configured and not reader_ready else []
    printer_problems: list[str] = []
    if printer_configured:
        if printer_errors is None:
            printer_problems = [PRINTER_SILENT]
        else:
            printer_problems = [f"printer_{code}" for code in printer_errors]
    journal_problems = [] if journal_writable else [JOURNAL_UNWRITABLE]
    return StatusReport(
        app_version=app_version,
        reader=_state(reader_configured, reader_problems),
        printer=_state(printer_configured, printer_problems),
        problems=tuple(journal_problems + reader_problems + printer_problems + list(cash_problems)),
        journal_unresolved=journal_unresolved,
        in_session=in_session,
        uptime_s=max(0, int(uptime_s)),
        restarts=max(0, restarts),
        cash=_state(cash_configured, cash_problems),
        cash_box_notes=cash_box_notes if cash_configured else None,
        cash_box_capacity=cash_box_capacity if cash_configured else None,
    )
