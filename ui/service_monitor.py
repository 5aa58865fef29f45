"""Keeps the terminal honest about what it can offer (kiosk/service_state.py):

- the printer is asked for its status every ``printer_poll_ms`` (on its own worker thread,
  between jobs) and after every job; when it cannot print, the home screen says printing is
  unavailable and disables the functions that exist only to print;
- the banknote acceptor's blockers (kiosk/cash ``CashDesk.blockers``) are read on a worker
  whenever the desk's view changes; while cash is off the home screen says so (QR still works);
- the backend's health check (GET /v1/health) runs every ``probe_ms`` on a worker, every
  ``probe_down_ms`` while it is unreachable; after ``failures_to_close`` failures in a row the
  out-of-service cover hides the screens (not while a customer is identified: their screens
  already explain each failed call, and the cover follows when their session ends), and the
  first probe that answers takes it away again.

Housekeeping jobs carry no session guard, so they never count as customer activity.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.service_state import (
    Backend,
    BackendHealth,
    Printing,
    PrintingState,
    printing_state,
    status_line,
)
from ui.widgets.out_of_service import OutOfServiceCover

if TYPE_CHECKING:
    from kiosk.cash.desk import CashBlocker, CashDesk
    from printer.escpos.status import PrinterStatus
    from ui.shell import Shell

log = logging.getLogger(__name__)

PROBE_MS = 15_000
PROBE_DOWN_MS = 5_000
PRINTER_POLL_MS = 20_000
FIRST_PROBE_MS = 2_000


class ServiceMonitor(QObject):
    printing_changed = Signal(object)  # PrintingState
    backend_changed = Signal(object)  # Backend
    state_changed = Signal(str)  # kiosk.service_state.status_line of both
    cash_changed = Signal(object)  # tuple[CashBlocker, ...] (empty: cash can be taken)
    _cash_view = Signal()  # the desk's view changed (emitted on the desk's threads)

    def __init__(
        self,
        shell: Shell,
        *,
        probe_ms: int = PROBE_MS,
        probe_down_ms: int = PROBE_DOWN_MS,
        printer_poll_ms: int = PRINTER_POLL_MS,
        first_probe_ms: int = FIRST_PROBE_MS,
        failures_to_close: int = 2,
    ) -> None:
        super().__init__(shell)
        self._shell = shell
        ctx = shell.ctx
        self._ctx = ctx
        self._probe_ms = probe_ms
        self._probe_down_ms = probe_down_ms
        self.health = BackendHealth(failures_to_close)
        self.printing = PrintingState(Printing.AVAILABLE)
        self._probing = False
        self._stopped = False
        self.cover = OutOfServiceCover(ctx.translator, ctx.config.terminal.id, shell.window.stack)
        ctx.translator.subscribe(self._retranslate)
        shell.session_ended.connect(lambda _reason: self._apply_cover())
        self._probe_timer = QTimer(self)
        self._probe_timer.setSingleShot(True)
        self._probe_timer.timeout.connect(self.probe_now)
        if ctx.services.backend is not None:
            self._probe_timer.start(first_probe_ms)
        self._printer_timer = QTimer(self)
        self._printer_timer.timeout.connect(self.check_printer_now)
        printer = ctx.services.printer
        if printer is not None:
            printer.status_changed.connect(self._on_printer_status)
            self._printer_timer.start(printer_poll_ms)
            QTimer.singleShot(0, self.check_printer_now)
        self.cash_blockers: tuple[object, ...] = ()
        self._cash_checking = self._cash_again = False
        self._cash_view.connect(self.check_cash_now)
        cash = ctx.services.cash
        if cash is not None:
            ctx.runner.run(cash.get, self._on_desk, lambda _exc: None)

    # -- backend -------------------------------------------------------------------------------

    def probe_now(self) -> None:
        if self._probing or self._stopped:
            return
        self._probing = True
        ctx = self._ctx
        ctx.runner.run(lambda: ctx.backend.health(), self._on_probe, self._on_probe_error)

    def _on_probe(self, reachable: bool) -> None:
        self._probing = False
        if self._stopped:
            return
        if self.health.record(reachable):
            state = self.health.state
            if state is Backend.OUT_OF_SERVICE:
                log.warning("backend unreachable: out of service until it answers again")
            else:
                log.info("backend reachable again: back in service")
            self._apply_cover()
            self.backend_changed.emit(state)
            self.state_changed.emit(status_line(state, self.printing))
        down = self.health.state is Backend.OUT_OF_SERVICE or not reachable
        self._probe_timer.start(self._probe_down_ms if down else self._probe_ms)

    def _on_probe_error(self, exc: Exception) -> None:
        log.info("health probe failed: %s", type(exc).__name__)
        self._on_probe(False)

    def _apply_cover(self) -> None:
        if self.health.state is Backend.IN_SERVICE:
            self.cover.hide()
        elif not self._ctx.sessions.current.identified:
            self.cover.cover()

    # -- printer -------------------------------------------------------------------------------

    def check_printer_now(self) -> None:
        printer = self._ctx.services.printer
        if printer is None or self._stopped:
            return
        printer.check_status(self._on_printer_status, lambda _exc: self._set_printing(None))

    def _on_printer_status(self, status: PrinterStatus) -> None:
        self._set_printing(status.errors)

    def _set_printing(self, errors: Sequence[str] | None) -> None:
        if self._stopped:
            return
        state = printing_state(errors)
        if state == self.printing:
            return
        self.printing = state
        if state.printing is Printing.UNAVAILABLE:
            log.warning("printing unavailable: %s", state.reason)
        else:
            log.info("printing available again")
        self._shell.home_screen.set_printing_available(state.printing is Printing.AVAILABLE)
        self.printing_changed.emit(state)
        self.state_changed.emit(status_line(self.health.state, state))

    # -- banknote acceptor ---------------------------------------------------------------------

    def _on_desk(self, desk: CashDesk) -> None:
        desk.add_listener(lambda _view: self._cash_view.emit())
        self.check_cash_now()

    def check_cash_now(self) -> None:
        """Read the desk's blockers on a worker (its journal is on disk); one read at a time,
        one more after it when the view changed meanwhile."""
        cash = self._ctx.services.cash
        if cash is None or self._stopped:
            return
        if self._cash_checking:
            self._cash_again = True
            return
        self._cash_checking = True
        self._ctx.runner.run(lambda: cash.get().blockers(), self._on_cash, self._on_cash_error)

    def _on_cash(self, blockers: tuple[CashBlocker, ...]) -> None:
        from kiosk.cash.desk import CashBlocker

        self._cash_checking = False
        if self._stopped:
            return
        # Starting up is not "unavailable": the bill table is read within a second.
        shown = tuple(b for b in blockers if b is not CashBlocker.STARTING)
        if shown != self.cash_blockers:
            if shown:
                log.warning("cash unavailable: %s", ", ".join(b.value for b in shown))
            else:
                log.info("cash available again")
            self.cash_blockers = shown
            self._shell.home_screen.set_cash_available(not shown)
            self.cash_changed.emit(shown)
        if self._cash_again:
            self._cash_again = False
            self.check_cash_now()

    def _on_cash_error(self, exc: Exception) -> None:
        log.warning("cash state not read: %s", type(exc).__name__)
        self._cash_checking = False

    # -- lifecycle -----------------------------------------------------------------------------

    def _retranslate(self, _locale: str) -> None:
        self.cover.retranslate()

    def stop(self) -> None:
        self._stopped = True
        self._probe_timer.stop()
        self._printer_timer.stop()
        self._ctx.translator.unsubscribe(self._retranslate)
