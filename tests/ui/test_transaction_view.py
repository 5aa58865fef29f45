"""TransactionView: one declared transaction on a screen, the same lifecycle for every one.

The question, cancel, a lost answer (the question reopens, confirming again reuses the key), a
refusal (the question closes, the key is spent), a screen without a question (its trigger comes
back after a lost answer), a language switch that asks again (the consent stays). Asserted on
the keys the backend received, the journal's rows and the widgets shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.backend.models import Factor
from kiosk.config import Config
from kiosk.devices.printer.slips import PrintState
from kiosk.flows.declared import SUSPEND
from kiosk.flows.transaction import Phase
from kiosk.idle import ScreenKind
from kiosk.journal import EntryStatus, Journal
from kiosk.line import LineAction, line_receipt
from kiosk.session import Customer, EndReason
from printer.receipts.transaction import TransactionReceipt
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import AppContext, Lazy, Services
from ui.screen import Screen
from ui.shared.customer import doc_customer, doc_terminal
from ui.shell import Shell
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import ReceiptOffer
from ui.widgets.transaction import TransactionView

PHONE = "13800138000"
TERMS = m.Agreement("plan_change", "v2", "入网协议", "第一条 ……")


class _Backend(StubBackend):
    """Answers 报停 from a script: an exception to raise, or None for a done transaction."""

    def __init__(self) -> None:
        self.keys: list[str | None] = []
        self.script: list[Exception | None] = []

    def suspend(self, idempotency_key: str | None = None) -> m.TransactionResult:
        self.keys.append(idempotency_key)
        step = self.script.pop(0) if self.script else None
        if step is not None:
            raise step
        return m.TransactionResult(
            f"T-{len(self.keys)}",
            "suspend",
            m.LineStatus.SUSPENDED,
            dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            "",
        )


class _Line(Screen):
    screen_id = "tx_view"
    kind = ScreenKind.ORDINARY
    title_key = "line.status_title"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.confirm = ConfirmPanel(ctx.translator)
        self.layout_.addWidget(self.confirm)
        self.done: list[tuple[LineAction, m.TransactionResult]] = []
        self.refused: list[Exception] = []
        self.lost = 0
        self.cancelled = 0
        self.view = TransactionView(
            self,
            SUSPEND,
            self.confirm,
            lambda choice, answer: self.done.append((choice, answer)),
            on_refused=self.refused.append,
            on_cancelled=self._on_cancelled,
        )
        self.direct = TransactionView(self, SUSPEND, None, lambda c, a: None, on_lost=self._on_lost)
        self.prepared: list[int] = []  # how many requests the backend had when prepare ran
        self.prepared_view = TransactionView(
            self, SUSPEND, None, lambda c, a: None, prepare=self._prepare
        )

    def _prepare(self) -> None:
        backend = self.ctx.backend
        assert isinstance(backend, _Backend)
        self.prepared.append(len(backend.keys))

    def _on_cancelled(self) -> None:
        self.cancelled += 1

    def _on_lost(self) -> None:
        self.lost += 1

    def ask(self, agreement: m.Agreement | None = None) -> None:
        self.view.ask(
            LineAction.SUSPEND, "报停 138****8000？", [("号码", "138****8000")], agreement=agreement
        )


@pytest.fixture
def backend() -> _Backend:
    return _Backend()


@pytest.fixture
def shell(
    app: QApplication, clock: ManualClock, tmp_path: Path, backend: _Backend
) -> Iterator[Shell]:
    journal = Journal(tmp_path / "journal.sqlite3")
    services = Services(
        journal=Lazy(lambda: journal, lambda _j: None),
        backend=Lazy(lambda: backend, lambda _b: None),
    )
    built = build_shell(
        Config(), app, ShellOptions(runner=SyncRunner(), clock=clock, services=services)
    )
    show_painted(built)
    built.add_screen(_Line(built.ctx))
    built.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.PASSWORD}))
    built.navigator.go("tx_view")
    yield built
    teardown(built)
    journal.close()
    QApplication.processEvents()


def _screen(shell: Shell) -> _Line:
    screen = shell.navigator.current
    assert isinstance(screen, _Line)
    return screen


def _journal(shell: Shell) -> list[tuple[str, EntryStatus, str | None]]:
    return [(e.idempotency_key, e.status, e.transaction_id) for e in shell.ctx.journal.recent()]


def test_cancel_sends_nothing(shell: Shell, backend: _Backend) -> None:
    screen = _screen(shell)
    screen.ask()
    assert screen.view.asking is LineAction.SUSPEND and screen.confirm.isVisible()
    screen.confirm.cancel_button.click()
    assert screen.view.flow.phase is Phase.BROWSING and screen.view.asking is None
    assert screen.cancelled == 1 and screen.confirm.isHidden()
    assert backend.keys == [] and _journal(shell) == []


def test_a_lost_answer_reopens_the_question_and_confirming_again_reuses_the_key(
    shell: Shell, backend: _Backend
) -> None:
    screen = _screen(shell)
    backend.script = [be.BackendTimeout()]
    screen.ask()
    screen.confirm.confirm_button.click()
    assert screen.view.flow.phase is Phase.OUTCOME_UNKNOWN
    assert screen.error.text() == screen.tr("error.outcome_unknown")
    assert screen.confirm.isVisible() and screen.confirm.confirm_button.isEnabled()
    assert screen.refused == [] and screen.done == []
    assert screen.transaction_unsettled()
    screen.ask()  # a language switch renders the question again: still unsettled
    assert screen.view.flow.phase is Phase.OUTCOME_UNKNOWN and screen.transaction_unsettled()
    screen.confirm.confirm_button.click()
    assert len(backend.keys) == 2 and backend.keys[0] == backend.keys[1]
    assert screen.view.answer is not None and screen.view.answer.transaction_id == "T-2"
    assert screen.view.answered_choice is LineAction.SUSPEND
    assert screen.done == [(LineAction.SUSPEND, screen.view.answer)]
    assert screen.confirm.isHidden()
    assert _journal(shell) == [(backend.keys[0], EntryStatus.DONE, "T-2")]


def test_a_refusal_closes_the_question_and_spends_the_key(shell: Shell, backend: _Backend) -> None:
    screen = _screen(shell)
    backend.script = [be.Conflict("号码状态已变化")]
    screen.ask()
    screen.confirm.confirm_button.click()
    assert screen.view.flow.phase is Phase.FAILED and screen.confirm.isHidden()
    assert [type(e) for e in screen.refused] == [be.Conflict]
    assert screen.error.isVisible() and screen.view.answer is None
    screen.ask()  # asking again is a new transaction
    screen.confirm.confirm_button.click()
    assert len(backend.keys) == 2 and backend.keys[0] != backend.keys[1]
    assert [status for _k, status, _t in _journal(shell)] == [
        EntryStatus.DONE,
        EntryStatus.FAILED,
    ]


def test_without_a_question_a_lost_answer_hands_the_trigger_back(
    shell: Shell, backend: _Backend
) -> None:
    screen = _screen(shell)
    backend.script = [be.BackendUnavailable("no route")]
    screen.direct.send(LineAction.SUSPEND)
    assert screen.lost == 1 and screen.direct.flow.phase is Phase.OUTCOME_UNKNOWN
    assert screen.error.text() == screen.tr("error.outcome_unknown")
    screen.direct.send(LineAction.SUSPEND)
    assert backend.keys[0] == backend.keys[1] and screen.direct.answer is not None


def test_prepare_runs_before_each_request_leaves(shell: Shell, backend: _Backend) -> None:
    screen = _screen(shell)
    backend.script = [be.BackendTimeout()]
    screen.prepared_view.send(LineAction.SUSPEND)
    screen.prepared_view.send(LineAction.SUSPEND)  # the retry after the lost answer too
    assert screen.prepared == [0, 1] and len(backend.keys) == 2
    assert screen.prepared_view.answer is not None


def test_asking_again_keeps_the_consent(shell: Shell) -> None:
    screen = _screen(shell)
    screen.ask(TERMS)
    assert not screen.confirm.confirm_button.isEnabled()  # 我已阅读并同意 first
    screen.confirm.consent_button.click()
    screen.ask(TERMS)  # e.g. a language switch renders the question again
    assert screen.confirm.consented and screen.confirm.confirm_button.isEnabled()
    screen.view.close()
    screen.ask(TERMS)  # a new question starts unchecked
    assert not screen.confirm.consented


def test_the_session_end_forgets_the_answer(shell: Shell, backend: _Backend) -> None:
    screen = _screen(shell)
    screen.ask()
    screen.confirm.confirm_button.click()
    assert screen.view.answer is not None
    shell.end_session(EndReason.CUSTOMER)
    assert screen.view.answer is None and screen.view.flow.phase is Phase.BROWSING


def test_the_receipt_button_steps_aside_while_the_panel_asks(shell: Shell) -> None:
    screen = _screen(shell)
    panel = PrintPanel(shell.ctx)
    button = QPushButton()
    screen.layout_.addWidget(panel)
    screen.layout_.addWidget(button)

    def receipt() -> TransactionReceipt | None:
        # A done transaction's receipt (what it says does not matter here: no printer).
        return line_receipt(
            m.TransactionResult(
                "T-1", "suspend", m.LineStatus.SUSPENDED, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), ""
            ),
            doc_terminal(shell.ctx),
            doc_customer(shell.ctx),
        )

    offer = ReceiptOffer(button, panel, receipt)
    assert button.isHidden()  # nothing done yet
    offer.ready()
    assert button.isVisible()
    button.click()
    assert button.isHidden() and panel.isVisible()  # the panel asks (here: no printer)
    assert panel.state is PrintState.FAILED
    panel.cancel_button.click()  # 关闭
    assert button.isVisible() and panel.isHidden()  # another copy is one tap away
    offer.clear()
    assert button.isHidden()
