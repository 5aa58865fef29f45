"""The print dialog inside a screen: the slip's length first ("约 X 厘米"), then confirm,
a progress bar fed by the printer's progress signal, and a calm outcome line.

Laying out a long detail slip takes a while, so the document is built and laid out on a
worker; only the confirmation and the progress run on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout

from kiosk.devices.printer.driver import JobResult
from kiosk.devices.printer.slips import PreparedSlip, PrintState
from printer.document import Document
from ui.context import AppContext
from ui.errors import describe

log = logging.getLogger(__name__)


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
        self.slip: PreparedSlip | None = None
        self.printing = False
        self.state = PrintState.IDLE
        self._on_printed: Callable[[], None] | None = None
        self.retranslate()
        self.hide()

    def tr(self, key: str, /, **values: object) -> str:  # type: ignore[override]
        return self.ctx.translator.tr(key, **values)

    def retranslate(self) -> None:
        self.confirm_button.setText(self.tr("print.confirm"))
        self.cancel_button.setText(
            self.tr("print.close")
            if self.state in (PrintState.DONE, PrintState.FAILED)
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
        self.slip = None
        self._on_printed = None
        self.state = PrintState.IDLE
        self.printing = False
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
        adapter = self.ctx.services.printer
        if self.slip is None or adapter is None or self.printing:
            return
        self.printing = True
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
        if self.slip is not None and self.slip.keep_copy and self.state is PrintState.PRINTING:
            text += " " + self.tr("print.kept_for_staff")  # kiosk/printing.py kept the copy
        self._finish(PrintState.FAILED, text)

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
        self.style().unpolish(self.message)
        self.style().polish(self.message)
