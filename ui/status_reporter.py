"""Sends the terminal's health report to the backend once a minute (kiosk/status.py).

The printer is asked for its status on its own worker thread, the journal is counted and the
report sent on a background thread; nothing here runs on the GUI thread but the timer. A
missed report is not an error the customer sees: the fleet view marks a terminal offline when
reports stop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer

from kiosk.sdnotify import restart_count
from kiosk.status import StatusReport, build_report
from kiosk.version import app_version
from ui.context import AppContext

log = logging.getLogger(__name__)

INTERVAL_MS = 60_000
FIRST_AFTER_MS = 5_000


class StatusReporter(QObject):
    """Reports now and then every ``interval_ms``; ``sent`` holds the last report that arrived."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        interval_ms: int = INTERVAL_MS,
        first_after_ms: int = FIRST_AFTER_MS,
        monotonic: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._monotonic = monotonic
        self._started = monotonic()
        self._interval_ms = interval_ms
        self._reachable = True
        self.sent: StatusReport | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.report_now)
        self._timer.start(first_after_ms)

    def stop(self) -> None:
        self._timer.stop()

    def report_now(self) -> None:
        self._timer.start(self._interval_ms)
        printer = self._ctx.services.printer
        if printer is None:
            self._send(None)
        else:
            printer.check_status(lambda s: self._send(s.errors), lambda _exc: self._send(None))

    def _send(self, printer_errors: Sequence[str] | None) -> None:
        ctx = self._ctx
        services = ctx.services
        reader = services.card_reader
        reader_ready = reader is not None and reader.ready
        in_session = ctx.sessions.current.identified
        uptime_s = self._monotonic() - self._started

        def job() -> StatusReport:
            journal = ctx.journal if services.journal is not None else None
            unresolved = len(journal.unresolved()) if journal is not None else 0
            desk = services.cash.get() if services.cash is not None else None
            cash = desk.problems() if desk is not None else ()
            report = build_report(
                app_version=app_version(),
                reader_configured=reader is not None,
                reader_ready=reader_ready,
                printer_configured=services.printer is not None,
                printer_errors=printer_errors,
                journal_unresolved=unresolved,
                in_session=in_session,
                uptime_s=uptime_s,
                cash_problems=cash,
                cash_configured=desk is not None,
                cash_box_notes=desk.box_notes() if desk is not None else None,
                cash_box_capacity=desk.box_capacity if desk is not None else None,
                restarts=restart_count(),
                journal_writable=journal.writable if journal is not None else True,
            )
            ctx.backend.report_status(report)
            return report

        # No session guard: housekeeping, not the customer's doing (never counts as activity).
        ctx.runner.run(job, self._on_sent, self._on_failed)

    def _on_sent(self, report: StatusReport) -> None:
        if not self._reachable:
            log.info("health reports reach the backend again")
        self._reachable = True
        self.sent = report

    def _on_failed(self, exc: Exception) -> None:
        if self._reachable:  # once per outage, not once a minute
            log.info("health report not delivered: %s", getattr(exc, "code", type(exc).__name__))
        self._reachable = False
