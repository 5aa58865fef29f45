"""服务密码重置: the new 6-digit password typed twice on a shuffled keypad, checked locally
against the operator's rules, confirmed once more, then set by the backend.

The digits are never shown (dots), never logged and never journaled: the idempotency choice
is a per-attempt token, and every exit (done, cancel, refusal, leaving, session end) drops the
typed digits and clears the keypad.
"""

from __future__ import annotations

import enum
import secrets
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.masking import mask_phone
from kiosk.backend import models as m
from kiosk.idle import ScreenKind
from kiosk.line import confirmation_problem, line_receipt, password_problem
from kiosk.transactions import TransactionKind
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.card import card
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.keypad import Keypad
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import ResultCard, offer_receipt


class EntryStep(enum.Enum):
    """Where the customer is in the reset."""

    FIRST = "first"  # type the new password
    SECOND = "second"  # type it again
    CONFIRM = "confirm"  # the second confirmation (双重确认) is showing
    DONE = "done"


class PasswordResetScreen(Screen):
    """Reset the service password (needs Access.SENSITIVE: ID card + SMS code)."""

    screen_id = "line_password"
    kind = ScreenKind.ENTRY
    title_key = "line.password_title"
    hint_key = "line.password_hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.step_label = self.label(role="value")
        self.prompt_label = self.label(role="caption")
        self.rules_label = self.label(role="caption")
        self.keypad = Keypad(ctx.translator, length=6, secret=True)
        self.keypad.submitted.connect(self._on_keypad_submitted)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(32)
        row.addWidget(
            card(self.step_label, self.prompt_label, self.rules_label),
            1,
            Qt.AlignmentFlag.AlignTop,
        )
        row.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop)
        self.entry = QWidget()
        self.entry.setLayout(row)
        self.layout_.addWidget(self.entry)
        self.confirm_panel = ConfirmPanel(ctx.translator)
        self.confirm_panel.confirmed.connect(self._on_confirm_panel_confirmed)
        self.confirm_panel.cancelled.connect(self._on_confirm_panel_cancelled)
        self.layout_.addWidget(self.confirm_panel)
        self.result_card = ResultCard(self, self._on_receipt_clicked)
        self.layout_.addWidget(self.result_card.frame)
        self.print_panel = PrintPanel(ctx)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self.step = EntryStep.FIRST
        self.result: m.TransactionResult | None = None
        # The typed digits live only here, only until the step they serve is over.
        self._first = ""
        self._new = ""
        self._attempt: str | None = None

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: Any) -> None:
        self.reset()

    def leave(self) -> None:
        self._wipe()
        self.confirm_panel.close_question()

    def reset(self) -> None:
        self.result = None
        self.result_card.clear()
        self.print_panel.reset()
        self.clear_messages()
        self._start_over()

    def retranslate(self) -> None:
        super().retranslate()
        self.keypad.retranslate()
        self.confirm_panel.retranslate()
        self.print_panel.retranslate()
        self.result_card.receipt_button.setText(self.tr("line.print_receipt"))
        self.rules_label.setText(self.tr("line.pw_rules"))
        first = self.step is not EntryStep.SECOND
        self.step_label.setText(self.tr("line.pw_step1" if first else "line.pw_step2"))
        self.prompt_label.setText(
            self.tr("line.pw_prompt1" if first else "line.pw_prompt2", phone=self._masked_phone())
        )
        if self.step is EntryStep.CONFIRM and not self.loading:
            self._ask()
        if self.result is not None:
            self._show_result()

    # Entry --------------------------------------------------------------------------------
    def _masked_phone(self) -> str:
        customer = self.ctx.sessions.current.customer
        return mask_phone(customer.phone) if customer is not None else ""

    def _wipe(self) -> None:
        """Forget every typed digit (and the attempt they belonged to)."""
        self._first = ""
        self._new = ""
        self._attempt = None
        self.keypad.reset()  # clears the dots and reshuffles the keys

    def _start_over(self) -> None:
        """Back to the first entry, nothing typed (a shown error stays)."""
        self._wipe()
        self.confirm_panel.close_question()
        self.step = EntryStep.FIRST
        self.entry.show()
        self.retranslate()

    def _on_keypad_submitted(self, digits: str) -> None:
        customer = self.ctx.sessions.current.customer
        if customer is None or self.step not in (EntryStep.FIRST, EntryStep.SECOND):
            self._wipe()
            return
        self.keypad.reset()
        self.clear_messages()
        if self.step is EntryStep.FIRST:
            problem = password_problem(digits, customer.phone)
            if problem is not None:
                self.show_error(self.tr(problem.text_key))
                return
            self._first = digits
            self.step = EntryStep.SECOND
            self.retranslate()
            return
        problem = confirmation_problem(self._first, digits)
        if problem is not None:
            self._start_over()
            self.show_error(self.tr(problem.text_key))
            return
        self._new, self._first = digits, ""
        # The transaction's choice: a token for this attempt, never the password itself.
        self._attempt = secrets.token_hex(8)
        self.step = EntryStep.CONFIRM
        self._ask()

    def _ask(self) -> None:
        self.entry.hide()
        phone = self._masked_phone()
        self.confirm_panel.ask(
            self.tr("line.pw_confirm_title", phone=phone),
            [
                (self.tr("line.row_business"), self.tr("line.pw_business")),
                (self.tr("line.row_phone"), phone),
                (self.tr("line.row_effective"), self.tr("line.effective_now")),
            ],
            self.tr("line.pw_confirm_note"),
        )

    # Transaction --------------------------------------------------------------------------
    def _on_confirm_panel_cancelled(self) -> None:
        self.clear_messages()
        self._start_over()

    def _on_confirm_panel_confirmed(self) -> None:
        password, attempt = self._new, self._attempt
        if not password or attempt is None or self.loading:
            return
        ctx = self.ctx
        self.transact(
            TransactionKind.PASSWORD_RESET,
            attempt,
            lambda key: ctx.backend.reset_password(password, idempotency_key=key),
            lambda r: r.transaction_id,
            self._on_reset_done,
            on_error=self._on_reset_failed,
            confirm=self.confirm_panel,
        )

    def _on_reset_failed(self, _exc: Exception) -> None:
        # Refused (a lost answer keeps the confirmation open: Screen.transact).
        error = self.error.text()
        self._start_over()
        self.show_error(error)

    def _on_reset_done(self, result: m.TransactionResult) -> None:
        self._wipe()
        self.result = result
        self.step = EntryStep.DONE
        self.confirm_panel.close_question()
        self.entry.hide()
        self._show_result()
        self.finish()

    def _show_result(self) -> None:
        self.result_card.show(self.tr("line.pw_done"), self.tr("line.pw_done_note"))

    def _on_receipt_clicked(self) -> None:
        if self.result is not None:
            offer_receipt(
                self.print_panel,
                line_receipt(self.result, doc_terminal(self.ctx), doc_customer(self.ctx)),
            )
