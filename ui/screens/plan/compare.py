"""套餐变更, step 2: the current plan beside the chosen one at the customer's usage, then
办理 -> second confirmation -> the change is booked for the 1st of next month -> receipt.

Before asking, the operator's 入网协议 clauses for a plan change are fetched; the question
shows them and 确认办理 works only after 我已阅读并同意. The accepted version goes with the
call and onto the receipt; an agreement updated meanwhile is fetched again and asked again.

Nothing is sent before the customer confirms on the ConfirmPanel; the change is the declared
PLAN_CHANGE (kiosk/flows/declared.py) run by a TransactionView (journaled, one idempotency key
per plan and agreement version chosen). The backend has the last
word: a plan already booked elsewhere meanwhile is refused there and said calmly here.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from common.hall_time import hall_now
from common.money import format_fen
from kiosk import agreements as ka
from kiosk import plans as kp
from kiosk.backend import models as m
from kiosk.flows.declared import PLAN_CHANGE, PlanChoice
from kiosk.idle import ScreenKind
from printer.receipts.transaction import TransactionReceipt
from ui.context import AppContext
from ui.screen import Screen
from ui.screens.plan.common import COMPARE, CompareParams, difference_text
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.card import card
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import ResultCard
from ui.widgets.transaction import TransactionView

# Rows of the comparison (label keys); the values come from _cells.
ROW_KEYS = (
    "plan.row_fee",
    "plan.row_minutes",
    "plan.row_sms",
    "plan.row_data",
    "plan.row_overage",
    "plan.row_estimate",
)
RESULT_KEYS = ("plan.confirm_to", "plan.confirm_date", "plan.transaction")


class PlanCompareScreen(Screen):
    """Current vs chosen plan; 办理 books the chosen one from next month."""

    Params = CompareParams
    screen_id = COMPARE
    kind = ScreenKind.READING
    title_key = "plan.compare_title"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        grid = QGridLayout()
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)
        self.head_usage = self.label(role="caption")
        self.head_current = self.label(role="caption")
        self.head_chosen = self.label(role="caption")
        self.name_current = self.label(role="categoryName")
        self.name_chosen = self.label(role="categoryName")
        grid.addWidget(self.head_usage, 1, 1)
        grid.addWidget(self.head_current, 0, 2)
        grid.addWidget(self.head_chosen, 0, 3)
        grid.addWidget(self.name_current, 1, 2)
        grid.addWidget(self.name_chosen, 1, 3)
        self.row_labels: list[QLabel] = []
        self.usage_cells: list[QLabel] = []
        self.cells: list[tuple[QLabel, QLabel]] = []
        for index, key in enumerate(ROW_KEYS):
            strong = key == "plan.row_estimate"
            name = self.label(role="totals" if strong else "explanation")
            usage = self.label(role="amount")
            current = self.label(role="totals" if strong else "amount")
            chosen = self.label(role="totals" if strong else "amount")
            grid.addWidget(name, index + 2, 0)
            grid.addWidget(usage, index + 2, 1)
            grid.addWidget(current, index + 2, 2)
            grid.addWidget(chosen, index + 2, 3)
            self.row_labels.append(name)
            self.usage_cells.append(usage)
            self.cells.append((current, chosen))
        table = QWidget()
        table.setLayout(grid)
        self.note = self.label(role="caption")
        self.comparison = card(table, self.note)
        self.layout_.addWidget(self.comparison)
        self.same_note = self.label(role="notice")
        self.layout_.addWidget(self.same_note)
        self.change_button = QPushButton()
        self.change_button.setObjectName("planChange")
        self.change_button.setProperty("kind", "primary")
        self.change_button.clicked.connect(self._on_change_button_clicked)
        self.action_row = QWidget()
        actions = QHBoxLayout(self.action_row)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.setSpacing(24)
        self.difference = self.label(role="value")
        actions.addWidget(self.difference, 1)
        actions.addWidget(self.change_button)
        self.layout_.addWidget(self.action_row)
        self.confirm = ConfirmPanel(ctx.translator)
        self.layout_.addWidget(self.confirm)
        self.view = TransactionView(
            self,
            PLAN_CHANGE,
            self.confirm,
            self._on_changed,
            on_refused=self._on_change_refused,
            on_cancelled=self._on_confirm_cancelled,
        )
        result_grid = QGridLayout()
        result_grid.setHorizontalSpacing(28)
        result_grid.setVerticalSpacing(8)
        result_grid.setColumnStretch(1, 1)
        self.result_labels: list[QLabel] = []
        self.result_values: list[QLabel] = []
        for row, _key in enumerate(RESULT_KEYS):
            name = self.label(role="explanation")
            value = self.label(role="amount")
            result_grid.addWidget(name, row, 0)
            result_grid.addWidget(value, row, 1)
            self.result_labels.append(name)
            self.result_values.append(value)
        result_rows = QWidget()
        result_rows.setLayout(result_grid)
        self.services = self.label(role="explanation")
        self.print_panel = PrintPanel(ctx)
        self.result_card = ResultCard(
            self,
            self.print_panel,
            self._receipt,
            body=[result_rows, self.services],
            receipt_name="planReceipt",
        )
        self.result_title, self.result_note = self.result_card.text, self.result_card.note
        self.result, self.receipt_button = self.result_card.frame, self.result_card.receipt_button
        self.layout_.addWidget(self.result)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self.options: kp.PlanOptions | None = None
        self.code = ""
        self.agreement: m.Agreement | None = None  # the text asked about (fetched per question)
        self._clear()

    @property
    def change(self) -> m.PlanChange | None:
        """The booked change (the flow's answer)."""
        return self.view.answer

    @property
    def consented(self) -> m.Agreement | None:
        """The agreement accepted with the booked change (it goes on the receipt)."""
        choice = self.view.answered_choice
        return choice.agreement if choice is not None else None

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        if isinstance(params, CompareParams):
            self._clear()
            self.options, self.code = params.options, params.code
        self.retranslate()
        if self.options is None:  # nothing chosen (e.g. "back" into a wiped screen)
            QTimer.singleShot(0, self.go_back.emit)  # after the navigator finished showing us

    def reset(self) -> None:
        self._clear()

    def retranslate(self) -> None:
        super().retranslate()
        self.head_current.setText(self.tr("plan.head_current"))
        self.head_usage.setText(self.tr("plan.head_usage"))
        for label, key in zip(self.result_labels, RESULT_KEYS, strict=True):
            label.setText(self.tr(key))
        self.head_chosen.setText(self.tr("plan.head_chosen"))
        for label, key in zip(self.row_labels, ROW_KEYS, strict=True):
            label.setText(self.tr(key))
        self.change_button.setText(self.tr("plan.change"))
        self.receipt_button.setText(self.tr("plan.print_receipt"))
        self.confirm.retranslate()
        self.print_panel.retranslate()
        if self.options is not None:
            self._fill(self.options)
            if self.view.asking is not None:
                self._ask(self.options)  # a new language: the same question, the same consent
        if self.change is not None:
            self._show_result(self.change)

    # Comparison ---------------------------------------------------------------------------
    def _clear(self) -> None:
        self.view.reset()
        self.options = None
        self.code = ""
        self.agreement = None
        self.name_current.clear()
        self.name_chosen.clear()
        for label in (*self.usage_cells, *(c for pair in self.cells for c in pair)):
            label.clear()
        for label in (*self.result_values, self.services):
            label.clear()
        self.note.clear()
        self.difference.clear()
        self.same_note.hide()
        self.comparison.show()
        self.action_row.show()
        self.change_button.setEnabled(True)
        self.result_card.clear()
        self.services.hide()
        self.print_panel.reset()
        self.clear_messages()

    def _cells(self, e: kp.PlanEstimate, usage: kp.AverageUsage | None) -> list[str]:
        plan = e.plan
        if usage is None:
            overage = estimate = self.tr("plan.unknown")
        else:
            overage = format_fen(e.overage_fen)
            if e.overages:
                parts = [self._overage_text(o) for o in e.overages]
                overage = self.tr("plan.overage", amount=overage, parts=self._join(parts))
            estimate = format_fen(e.total_fen)
        return [
            self.tr("plan.per_month", amount=format_fen(plan.monthly_fee_fen)),
            self.tr("plan.minutes", n=plan.included_minutes),
            self.tr("plan.sms", n=plan.included_sms),
            kp.format_mb(plan.included_data_mb),
            overage,
            estimate,
        ]

    def _usage_cells(self, usage: kp.AverageUsage | None) -> list[str]:
        """The customer's average beside the allowances it is measured against."""
        if usage is None:
            return [""] * len(ROW_KEYS)
        return [
            "",
            self.tr("plan.minutes", n=usage.minutes),
            self.tr("plan.sms", n=usage.sms),
            kp.format_mb(usage.data_mb),
            "",
            "",
        ]

    def _join(self, parts: Sequence[str]) -> str:
        return self.tr("plan.list_sep").join(parts)

    def _overage_text(self, o: kp.Overage) -> str:
        quantity = {
            kp.UsageKind.VOICE: lambda: self.tr("plan.minutes", n=o.quantity),
            kp.UsageKind.SMS: lambda: self.tr("plan.sms", n=o.quantity),
            kp.UsageKind.DATA: lambda: kp.format_mb(o.quantity),
        }[o.kind]()
        return self.tr("plan.overage_part", quantity=quantity)

    def _fill(self, options: kp.PlanOptions) -> None:
        chosen = options.estimate(self.code)
        current = options.current
        self.name_current.setText(self.term(current.plan.name))
        self.name_chosen.setText(self.term(chosen.plan.name))
        left = self._cells(current, options.usage)
        right = self._cells(chosen, options.usage)
        for (a, b), x, y in zip(self.cells, left, right, strict=True):
            a.setText(x)
            b.setText(y)
        usage = options.usage
        self.head_usage.setVisible(usage is not None)
        for label, text in zip(self.usage_cells, self._usage_cells(usage), strict=True):
            label.setText(text)
            label.setVisible(usage is not None)
        self.note.setText(
            self.tr("plan.compare_note", months=usage.months)
            if usage is not None
            else self.tr("plan.advice_none")
        )
        self.difference.setText(difference_text(self, options, self.code))
        offer = kp.may_change_to(options, self.code) and self.change is None
        self.action_row.setVisible(offer and self.confirm.isHidden())
        if chosen.is_booked:
            self.same_note.setText(
                self.tr("plan.already_booked", date=options.effective_on.isoformat())
            )
        elif chosen.is_current and not offer:
            self.same_note.setText(self.tr("plan.is_current"))
        self.same_note.setVisible(not offer and self.change is None)

    # Transaction --------------------------------------------------------------------------
    def _on_change_button_clicked(self) -> None:
        if self.options is None or self.change is not None or self.loading:
            return
        self.clear_messages()
        self._ask_with_agreement()

    def _ask_with_agreement(self, notice: str = "") -> None:
        """Fetch the agreement in force, then ask (``notice`` says why we ask again)."""
        ctx = self.ctx
        self.change_button.setEnabled(False)

        def loaded(agreement: m.Agreement) -> None:
            self.change_button.setEnabled(True)
            if self.options is None or self.change is not None:
                return
            self.agreement = agreement
            self._ask(self.options)
            if notice:
                self.show_error(notice)

        def failed(_exc: Exception) -> None:
            self.change_button.setEnabled(True)
            self.view.close()
            self.comparison.show()
            if self.options is not None:
                self._fill(self.options)

        self.fetch(
            lambda: ctx.backend.agreement(ka.PLAN_CHANGE),
            loaded,
            busy_key="agreement.loading",
            on_error=failed,
        )

    def _ask(self, options: kp.PlanOptions) -> None:
        chosen = options.estimate(self.code).plan
        date = options.effective_on.isoformat()
        rows = [
            (self.tr("plan.confirm_from"), self.term(options.current.plan.name)),
            (self.tr("plan.confirm_to"), self.term(chosen.name)),
            (
                self.tr("plan.confirm_fee"),
                self.tr("plan.per_month", amount=format_fen(chosen.monthly_fee_fen)),
            ),
            (self.tr("plan.confirm_date"), date),
        ]
        # The comparison gives way to the question (both do not fit a 1080p screen).
        self.comparison.hide()
        self.action_row.hide()
        if self.agreement is None:
            return
        self.view.ask(
            PlanChoice(self.code, self.agreement),
            self.tr("plan.confirm_title", plan=self.term(chosen.name)),
            rows,
            self.tr("plan.confirm_note", date=date),
            agreement=self.agreement,
        )

    def _on_confirm_cancelled(self) -> None:
        self.comparison.show()
        if self.options is not None:
            self._fill(self.options)

    def _on_change_refused(self, exc: Exception) -> None:
        from kiosk.backend.errors import AgreementOutdated, Conflict, NotFound

        if isinstance(exc, AgreementOutdated):
            # The operator updated the text meanwhile: read the new one and agree again.
            self._ask_with_agreement(notice=self.tr("agreement.updated"))
            return
        self.comparison.show()
        if isinstance(exc, Conflict | NotFound):
            # The backend refused (e.g. booked meanwhile at another terminal): nothing changed.
            self.show_error(self.tr("plan.refused", detail=self.term(exc.message)))
        if self.options is not None:
            self._fill(self.options)

    def _on_changed(self, _choice: PlanChoice, change: m.PlanChange) -> None:
        self._show_result(change)
        self.finish()

    def _show_result(self, change: m.PlanChange) -> None:
        self.comparison.hide()
        self.action_row.hide()
        self.same_note.hide()
        values = (
            self.term(change.to_plan.name),
            change.effective_on.isoformat(),
            change.transaction_id,
        )
        for label, value in zip(self.result_values, values, strict=True):
            label.setText(value)
        self.result_card.show(
            self.tr("plan.done"), self.tr("plan.confirm_note", date=change.effective_on.isoformat())
        )
        lines = []
        if change.services_kept:
            lines.append(
                self.tr(
                    "plan.services_kept",
                    names=self._join([self.term(n) for n in change.services_kept]),
                )
            )
        if change.services_cancelled:
            lines.append(
                self.tr("plan.services_cancelled", names=self._join(change.services_cancelled))
            )
        if change.services_opened:
            lines.append(self.tr("plan.services_opened", names=self._join(change.services_opened)))
        self.services.setText("\n".join(lines))
        self.services.setVisible(bool(lines))

    def _receipt(self) -> TransactionReceipt | None:
        change = self.change
        if change is None:
            return None
        return kp.plan_change_receipt(
            change, doc_terminal(self.ctx), doc_customer(self.ctx), hall_now(), self.consented
        )
