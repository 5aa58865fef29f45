"""收费误差，双倍返还: pick the charge, pick a reason, confirm; the backend refunds twice the
amount when the rules confirm it, and the customer takes a receipt with the dispute number."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from common.hall_time import hall_now
from common.masking import mask_other_party
from common.money import format_fen
from kiosk import disputes as kd
from kiosk.backend import models as m
from kiosk.flows.declared import DISPUTE, DisputeChoice
from kiosk.idle import ScreenKind
from kiosk.records import client_fetch, fetch_kind
from printer.receipts.transaction import TransactionReceipt
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal, with_bills
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import ReceiptOffer
from ui.widgets.touch_scroll import enable_touch_scroll
from ui.widgets.transaction import TransactionView

MAX_CANDIDATES = 200


class DisputeScreen(Screen):
    """Flag a wrong charge (needs Access.DETAILS)."""

    Params = kd.DisputeTarget
    screen_id = "dispute"
    kind = ScreenKind.ORDINARY
    title_key = "dispute.title"
    hint_key = "dispute.hint"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.target_label = self.label(role="value")
        self.layout_.addWidget(self.target_label)
        self.charges = QListWidget()
        self.charges.setObjectName("disputeCharges")
        self.charges.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.charges.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        enable_touch_scroll(self.charges)
        self.charges.setMinimumHeight(160)
        self.charges.currentRowChanged.connect(self._on_charges_current_row_changed)
        self.layout_.addWidget(self.charges, 1)
        self.reason_caption = self.label(role="caption")
        self.layout_.addWidget(self.reason_caption)
        reasons = QGridLayout()
        self.reason_group = QButtonGroup(self)
        self.reason_buttons: dict[kd.DisputeReason, QPushButton] = {}
        for index, reason in enumerate(kd.DisputeReason):
            button = QPushButton()
            button.setObjectName("reasonButton")
            button.setCheckable(True)
            button.clicked.connect(self._update_confirm)
            self.reason_group.addButton(button)
            self.reason_buttons[reason] = button
            reasons.addWidget(button, 0, index)
        self.reasons = QWidget()
        self.reasons.setLayout(reasons)
        self.layout_.addWidget(self.reasons)
        self.result = self.label(role="notice")
        self.result.hide()
        self.layout_.addWidget(self.result)
        self.print_panel = PrintPanel(ctx)
        self.layout_.addWidget(self.print_panel)
        actions = QHBoxLayout()
        self.confirm_button = QPushButton()
        self.confirm_button.setObjectName("disputeConfirm")
        self.confirm_button.setProperty("kind", "primary")
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.receipt_button = QPushButton()
        self.receipt_button.setObjectName("disputeReceipt")
        self.receipt = ReceiptOffer(self.receipt_button, self.print_panel, self._receipt)
        actions.addWidget(self.confirm_button)
        actions.addWidget(self.receipt_button)
        actions.addStretch(1)
        self.layout_.addLayout(actions)
        # No separate question: the charge and the reason chosen are the confirmation. After
        # a lost answer the button stays, and the same charge and reason reuse their key.
        self.view = TransactionView(
            self,
            DISPUTE,
            None,
            self._on_disputed,
            on_refused=lambda _exc: self._update_confirm(),
            on_lost=self._update_confirm,
        )
        self.target: kd.DisputeTarget | None = None
        self.candidates: list[m.Record] = []
        self.earlier: dict[int, m.Dispute] = {}  # record id -> its dispute (已退款 / 处理中)

    @property
    def dispute(self) -> m.Dispute | None:
        """The backend's answer (the flow's)."""
        return self.view.answer

    @property
    def disputed(self) -> DisputeChoice | None:
        """The charge and reason the answer is for (the flow's choice)."""
        return self.view.answered_choice

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        self._clear()
        self.retranslate()
        if isinstance(params, kd.DisputeTarget):
            self._load(params)
        else:  # opened from the home tile: the newest month's value-added and SP charges
            with_bills(self, self._newest_month)

    def reset(self) -> None:
        self._clear()

    def retranslate(self) -> None:
        super().retranslate()
        self.reason_caption.setText(self.tr("dispute.reason"))
        for reason, button in self.reason_buttons.items():
            button.setText(self.tr(reason.text_key))
        self.confirm_button.setText(self.tr("dispute.confirm"))
        self.receipt_button.setText(self.tr("dispute.print_receipt"))
        self.print_panel.retranslate()
        self._show_target()
        self._fill()
        if self.dispute is not None:
            self._show_result(self.dispute)

    # Loading ------------------------------------------------------------------------------
    def _clear(self) -> None:
        self.view.reset()
        self.target = None
        self.candidates = []
        self.earlier = {}
        self.charges.clear()
        self.target_label.clear()
        self.result.hide()
        self.receipt.clear()
        self.reasons.show()
        self.reason_caption.show()
        self.confirm_button.show()
        self.print_panel.reset()
        self.reason_group.setExclusive(False)
        for button in self.reason_buttons.values():
            button.setChecked(False)
        self.reason_group.setExclusive(True)
        self.clear_messages()
        self._update_confirm()

    def _newest_month(self, bills: list[m.MonthBill]) -> None:
        if bills:
            month = max(b.month for b in bills)
            self._load(kd.DisputeTarget(month, m.RecordKind.SP))

    def _load(self, target: kd.DisputeTarget) -> None:
        self.target = target
        self._show_target()
        ctx = self.ctx
        kinds = [target.kind]
        if not target.item and target.kind is m.RecordKind.SP:
            kinds = [m.RecordKind.VAS, m.RecordKind.SP]

        def job() -> tuple[list[m.Record], list[m.Dispute]]:
            # The line's earlier disputes mark their charges (已退款 / 申诉处理中).
            earlier = ctx.backend.disputes()
            if target.record is not None:
                return [target.record], earlier
            fetch = client_fetch(ctx.backend.records)
            rows: list[m.Record] = []
            for kind in kinds:
                rows += fetch_kind(target.month, kind, fetch, with_fee_only=True)
            return kd.dispute_candidates(target, rows)[:MAX_CANDIDATES], earlier

        self.fetch(job, self._loaded)

    def _loaded(self, found: tuple[list[m.Record], list[m.Dispute]]) -> None:
        records, earlier = found
        self.earlier = {d.record_id: d for d in earlier}
        self._candidates(records)

    def _candidates(self, records: list[m.Record]) -> None:
        self.candidates = records
        self._fill()
        if len(records) == 1:
            self.charges.setCurrentRow(0)
        if not records:
            self.show_error(self.tr("dispute.no_charges"))

    def _show_target(self) -> None:
        target = self.target
        if target is None:
            return
        self.target_label.setText(
            self.tr(
                "dispute.target",
                month=target.month,
                item=self.term(target.item) or self.tr("dispute.any"),
            )
        )

    def _fill(self) -> None:
        current = self.charges.currentRow()
        self.charges.blockSignals(True)
        self.charges.clear()
        mask = not self.ctx.sessions.current.show_full_numbers
        for record in self.candidates:
            other = record.other_party or record.service_number or ""
            if mask and record.other_party:
                other = mask_other_party(other)
            text = self.tr(
                "dispute.charge",
                time=f"{record.started_at:%m-%d %H:%M}",
                name=self.term(record.service_name or record.sub_item),
                other=other,
                fee=format_fen(record.fee_fen),
            )
            earlier = self.earlier.get(record.record_id)
            if earlier is not None:
                text += self.tr(_mark_key(earlier))
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record.record_id)
            self.charges.addItem(item)
        self.charges.setCurrentRow(current)
        self.charges.blockSignals(False)

    # Actions ------------------------------------------------------------------------------
    def selected_record(self) -> m.Record | None:
        row = self.charges.currentRow()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None

    def selected_reason(self) -> kd.DisputeReason | None:
        return next((r for r, b in self.reason_buttons.items() if b.isChecked()), None)

    def _on_charges_current_row_changed(self, _row: int) -> None:
        self._update_confirm()

    def _update_confirm(self) -> None:
        record = self.selected_record()
        earlier = self.earlier.get(record.record_id) if record is not None else None
        if self.dispute is None and earlier is not None:
            # Disputed before: say what became of it instead of offering it again.
            refunded = earlier.status is m.DisputeStatus.REFUNDED
            self.status.setText(
                self.tr(
                    "dispute.already_refunded" if refunded else "dispute.already_open",
                    number=earlier.number,
                    refund=format_fen(earlier.refund_fen),
                )
            )
            self.status.show()
        elif self.dispute is None and not self.loading:
            self.status.hide()
        ready = earlier is None and record is not None and self.selected_reason() is not None
        self.confirm_button.setEnabled(ready and self.dispute is None and not self.loading)

    def _on_confirm_button_clicked(self) -> None:
        record, reason = self.selected_record(), self.selected_reason()
        if record is None or reason is None or self.dispute is not None:
            return
        self.confirm_button.setEnabled(False)
        self.view.send(DisputeChoice(record, reason))

    def _on_disputed(self, _choice: DisputeChoice, dispute: m.Dispute) -> None:
        self._show_result(dispute)

    def _show_result(self, dispute: m.Dispute) -> None:
        refunded = dispute.status is m.DisputeStatus.REFUNDED
        self.result.setText(
            self.tr(
                "dispute.refunded" if refunded else "dispute.investigating",
                number=dispute.number,
                amount=format_fen(dispute.amount_fen),
                refund=format_fen(dispute.refund_fen),
            )
        )
        self.result.show()
        self.receipt.ready()
        # Done: the choice is no longer needed, and the receipt panel takes its place.
        self.reasons.hide()
        self.reason_caption.hide()
        self.confirm_button.hide()
        self.finish()

    def _receipt(self) -> TransactionReceipt | None:
        if self.dispute is None or self.disputed is None:
            return None
        return kd.dispute_receipt(
            self.dispute,
            self.disputed.record,
            self.disputed.reason,
            doc_terminal(self.ctx),
            doc_customer(self.ctx),
            hall_now(),
        )


def _mark_key(dispute: m.Dispute) -> str:
    """The mark after a charge disputed before."""
    if dispute.status is m.DisputeStatus.REFUNDED:
        return "dispute.mark_refunded"
    return "dispute.mark_open"
