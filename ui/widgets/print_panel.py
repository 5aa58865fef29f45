"""The print dialog inside a screen: the slip's length first ("约 X 厘米"), then confirm,
a progress bar fed by the printer's progress signal, and a calm outcome line.

A slip that fails on the printer is not lost (issue 13 major 5): after 打印机缺纸 the panel
keeps it (:attr:`PrintState.WAITING_FOR_PAPER`), says so, asks the printer for its status every
few seconds and prints it by itself once paper is back; 重新打印 prints it at once. Other
printer faults keep it too (:attr:`PrintState.RETRY`) with 重新打印.

Laying out a long detail slip takes a while, so the document is built and laid out on a
worker; only the confirmation and the progress run on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from kiosk.devices.printer.driver import JobResult
from kiosk.devices.printer.slips import PreparedSlip, PrintState
from kiosk.i18n import join_sentences
from printer import errors as pe
from printer.document import Document
from printer.escpos.status import PaperState, PrinterStatus
from ui.context import AppContext
from ui.errors import describe

log = logging.getLogger(__name__)

PAPER_POLL_MS = 2000  # while a slip waits for paper: how often the printer is asked


def is_paper_out(exc: Exception) -> bool:
    """True when a print failed for want of paper (before the job, or the roll ran out)."""
    if isinstance(exc, pe.PaperOutError):
        return True
    status = getattr(exc, "status", None)
    return isinstance(exc, pe.PrintError) and (
        isinstance(status, PrinterStatus) and status.paper is PaperState.OUT
    )


class PrintPanel(QFrame):
    """Offer, confirm and print one slip; hidden when idle."""

    printed = Signal(str)  # the slip's title, after a successful print
    closed = Signal()

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("printPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx
        # One row (message and progress left, buttons right): the panel must fit under the
        # content of any screen without making the window taller than 1080 px.
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 12, 24, 12)
        row.setSpacing(16)
        left = QVBoxLayout()
        left.setSpacing(8)
        self.message = QLabel()
        self.message.setObjectName("printMessage")
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("printProgress")
        self.progress.setTextVisible(False)
        self.progress.setMinimumHeight(24)
        left.addWidget(self.message)
        left.addWidget(self.progress)
        self.confirm_button = QPushButton()
        self.confirm_button.setProperty("kind", "primary")
        self.cancel_button = QPushButton()
        row.addLayout(left, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.cancel_button)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        adapter = ctx.services.printer
        if adapter is not None:
            adapter.progress.connect(self._on_adapter_progress)
            adapter.status_changed.connect(self._on_adapter_status_changed)
        self._paper_poll = QTimer(self)
        self._paper_poll.setInterval(PAPER_POLL_MS)
        self._paper_poll.timeout.connect(self._on_paper_poll_timeout)
        self._status_in_flight = False
        self._error_text = ""  # the failed print's own sentence, kept for a language switch
        self.slip: PreparedSlip | None = None
        self.printing = False
        self.state = PrintState.IDLE
        self._on_printed: Callable[[], None] | None = None
        self.retranslate()
        self.hide()

    def tr(self, key: str, /, **values: object) -> str:  # type: ignore[override]
        return self.ctx.translator.tr(key, **values)

    def retranslate(self) -> None:
        self.confirm_button.setText(
            self.tr("print.again") if self.state.keeps_slip else self.tr("print.confirm")
        )
        self.cancel_button.setText(
            self.tr("print.close")
            if self.state in (PrintState.DONE, PrintState.FAILED) or self.state.keeps_slip
            else self.tr("print.cancel")
        )
        if self.state is PrintState.OFFERED and self.slip is not None:
            self._show_offer(self.slip)

    def offer(
        self,
        build: Callable[[], Document],
        on_printed: Callable[[], None] | None,
        *,
        keep_copy: bool = False,
    ) -> None:
        """Build and lay out the document on a worker, then ask to confirm with its length."""
        adapter = self.ctx.services.printer
        self.show()
        self.progress.hide()
        self.confirm_button.hide()
        if adapter is None:
            self._finish(PrintState.FAILED, self.tr("print.no_printer"))
            return
        self._on_printed = on_printed
        self._set_state(PrintState.PREPARING)
        self.cancel_button.setText(self.tr("print.cancel"))

        def job() -> PreparedSlip:
            return adapter.prepare(build(), keep_copy=keep_copy)

        self.ctx.runner.run(job, self._show_offer, self._failed, self.ctx.sessions.guard())

    def reset(self) -> None:
        """Forget the slip (session end)."""
        self._paper_poll.stop()
        self.slip = None
        self._on_printed = None
        self.state = PrintState.IDLE
        self.printing = False
        self._error_text = ""
        self.hide()

    # Steps ------------------------------------------------------------------------------
    def _show_offer(self, slip: PreparedSlip) -> None:
        if self.state not in (PrintState.PREPARING, PrintState.OFFERED):
            return
        self.slip = slip
        self._set_state(PrintState.OFFERED, cm=max(1, round(slip.length_mm / 10)))
        self.confirm_button.show()
        self.confirm_button.setEnabled(True)

    def _on_confirm_button_clicked(self) -> None:
        self._print()

    def _print(self) -> None:
        """Send the slip (offered, or kept after a failure)."""
        adapter = self.ctx.services.printer
        if self.slip is None or adapter is None or self.printing:
            return
        if self.state is not PrintState.OFFERED and not self.state.keeps_slip:
            return
        self._paper_poll.stop()
        self.printing = True
        self.message.setProperty("state", PrintState.PRINTING.value)
        self._repolish()
        self._set_state(PrintState.PRINTING)
        self.confirm_button.setEnabled(False)
        self.cancel_button.hide()
        self.progress.setValue(0)
        self.progress.show()
        adapter.print_slip(self.slip, self._done, self._failed, self.ctx.sessions.guard())

    def _on_cancel_button_clicked(self) -> None:
        if self.printing:
            return
        self.reset()
        self.closed.emit()

    def _on_adapter_progress(self, sent: int, total: int) -> None:
        if self.printing and total > 0:
            self.progress.setMaximum(total)
            self.progress.setValue(sent)

    def _done(self, _result: JobResult) -> None:
        title = self.slip.title if self.slip is not None else ""
        callback = self._on_printed
        self._finish(PrintState.DONE)
        if callback is not None:
            callback()
        self.printed.emit(title)

    def _failed(self, exc: Exception) -> None:
        log.info("printing failed: %s", type(exc).__name__)
        text = describe(exc, self.ctx.translator, context="print")
        if self.state is PrintState.PRINTING and self.slip is not None:
            if is_paper_out(exc):
                self._keep(PrintState.WAITING_FOR_PAPER, text)
                return
            if isinstance(exc, pe.PrinterError):
                self._keep(PrintState.RETRY, text)
                return
            if self.slip.keep_copy:
                # the printer kept the copy
                text = join_sentences(text, self.tr("print.kept_for_staff"))
        self._finish(PrintState.FAILED, text)

    def _keep(self, state: PrintState, error_text: str) -> None:
        """Hold the slip after a failed print: say why, offer 重新打印, and while the paper
        is out watch the printer so that it prints by itself when paper is back."""
        self.printing = False
        self._error_text = error_text
        self._set_state(state, join_sentences(error_text, self.tr(state.text_key or "")))
        self.progress.hide()
        self.confirm_button.setText(self.tr("print.again"))
        self.confirm_button.setEnabled(True)
        self.confirm_button.show()
        self.cancel_button.setText(self.tr("print.close"))
        self.cancel_button.show()
        self.message.setProperty("state", state.value)
        self._repolish()
        if state is PrintState.WAITING_FOR_PAPER:
            self._paper_poll.start()

    def _on_paper_poll_timeout(self) -> None:
        adapter = self.ctx.services.printer
        if adapter is None or self.state is not PrintState.WAITING_FOR_PAPER:
            self._paper_poll.stop()
            return
        if self._status_in_flight:
            return  # a slow printer answers the last question first

        def answered(status: PrinterStatus) -> None:
            self._status_in_flight = False
            self._on_adapter_status_changed(status)

        def unanswered(_exc: Exception) -> None:
            self._status_in_flight = False

        self._status_in_flight = True
        adapter.check_status(answered, unanswered)

    def _on_adapter_status_changed(self, status: PrinterStatus) -> None:
        if self.state is PrintState.WAITING_FOR_PAPER and status.ready:
            log.info("paper is back: printing the kept slip")
            self._print()

    def _set_state(self, state: PrintState, text: str | None = None, **values: object) -> None:
        """Enter ``state`` and say it: its own line, or ``text`` (an error's sentence)."""
        self.state = state
        key = state.text_key
        if text is None and key is not None:
            text = self.tr(key, **values)
        self.message.setText(text or "")

    def _finish(self, state: PrintState, text: str | None = None) -> None:
        self.printing = False
        self._set_state(state, text)
        self.progress.hide()
        self.confirm_button.hide()
        self.cancel_button.show()
        self.cancel_button.setText(self.tr("print.close"))
        self.message.setProperty("state", state.value)
        self._repolish()

    def _repolish(self) -> None:
        self.style().unpolish(self.message)
        self.style().polish(self.message)
