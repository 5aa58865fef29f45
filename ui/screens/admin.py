"""Hall staff's screens behind the hidden gesture: PIN entry, then the admin panel."""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from common.hall_time import hall_now
from common.money import format_fen
from kiosk.admin_lockout import AdminPinGuard, PinOutcome, PinResult, state_path_for
from kiosk.devices.printer.slips import PrintedCopy
from kiosk.idle import ScreenKind
from kiosk.reconcile import Reconciliation, reconcile
from kiosk.transactions import TransactionKind
from printer.escpos.status import PrinterStatus
from ui.context import AppContext
from ui.errors import describe
from ui.screen import Screen
from ui.shared.customer import doc_terminal
from ui.widgets.cash_box import CashBoxWidget
from ui.widgets.keypad import Keypad
from ui.widgets.volume import VolumeControl

if TYPE_CHECKING:
    from kiosk.cash.clearance import Clearance, ClearanceView
    from kiosk.cash.desk import CashBlocker, CashDesk
    from kiosk.cash.ledger import BoxCount


class _Relay(QObject):
    """Carries the clearance's views (from the acceptor's thread) to the GUI thread."""

    changed = Signal(object)


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
        self._desk: CashDesk | None = None
        self._clearance: Clearance | None = None
        self._clearance_view: ClearanceView | None = None
        self._cash_blockers: tuple[CashBlocker, ...] = ()
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
        self._build_cash(body)
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

    def _build_cash(self, body: QHBoxLayout) -> None:
        """The cash box and 清机, where the terminal has a banknote acceptor."""
        self.cash_box: CashBoxWidget | None = None
        self.cash_state = self.label("cashState", role="notice")
        self.cash_state.setWordWrap(True)
        self.clearance_text = self.label("clearanceText", role="notice")
        self.clearance_text.setWordWrap(True)
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearanceStart")
        self.clear_button.clicked.connect(self._on_clear_clicked)
        self.record_button = QPushButton()
        self.record_button.setObjectName("clearanceRecord")
        self.record_button.setProperty("role", "submit")
        self.record_button.clicked.connect(self._on_record_clicked)
        self.clear_cancel_button = QPushButton()
        self.clear_cancel_button.clicked.connect(self._on_clear_cancel_clicked)
        self.slip_button = QPushButton()
        self.slip_button.setObjectName("clearanceSlip")
        self.slip_button.clicked.connect(self._print_slip)
        self._relay = _Relay(self)
        self._relay.changed.connect(self._on_clearance_view)
        if self.ctx.services.cash is None:
            return
        self.cash_box = CashBoxWidget(self.ctx.translator)
        self.cash_box.count_changed.connect(self._on_cash_count_changed)
        holder = QWidget()
        holder.setObjectName("cashColumn")
        column = QVBoxLayout(holder)
        column.addWidget(self.cash_box)
        column.addWidget(self.cash_state)
        column.addWidget(self.clearance_text)
        for button in (
            self.clear_button,
            self.record_button,
            self.clear_cancel_button,
            self.slip_button,
        ):
            button.setMinimumHeight(80)
            column.addWidget(button)
        column.addStretch(1)
        # Six rows, their − / + while counting, the notices and four buttons are taller than
        # the space beside the receipts: the column scrolls instead of squeezing its rows.
        scroll = QScrollArea()
        scroll.setObjectName("cashScroll")
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(560)
        body.addWidget(scroll, 1)
        self._show_clearance_buttons()

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
                hall=cfg.terminal.hall_name_in(self.ctx.translator.locale),
                backend=cfg.backend.url,
            )
        )
        self.exit_button.setText(self.tr("admin.exit"))
        self.refresh_button.setText(self.tr("admin.refresh"))
        self.reprint_button.setText(self.tr("admin.reprint"))
        self.reconcile_button.setText(self.tr("admin.reconcile"))
        self.clear_button.setText(self.tr("clearance.start"))
        self.record_button.setText(self.tr("clearance.record"))
        self.clear_cancel_button.setText(self.tr("clearance.cancel"))
        self.slip_button.setText(self.tr("clearance.print"))
        if self.cash_box is not None:
            self.cash_box.retranslate()
        if self.volume is not None:
            self.volume.retranslate()
        self._show_health()
        self._show_cash_state()
        if self._clearance_view is not None:
            self._on_clearance_view(self._clearance_view)

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
        self._refresh_cash()

    def _on_reconcile_button_clicked(self) -> None:
        """Settle unresolved journal entries now (e.g. after the network came back), not only
        at the next start. The age guard of kiosk.reconcile leaves alone what this terminal
        may still be sending (a customer retrying with the same key)."""
        ctx = self.ctx

        def job() -> Reconciliation:
            if ctx.services.cash is not None:
                ctx.services.cash.get().recover()  # cash orders left open, from the journal
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
            self.receipts.addItem(f"{copy.printed_at:%m-%d %H:%M:%S}  {self.term(copy.title)}")
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

    # Cash box and 清机 ---------------------------------------------------------------------
    def _refresh_cash(self) -> None:
        cash = self.ctx.services.cash
        if cash is None:
            return

        def job() -> tuple[CashDesk, BoxCount, tuple[CashBlocker, ...]]:
            desk = cash.get()
            return desk, desk.ledger.box(), desk.blockers()

        self.ctx.runner.run(
            job,
            self._on_cash,
            lambda exc: self.cash_state.setText(describe(exc, self.ctx.translator)),
        )

    def _on_cash(self, result: tuple[CashDesk, BoxCount, tuple[CashBlocker, ...]]) -> None:
        desk, box, blockers = result
        if self._desk is None:
            self._desk = desk
            if self.ctx.services.backend is not None:
                from kiosk.cash.clearance import Clearance

                self._clearance = Clearance(desk)
                self._clearance.add_listener(self._relay.changed.emit)
        self._cash_blockers = blockers
        view = self._clearance_view
        counting = view is not None and view.step.value in ("count", "failed")
        if self.cash_box is not None and not counting:
            self.cash_box.show_box(box.counts, desk.box_capacity)
        self._show_cash_state()
        self._show_clearance_buttons()

    def _show_cash_state(self) -> None:
        if self.ctx.services.cash is None:
            return
        if not self._cash_blockers:
            self.cash_state.setText(self.tr("admin.cash_ok"))
            return
        separator = self.tr("admin.list_separator")
        reasons = separator.join(
            self.tr(f"cash.blocker.{b.name.lower()}") for b in self._cash_blockers
        )
        self.cash_state.setText(self.tr("admin.cash_off", reasons=reasons))

    def _show_clearance_buttons(self) -> None:
        view = self._clearance_view
        step = view.step.value if view is not None else "idle"
        can = self._clearance is not None
        self.clear_button.setVisible(can and step in ("idle", "done"))
        self.record_button.setVisible(step in ("count", "failed"))
        self.record_button.setEnabled(step in ("count", "failed"))
        self.clear_cancel_button.setVisible(step in ("remove", "insert", "count", "failed"))
        self.slip_button.setVisible(step == "done" and self.ctx.services.printer is not None)

    def _on_clear_clicked(self) -> None:
        clearance = self._clearance
        if clearance is None:
            return
        from kiosk.cash.desk import CashBusy

        try:
            clearance.start()
        except CashBusy:  # a customer is paying in cash right now
            self.show_error(self.tr("clearance.busy"))

    def _on_cash_count_changed(self, value: int, count: int) -> None:
        if self._clearance is not None:
            self._clearance.set_count(value, count)

    def _on_record_clicked(self) -> None:
        clearance = self._clearance
        if clearance is None:
            return
        self.record_button.setEnabled(False)
        self.ctx.runner.run(clearance.submit, lambda _r: self._print_slip(), lambda _exc: None)

    def _on_clear_cancel_clicked(self) -> None:
        if self._clearance is not None:
            self._clearance.cancel()

    def _on_clearance_view(self, view: ClearanceView) -> None:
        from kiosk.cash.clearance import ClearanceStep

        self._clearance_view = view
        step = view.step
        if self.cash_box is not None:
            self.cash_box.set_counting(step in (ClearanceStep.COUNT, ClearanceStep.FAILED))
            if step in (ClearanceStep.COUNT, ClearanceStep.FAILED):
                self.cash_box.show_box(
                    view.counted, self._desk.box_capacity if self._desk else None
                )
        record = view.record
        if step is ClearanceStep.DONE and record is not None:
            key = "clearance.done_flagged" if record.flagged else "clearance.done"
            text = self.tr(
                key,
                count=record.counted_count,
                total=format_fen(record.counted_fen),
                expected=format_fen(record.expected_fen),
                difference=format_fen(record.difference_fen, sign=True),
                orders=record.orders,
            )
        elif step is ClearanceStep.FAILED:
            text = self.tr("clearance.failed", error=view.error or "")
        elif step is ClearanceStep.IDLE:
            text = ""
        else:
            text = self.tr(
                f"clearance.{step.value}",
                count=view.counted_notes,
                total=format_fen(view.counted_fen),
            )
        self.clearance_text.setText(text)
        self._show_clearance_buttons()
        if step in (ClearanceStep.IDLE, ClearanceStep.DONE, ClearanceStep.REMOVE):
            self._refresh_cash()

    def _print_slip(self) -> None:
        """The 清机凭条 on the receipt printer (kept for reprint: no customer data on it)."""
        printer, clearance = self.ctx.services.printer, self._clearance
        if printer is None or clearance is None or clearance.view.record is None:
            return
        document = clearance.slip(doc_terminal(self.ctx), hall_now())

        def done(_result: object) -> None:
            self.status.setText(self.tr("clearance.printed"))
            self.status.show()
            self._load_receipts()

        def failed(exc: Exception) -> None:
            self.show_error(describe(exc, self.ctx.translator))

        self.ctx.runner.run(
            lambda: printer.prepare(document, keep_copy=True),
            lambda slip: printer.print_slip(slip, done, failed),
            failed,
        )
