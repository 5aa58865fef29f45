"""报停 / 复机: the line's status, the one action it allows, a plain-words confirmation of
what happens next, then the backend's answer and a 业务受理单.

A lost phone (挂失) is handled as 报停: the backend has one suspension at the customer's
request, and the screen says so, so nobody looks for a button that does not exist.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from common.masking import mask_phone
from kiosk.backend import models as m
from kiosk.flows.declared import LINE_ACTIONS
from kiosk.idle import ScreenKind
from kiosk.line import LineAction, available_action, line_receipt
from printer.receipts.transaction import TransactionReceipt
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.card import card
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import ResultCard
from ui.widgets.transaction import TransactionView

STATUS_KEYS: dict[m.LineStatus, str] = {
    m.LineStatus.NORMAL: "line.status_normal",
    m.LineStatus.SUSPENDED: "line.status_suspended",
    m.LineStatus.ARREARS: "line.status_arrears",
}
EXPLAIN_KEYS: dict[m.LineStatus, str] = {
    m.LineStatus.NORMAL: "line.explain_normal",
    m.LineStatus.SUSPENDED: "line.explain_suspended",
    m.LineStatus.ARREARS: "line.explain_arrears",
}


class LineStatusScreen(Screen):
    """Suspend or resume the line (needs Access.SENSITIVE: ID card + SMS code)."""

    screen_id = "line_status"
    kind = ScreenKind.ORDINARY
    title_key = "line.status_title"
    hint_key = "line.status_hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.phone_caption = self.label(role="caption")
        self.phone_value = self.label(role="value")
        self.status_caption = self.label(role="caption")
        self.status_value = self.label(role="value")
        self.status_value.setObjectName("lineStatus")
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(40)
        grid.setVerticalSpacing(4)
        grid.addWidget(self.phone_caption, 0, 0)
        grid.addWidget(self.status_caption, 0, 1)
        grid.addWidget(self.phone_value, 1, 0)
        grid.addWidget(self.status_value, 1, 1)
        grid.setColumnStretch(1, 1)
        figures = QWidget()
        figures.setLayout(grid)
        self.explain = self.label(role="caption")
        self.lost_note = self.label(role="caption")
        self.action_button = QPushButton()
        self.action_button.setObjectName("lineAction")
        self.action_button.clicked.connect(self._on_action_button_clicked)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 8, 0, 0)
        actions.addWidget(self.action_button)
        actions.addStretch(1)
        self.action_row = QWidget()
        self.action_row.setLayout(actions)
        self.status_card = card(figures, self.explain, self.lost_note, self.action_row)
        self.status_card.hide()
        self.layout_.addWidget(self.status_card)
        self.confirm_panel = ConfirmPanel(ctx.translator)
        self.layout_.addWidget(self.confirm_panel)
        # 报停 and 复机 are two transaction kinds asked on the one panel.
        self.views = {
            action: TransactionView(
                self,
                tx,
                self.confirm_panel,
                self._on_done,
                on_refused=self._on_refused,
                on_cancelled=self._on_cancelled,
            )
            for action, tx in LINE_ACTIONS.items()
        }
        self.print_panel = PrintPanel(ctx)
        self.result_card = ResultCard(self, self.print_panel, self._receipt)
        self.layout_.addWidget(self.result_card.frame)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self.line_status: m.LineStatus | None = None

    @property
    def asking(self) -> LineAction | None:
        """The action the confirmation asks about."""
        return next((v.asking for v in self.views.values() if v.asking is not None), None)

    @property
    def result(self) -> m.TransactionResult | None:
        """The backend's answer to the action done here."""
        return next((v.answer for v in self.views.values() if v.answer is not None), None)

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        self.reset()
        self.retranslate()
        self._load()

    def leave(self) -> None:
        for view in self.views.values():
            view.close()

    def reset(self) -> None:
        self.line_status = None
        for view in self.views.values():
            view.reset()
        self.result_card.clear()
        self.print_panel.reset()
        self.status_card.hide()
        self.phone_value.clear()
        self.status_value.clear()
        self.clear_messages()

    def retranslate(self) -> None:
        super().retranslate()
        self.confirm_panel.retranslate()
        self.print_panel.retranslate()
        self.result_card.receipt_button.setText(self.tr("line.print_receipt"))
        self.phone_caption.setText(self.tr("line.row_phone"))
        self.status_caption.setText(self.tr("line.row_status"))
        self.lost_note.setText(self.tr("line.lost_note"))
        if self.line_status is not None:
            self._show_status(self.line_status)
        if self.asking is not None:
            self._ask(self.asking)
        if self.result is not None:
            self._show_result(self.result)

    # Status -------------------------------------------------------------------------------
    def _load(self, refusal: Exception | None = None) -> None:
        ctx = self.ctx

        def shown(overview: m.AccountOverview) -> None:
            self._show_status(overview.status)
            if refusal is not None:  # why the action was refused, above the truth
                self.show_error(self.describe(refusal))

        self.fetch(lambda: ctx.backend.overview(), shown)

    def action(self) -> LineAction | None:
        """What the customer may do now (None: nothing, or a transaction is done)."""
        if self.line_status is None or self.result is not None:
            return None
        return available_action(self.line_status)

    def _show_status(self, status: m.LineStatus) -> None:
        self.line_status = status
        self.phone_value.setText(self._masked_phone())
        self.status_value.setText(self.tr(STATUS_KEYS[status]))
        self.explain.setText(self.tr(EXPLAIN_KEYS[status]))
        self.explain.setVisible(self.result is None)  # once done, the result card explains
        action = self.action()
        self.lost_note.setVisible(action is LineAction.SUSPEND)
        self.action_row.setVisible(action is not None)
        if action is LineAction.SUSPEND:
            self.action_button.setText(self.tr("line.suspend_button"))
            self.action_button.setProperty("kind", "danger")
        elif action is LineAction.RESUME:
            self.action_button.setText(self.tr("line.resume_button"))
            self.action_button.setProperty("kind", "primary")
        self.action_button.style().unpolish(self.action_button)
        self.action_button.style().polish(self.action_button)
        self.status_card.setVisible(self.asking is None)

    # Confirmation and transaction ---------------------------------------------------------
    def _on_action_button_clicked(self) -> None:
        action = self.action()
        if action is None or self.loading:
            return
        self.clear_messages()
        self._ask(action)

    def _ask(self, action: LineAction) -> None:
        view = self.views[action]
        # The confirmation repeats the number and the business: the status card steps aside.
        self.status_card.hide()
        phone = self._masked_phone()
        if action is LineAction.SUSPEND:
            rows = [
                (self.tr("line.row_business"), self.tr("line.suspend_business")),
                (self.tr("line.row_phone"), phone),
                (self.tr("line.row_effective"), self.tr("line.effective_now")),
                (self.tr("line.row_fees"), self.tr("line.suspend_fees")),
            ]
            view.ask(
                action,
                self.tr("line.suspend_confirm_title", phone=phone),
                rows,
                self.tr("line.suspend_confirm_note"),
                confirm_key="line.suspend_confirm",
            )
        else:
            rows = [
                (self.tr("line.row_business"), self.tr("line.resume_business")),
                (self.tr("line.row_phone"), phone),
                (self.tr("line.row_effective"), self.tr("line.effective_now")),
            ]
            view.ask(
                action,
                self.tr("line.resume_confirm_title", phone=phone),
                rows,
                self.tr("line.resume_confirm_note"),
                confirm_key="line.resume_confirm",
            )

    def _masked_phone(self) -> str:
        customer = self.ctx.sessions.current.customer
        return mask_phone(customer.phone) if customer is not None else ""

    def _on_cancelled(self) -> None:
        if self.line_status is not None:
            self._show_status(self.line_status)

    def _on_refused(self, exc: Exception) -> None:
        from kiosk.backend.errors import Conflict

        if isinstance(exc, Conflict):
            # The status changed elsewhere (e.g. a payment, another terminal): show the truth.
            self._load(refusal=exc)
        elif self.line_status is not None:
            self._show_status(self.line_status)

    def _on_done(self, _action: LineAction, result: m.TransactionResult) -> None:
        self._show_result(result)
        self._show_status(result.status)
        self.finish()

    def _show_result(self, result: m.TransactionResult) -> None:
        if result.kind == LineAction.SUSPEND.value:
            self.result_card.show(self.tr("line.suspend_done"), self.tr("line.suspend_done_note"))
        else:
            self.result_card.show(self.tr("line.resume_done"), self.tr("line.resume_done_note"))

    def _receipt(self) -> TransactionReceipt | None:
        result = self.result
        if result is None:
            return None
        return line_receipt(result, doc_terminal(self.ctx), doc_customer(self.ctx))
