"""Hall staff's screens behind the hidden gesture: PIN entry, then the admin panel."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.admin_lockout import AdminPinGuard, PinOutcome, PinResult, state_path_for
from kiosk.devices.printer.slips import PrintedCopy
from kiosk.idle import ScreenKind
from kiosk.reconcile import Reconciliation, reconcile
from kiosk.transactions import TransactionKind
from printer.escpos.status import PrinterStatus
from ui.context import AppContext
from ui.errors import describe
from ui.screen import Screen
from ui.widgets.keypad import Keypad
from ui.widgets.volume import VolumeControl


class AdminPinScreen(Screen):
    """Shuffled keypad for the admin PIN; three wrong PINs lock it (kept across restarts by
    :class:`kiosk.admin_lockout.AdminPinGuard`) and send the terminal back home."""

    unlocked = Signal()

    screen_id = "admin_pin"
    kind = ScreenKind.ENTRY
    title_key = "admin.pin_title"
    hint_key = "admin.pin_hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.keypad = Keypad(ctx.translator, length=8, min_length=4, secret=True)
        self.keypad.submitted.connect(self._on_keypad_submitted)
        self.error = self.label(role="error")
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.layout_.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.layout_.addStretch(1)
        self.guard = AdminPinGuard(
            ctx.config.admin.check_pin, state_path_for(ctx.config.journal_path)
        )

    def enter(self, params: Any) -> None:
        self.keypad.reset()
        self.error.hide()
        self.retranslate()
        locked_for = self.guard.locked_for()
        self.keypad.setEnabled(locked_for <= 0)
        if locked_for > 0:
            self._show_locked(locked_for)

    def _on_keypad_submitted(self, pin: str) -> None:
        self.keypad.reset()
        # scrypt takes ~0.2 s on purpose: off the GUI thread, one check at a time.
        self.keypad.setEnabled(False)
        self.ctx.runner.run(
            lambda: self.guard.try_pin(pin), self._on_pin_result, self._on_pin_error, self.isVisible
        )

    def _on_pin_error(self, exc: Exception) -> None:
        self.keypad.setEnabled(True)
        self.error.setText(describe(exc, self.ctx.translator))
        self.error.show()

    def _on_pin_result(self, result: PinResult) -> None:
        self.keypad.setEnabled(result.outcome is not PinOutcome.LOCKED)
        if result.outcome is PinOutcome.ACCEPTED:
            self.unlocked.emit()
            self.open("admin")
        elif result.outcome is PinOutcome.LOCKED:
            self.go_home.emit()
        else:
            self.error.setText(self.tr("admin.pin_wrong"))
            self.error.show()

    def _show_locked(self, seconds: float) -> None:
        self.error.setText(self.tr("admin.pin_locked", minutes=math.ceil(seconds / 60)))
        self.error.show()


class AdminScreen(Screen):
    """Terminal facts, device health at a glance, the last receipts with reprint, the way out."""

    exit_requested = Signal()

    screen_id = "admin"
    kind = ScreenKind.ORDINARY
    title_key = "admin.title"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.info = self.label(role="notice")
        self.layout_.addWidget(self.info)
        self.health = self.label(role="notice")
        self.layout_.addWidget(self.health)
        self.journal = self.label(role="notice")
        self.layout_.addWidget(self.journal)
        body = QHBoxLayout()
        self.receipts = QListWidget()
        self.receipts.setObjectName("receiptList")
        self.receipts.currentRowChanged.connect(self._on_receipts_current_row_changed)
        self.preview = QLabel()
        self.preview.setObjectName("receiptPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(620)
        body.addWidget(self.receipts, 1)
        body.addWidget(scroll, 1)
        self.layout_.addLayout(body, 1)
        row = QHBoxLayout()
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self._refresh)
        self.reprint_button = QPushButton()
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.reconcile_button = QPushButton()
        self.reconcile_button.setObjectName("reconcileButton")
        self.reconcile_button.clicked.connect(self._on_reconcile_button_clicked)
        services = ctx.services
        self.reconcile_button.setVisible(
            services.backend is not None and services.journal is not None
        )
        self.exit_button = QPushButton()
        self.exit_button.setProperty("kind", "danger")
        self.exit_button.clicked.connect(self.exit_requested.emit)
        row.addWidget(self.refresh_button)
        row.addWidget(self.reprint_button)
        row.addWidget(self.reconcile_button)
        self.volume: VolumeControl | None = None
        if services.voice is not None:
            self.volume = VolumeControl(services.voice, ctx.translator)
            row.addWidget(self.volume)
        row.addStretch(1)
        row.addWidget(self.exit_button)
        self.layout_.addLayout(row)
        self._copies: list[PrintedCopy] = []
        self._health: dict[str, str] = {}
        self._printer_causes: list[str] = []

    def enter(self, params: Any) -> None:
        self.retranslate()
        self._refresh()

    def retranslate(self) -> None:
        super().retranslate()
        cfg = self.ctx.config
        self.info.setText(
            self.tr(
                "admin.info",
                terminal=cfg.terminal.id,
                hall=cfg.terminal.hall_name,
                backend=cfg.backend.url,
            )
        )
        self.exit_button.setText(self.tr("admin.exit"))
        self.refresh_button.setText(self.tr("admin.refresh"))
        self.reprint_button.setText(self.tr("admin.reprint"))
        self.reconcile_button.setText(self.tr("admin.reconcile"))
        if self.volume is not None:
            self.volume.retranslate()
        self._show_health()

    # Health ------------------------------------------------------------------------------
    def _refresh(self) -> None:
        services = self.ctx.services
        self._health = {"backend": "admin.checking"}
        reader = services.card_reader
        if reader is None:
            self._health["reader"] = "admin.not_configured"
        else:
            self._health["reader"] = "admin.ok" if reader.ready else "admin.reader_lost"
        printer = services.printer
        if printer is None:
            self._health["printer"] = "admin.not_configured"
        else:
            self._health["printer"] = "admin.checking"
            printer.check_status(self._on_printer_status, self._on_printer_error)
        if services.backend is not None:
            ctx = self.ctx
            self.ctx.runner.run(
                lambda: ctx.backend.health(),
                lambda ok: self._set_health("backend", "admin.ok" if ok else "admin.unreachable"),
                lambda _exc: self._set_health("backend", "admin.unreachable"),
            )
        self._refresh_journal()
        self._load_receipts()
        self._show_health()

    def _on_reconcile_button_clicked(self) -> None:
        """Settle unresolved journal entries now (e.g. after the network came back), not only
        at the next start. The age guard of kiosk.reconcile leaves alone what this terminal
        may still be sending (a customer retrying with the same key)."""
        ctx = self.ctx

        def job() -> Reconciliation:
            return reconcile(ctx.journal, ctx.backend, dt.datetime.now(dt.UTC))

        self.fetch(job, self._on_reconciled)

    def _on_reconciled(self, result: Reconciliation) -> None:
        self.status.setText(
            self.tr(
                "admin.reconciled",
                done=result.done,
                failed=result.not_applied,
                unknown=result.still_unknown + result.waiting,  # held back: not yet known
            )
        )
        self.status.show()
        self._refresh_journal()

    def _refresh_journal(self) -> None:
        if self.ctx.services.journal is None:
            return
        ctx = self.ctx
        ctx.runner.run(
            lambda: [entry.kind for entry in ctx.journal.unresolved()],
            self._show_journal,
            lambda exc: self.journal.setText(describe(exc, ctx.translator)),
        )

    def _show_journal(self, kinds: list[str]) -> None:
        if not kinds:
            self.journal.setText(self.tr("admin.journal_ok"))
            return
        # Staff see what to follow up, in words; a kind this version does not know (an older
        # or newer kiosk's journal) is shown as stored.
        known = {kind.value: kind for kind in TransactionKind}
        names = dict.fromkeys(self.tr(known[k].text_key) if k in known else k for k in kinds)
        self.journal.setText(
            self.tr(
                "admin.journal",
                count=len(kinds),
                kinds=self.tr("admin.list_separator").join(names),
            )
        )

    def _on_printer_status(self, status: PrinterStatus) -> None:
        # A printer out of paper or with its cover open also reports "offline": name the cause.
        causes = [e for e in status.errors if e != "offline"] or list(status.errors)
        self._printer_causes = causes
        self._set_health("printer", "admin.ok" if not causes else "admin.printer_fault")

    def _on_printer_error(self, exc: Exception) -> None:
        self._set_health("printer", "admin.printer_silent")

    def _set_health(self, device: str, key: str) -> None:
        self._health[device] = key
        self._show_health()

    def _show_health(self) -> None:
        if not self._health:
            self.health.setText("")
            return
        printer = self.tr(self._health.get("printer", "admin.checking"))
        if self._health.get("printer") == "admin.printer_fault":
            separator = self.tr("admin.list_separator")
            printer = separator.join(self.tr(f"admin.printer_{c}") for c in self._printer_causes)
        self.health.setText(
            self.tr(
                "admin.health",
                backend=self.tr(self._health.get("backend", "admin.checking")),
                reader=self.tr(self._health.get("reader", "admin.checking")),
                printer=printer,
            )
        )

    # Last receipts -----------------------------------------------------------------------
    def _load_receipts(self) -> None:
        printer = self.ctx.services.printer
        self._copies = printer.history() if printer is not None else []
        self.receipts.clear()
        for copy in self._copies:
            self.receipts.addItem(f"{copy.printed_at:%m-%d %H:%M:%S}  {copy.title}")
        self.reprint_button.setEnabled(bool(self._copies))
        if self._copies:
            self.receipts.setCurrentRow(0)
        else:
            self.preview.setText(self.tr("admin.no_receipts"))

    def _on_receipts_current_row_changed(self, row: int) -> None:
        printer = self.ctx.services.printer
        if printer is None or not 0 <= row < len(self._copies):
            return
        data, profile = self._copies[row].data, printer.printer.profile

        def render() -> bytes:
            from printer.preview import render_bytes

            return render_bytes(data, profile)[1]

        def show(png: bytes) -> None:
            pixmap = QPixmap()
            pixmap.loadFromData(png, "PNG")
            self.preview.setPixmap(pixmap)

        self.ctx.runner.run(render, show, lambda _exc: self.preview.setText("?"))

    def _on_reprint_button_clicked(self) -> None:
        printer = self.ctx.services.printer
        row = self.receipts.currentRow()
        if printer is None or not 0 <= row < len(self._copies):
            return
        self.reprint_button.setEnabled(False)

        def done(_result: object) -> None:
            self.reprint_button.setEnabled(True)
            self.status.setText(self.tr("admin.reprinted"))
            self.status.show()

        def failed(exc: Exception) -> None:
            self.reprint_button.setEnabled(True)
            self.show_error(describe(exc, self.ctx.translator))

        printer.reprint(self._copies[row], done, failed)
