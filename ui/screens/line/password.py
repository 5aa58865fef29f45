"""服务密码重置: the new 6-digit password typed twice on a shuffled keypad, checked locally
against the operator's rules, confirmed once more, then set by the backend.

The digits are never shown (dots), never logged and never journaled: the idempotency choice
is a per-attempt token (kiosk/flows/declared.PasswordAttempt: the password takes no part in
its key or repr), and every exit (done, cancel, refusal, leaving, session end) drops the typed
digits and clears the keypad.
"""

from __future__ import annotations

import enum
import secrets

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.masking import mask_phone
from kiosk.backend import models as m
from kiosk.flows.declared import PASSWORD_RESET, PasswordAttempt
from kiosk.idle import ScreenKind
from kiosk.line import confirmation_problem, line_receipt, password_problem
from printer.receipts.transaction import TransactionReceipt
from ui.context import AppContext
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.card import card
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.keypad import Keypad
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import ResultCard
from ui.widgets.transaction import TransactionView


class EntryStep(enum.Enum):
    """Where the customer is in the reset."""

    FIRST = "first"  # type the new password
    SECOND = "second"  # type it again
    CONFIRM = "confirm"  # the second confirmation (双重确认) is showing (the flow says so)
    DONE = "done"  # the backend answered (the flow says so)


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
        self.layout_.addWidget(self.confirm_panel)
        self.view = TransactionView(
            self,
            PASSWORD_RESET,
            self.confirm_panel,
            self._on_reset_done,
            on_refused=self._on_reset_refused,
            on_cancelled=self._on_cancelled,
        )
        self.print_panel = PrintPanel(ctx)
        self.result_card = ResultCard(self, self.print_panel, self._receipt)
        self.layout_.addWidget(self.result_card.frame)
        self.layout_.addWidget(self.print_panel)
        self.layout_.addStretch(1)
        self._entry_step = EntryStep.FIRST  # FIRST or SECOND: the screen's own steps
        # The first typed entry lives only here, only until the second one is checked; the
        # confirmed one lives in the flow's choice until the backend answered.
        self._first = ""

    @property
    def step(self) -> EntryStep:
        if self.view.answer is not None:
            return EntryStep.DONE
        if self.view.asking is not None or self.view.sending:
            return EntryStep.CONFIRM
        return self._entry_step

    @property
    def result(self) -> m.TransactionResult | None:
        return self.view.answer

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        self.reset()

    def leave(self) -> None:
        self._wipe()

    def reset(self) -> None:
        self.view.reset()
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
        attempt = self.view.asking
        if attempt is not None:
            self._ask(attempt)
        if self.result is not None:
            self._show_result()

    # Entry --------------------------------------------------------------------------------
    def _masked_phone(self) -> str:
        customer = self.ctx.sessions.current.customer
        return mask_phone(customer.phone) if customer is not None else ""

    def _wipe(self) -> None:
        """Forget every typed digit (and the attempt they belonged to)."""
        self._first = ""
        self.view.close()
        self.view.forget_choice()
        self.keypad.reset()  # clears the dots and reshuffles the keys

    def _start_over(self) -> None:
        """Back to the first entry, nothing typed (a shown error stays)."""
        self._wipe()
        self._entry_step = EntryStep.FIRST
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
            self._entry_step = EntryStep.SECOND
            self.retranslate()
            return
        problem = confirmation_problem(self._first, digits)
        if problem is not None:
            self._start_over()
            self.show_error(self.tr(problem.text_key))
            return
        self._first = ""
        # The transaction's choice: a token for this attempt (its key), with the password.
        self._ask(PasswordAttempt(secrets.token_hex(8), digits))

    def _ask(self, attempt: PasswordAttempt) -> None:
        self.entry.hide()
        phone = self._masked_phone()
        self.view.ask(
            attempt,
            self.tr("line.pw_confirm_title", phone=phone),
            [
                (self.tr("line.row_business"), self.tr("line.pw_business")),
                (self.tr("line.row_phone"), phone),
                (self.tr("line.row_effective"), self.tr("line.effective_now")),
            ],
            self.tr("line.pw_confirm_note"),
        )

    # Transaction --------------------------------------------------------------------------
    def _on_cancelled(self) -> None:
        self.clear_messages()
        self._start_over()

    def _on_reset_refused(self, _exc: Exception) -> None:
        # Refused (the message says why): the password is typed afresh.
        self._start_over()

    def _on_reset_done(self, _attempt: PasswordAttempt, _result: m.TransactionResult) -> None:
        self._wipe()  # the flow keeps the answer, not the password
        self.entry.hide()
        self._show_result()
        self.finish()

    def _show_result(self) -> None:
        self.result_card.show(self.tr("line.pw_done"), self.tr("line.pw_done_note"))

    def _receipt(self) -> TransactionReceipt | None:
        result = self.result
        if result is None:
            return None
        return line_receipt(result, doc_terminal(self.ctx), doc_customer(self.ctx))
