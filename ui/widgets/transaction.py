"""One declared transaction on a screen: the question, the request, the answer.

A screen owns a :class:`TransactionView` per declared transaction (kiosk/flows/declared.py)
and adds only its own content: what the question says (``ask``), what the result looks like
(``on_done``) and what else a refusal changes on it (``on_refused``). The view keeps the
lifecycle in the screen's :class:`~kiosk.flows.transaction.TransactionFlow` of that kind —
browsing, confirming, sending, outcome unknown, done, failed — so no screen keeps an "asking"
flag, a step enum or its own copy of the answer, and every screen follows the one retry rule:

- A lost answer (timeout, unreachable) says it may already be done; with a confirmation the
  question stays open (``ConfirmPanel.reopen``) and confirming again sends the same choice
  with the same idempotency key; without one (dispute, the SMS code of an order) the screen's
  trigger stays and the same choice again reuses the key (``Screen.transact``).
- A refusal closes the question, says why, and spends the key: asking again is new.
- Cancel closes the question: back to browsing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar, cast

from kiosk.backend.models import Agreement
from kiosk.flows.transaction import Phase, Transaction, TransactionFlow
from ui.screen import Screen
from ui.widgets.confirm import ConfirmPanel

C = TypeVar("C", bound=Hashable)
R = TypeVar("R")


class TransactionView(Generic[C, R]):
    """Drives ``screen``'s flow of ``tx.kind`` through ``confirm`` (if the screen asks)."""

    def __init__(
        self,
        screen: Screen,
        tx: Transaction[C, R],
        confirm: ConfirmPanel | None,
        on_done: Callable[[C, R], None],
        *,
        on_refused: Callable[[Exception], None] | None = None,
        on_lost: Callable[[], None] | None = None,
        on_cancelled: Callable[[], None] | None = None,
        prepare: Callable[[], None] | None = None,
    ) -> None:
        """``prepare`` runs on the worker before each request leaves: work the answer's
        widgets need that would stall the GUI thread (pay loads its QR encoder there)."""
        self.screen = screen
        self.tx = tx
        self.confirm = confirm
        self._on_done = on_done
        self._on_refused = on_refused
        self._on_lost = on_lost
        self._on_cancelled = on_cancelled
        self._prepare = prepare
        if confirm is not None:
            confirm.confirmed.connect(self._on_confirm_confirmed)
            confirm.cancelled.connect(self._on_confirm_cancelled)

    @property
    def flow(self) -> TransactionFlow:
        return self.screen.flow(self.tx.kind)

    @property
    def asking(self) -> C | None:
        """The choice the confirmation asks about (first time, or again after a lost answer)."""
        flow = self.flow
        return cast("C", flow.choice) if flow.asking else None

    @property
    def sending(self) -> bool:
        return self.flow.phase is Phase.SENDING

    @property
    def answer(self) -> R | None:
        """The backend's answer, once done (until :meth:`reset` or the next question)."""
        flow = self.flow
        return cast("R", flow.answer) if flow.phase is Phase.DONE else None

    @property
    def answered_choice(self) -> C | None:
        """The choice the answer is for (None before, or once a secret choice is forgotten)."""
        flow = self.flow
        return cast("C", flow.choice) if flow.phase is Phase.DONE else None

    def ask(
        self,
        choice: C,
        title: str,
        rows: Sequence[tuple[str, str]] = (),
        note: str = "",
        confirm_key: str = "confirm.confirm",
        agreement: Agreement | None = None,
    ) -> None:
        """Show the second confirmation for ``choice``; nothing is sent before it is confirmed.

        Asking the same choice again while it is open (a language switch) keeps the consent
        the customer gave; after a lost answer it stays unsettled and its key stays (one key
        per choice).
        """
        if self.confirm is None:
            raise TypeError(f"{self.tx.kind.value}: no confirmation on this screen")
        flow = self.flow
        again = flow.choice == choice and not self.confirm.isHidden()
        agreed = again and self.confirm.consented
        sending = flow.phase is Phase.SENDING
        # The same question again after a lost answer stays unsettled (Screen.
        # transaction_unsettled: the session maximum must not cut it) until it is resent.
        unsettled = flow.phase is Phase.OUTCOME_UNKNOWN and flow.choice == choice
        if not sending and not unsettled:
            flow.ask(choice)
        self.confirm.ask(title, rows, note, confirm_key, agreement)
        if agreed:
            self.confirm.consent_button.setChecked(True)
        if sending:
            self.confirm.confirm_button.setEnabled(False)  # one tap, one request

    def send(self, choice: C) -> None:
        """Send ``choice`` now (screens without a confirmation; the panel's 确认办理 calls it
        for the others)."""
        tx, ctx, prepare = self.tx, self.screen.ctx, self._prepare

        def call(key: str) -> R:  # on the worker
            if prepare is not None:
                prepare()
            return tx.call(ctx.backend, choice, key)

        self.screen.transact(
            tx.kind,
            choice,
            call,
            tx.reference,
            lambda answer: self._done(choice, answer),
            amount_fen=tx.amount_fen(choice),
            busy_key=tx.busy_key,
            on_error=self._failed,
            confirm=self.confirm,
        )

    def close(self) -> None:
        """The screen leaves the question (another month, the screen is left): not asking."""
        if self.confirm is not None:
            self.confirm.close_question()
        if self.flow.asking:
            self.flow.cancel()

    def forget_choice(self) -> None:
        """Drop a choice holding a secret (a new password) once it is answered."""
        if not self.sending:
            self.flow.forget_choice()

    def reset(self) -> None:
        """Session end or a new start: no question, nothing answered (a request still out is
        dropped by the session guard)."""
        if self.confirm is not None:
            self.confirm.close_question()
        if not self.sending:
            self.flow.reset()

    def _done(self, choice: C, answer: R) -> None:
        if self.confirm is not None:
            self.confirm.close_question()
        self._on_done(choice, answer)

    def _failed(self, exc: Exception) -> None:
        # With a confirmation, a lost answer never comes here: Screen.transact reopened it.
        if self.flow.retry_reuses_key:
            if self._on_lost is not None:
                self._on_lost()  # the screen's trigger again: the same choice, the same key
            return
        if self.confirm is not None:
            self.confirm.close_question()
        if self._on_refused is not None:
            self._on_refused(exc)

    def _on_confirm_confirmed(self) -> None:
        choice = self.asking
        if choice is None or self.screen.loading:
            return  # another transaction's question on a shared panel, or a request is out
        self.send(choice)  # (the panel emits only once 我已阅读并同意 is checked, if asked)

    def _on_confirm_cancelled(self) -> None:
        if not self.flow.asking:
            return  # the panel asked for another transaction of this screen
        self.flow.cancel()
        if self._on_cancelled is not None:
            self._on_cancelled()
