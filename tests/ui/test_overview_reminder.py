"""The balance reminder on 账户概览 (the declared REMINDER through a TransactionView): the
journal keeps the threshold as the amount, a lost answer keeps the key for the same threshold,
a refusal spends it. Asserted on the keys the backend received, the journal's rows and the
screen's lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.backend.factors import Factor
from kiosk.config import Config
from kiosk.journal import EntryStatus, Journal
from kiosk.money import LineMoney, MoneyKind
from kiosk.session import Customer
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Lazy, Services
from ui.screens.account.install import features as install_account
from ui.screens.account.overview import OverviewScreen
from ui.shell import Shell

PHONE = "13912345678"
PLAN = m.Plan("SZX18", "神州行18元套餐", "神州行", 1800, 100, 50, 1024, 19, 10, 29, "")


class _Reminders(StubBackend):
    """A pre-paid line whose reminder threshold is set from a script of outcomes."""

    def __init__(self) -> None:
        self.threshold: int | None = None
        self.keys: list[tuple[int | None, str | None]] = []
        self.applied: dict[str, m.ReminderSetting] = {}  # key -> answer (idempotent)
        self.script: list[str] = []  # "lose": apply, then time out; "refuse": Conflict

    def overview(self) -> m.AccountOverview:
        return m.AccountOverview(
            month="2026-11",
            phone_masked="139****5678",
            name_masked="李*",
            brand="神州行",
            status=m.LineStatus.NORMAL,
            is_prepaid=True,
            balance_fen=5000,
            credit_fen=0,
            money=LineMoney(MoneyKind.PREPAID, 5000, 0, 0),
            month_to_date_fen=800,
            days_until_suspension=40,
            reminder_threshold_fen=self.threshold,
            plan=PLAN,
            next_plan=None,
            usage=(),
        )

    def set_reminder_threshold(
        self, threshold_fen: int | None, idempotency_key: str | None = None
    ) -> m.ReminderSetting:
        self.keys.append((threshold_fen, idempotency_key))
        step = self.script.pop(0) if self.script else ""
        if step == "refuse":
            raise be.Conflict("暂时不能设置")
        assert idempotency_key is not None
        answer = self.applied.get(idempotency_key)
        if answer is None:
            self.threshold = threshold_fen
            answer = m.ReminderSetting(threshold_fen, f"TX-{len(self.applied) + 1}")
            self.applied[idempotency_key] = answer
        if step == "lose":
            raise be.BackendTimeout()
        return answer


@pytest.fixture
def backend() -> _Reminders:
    return _Reminders()


@pytest.fixture
def shell(
    app: QApplication, clock: ManualClock, tmp_path: Path, backend: _Reminders
) -> Iterator[Shell]:
    journal = Journal(tmp_path / "journal.sqlite3")
    services = Services(
        backend=BackendHandle(lambda: backend), journal=Lazy(lambda: journal, lambda _j: None)
    )
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, services=services, installers=[install_account]
    )
    built = build_shell(Config(), app, options)
    show_painted(built)
    built.ctx.sessions.identify(Customer(PHONE, "李*", "神州行", {Factor.PASSWORD}))
    built.navigator.go("overview")
    yield built
    teardown(built)
    journal.close()
    QApplication.processEvents()


def _screen(shell: Shell) -> OverviewScreen:
    screen = shell.navigator.current
    assert isinstance(screen, OverviewScreen)
    assert screen.overview is not None
    return screen


def _journal(shell: Shell) -> list[tuple[str, int | None, EntryStatus, str | None]]:
    return [(e.kind, e.amount_fen, e.status, e.transaction_id) for e in shell.ctx.journal.recent()]


def test_a_lost_answer_and_the_same_threshold_again_is_one_setting(
    shell: Shell, backend: _Reminders
) -> None:
    screen = _screen(shell)
    backend.script = ["lose"]
    screen.reminder_buttons[2000].click()
    assert screen.error.text() == screen.tr("error.outcome_unknown")
    assert _journal(shell) == [("reminder", 2000, EntryStatus.UNKNOWN, None)]
    screen.reminder_buttons[2000].click()  # the same threshold: the same key
    (first, key1), (second, key2) = backend.keys
    assert (first, second) == (2000, 2000) and key1 == key2 and len(backend.applied) == 1
    assert _journal(shell) == [("reminder", 2000, EntryStatus.DONE, "TX-1")]
    assert screen.status.text() == screen.tr("overview.reminder_saved", current="¥20.00")
    assert screen.reminder_buttons[2000].isChecked()


def test_a_refusal_spends_the_key_and_switching_off_is_journaled_without_amount(
    shell: Shell, backend: _Reminders
) -> None:
    screen = _screen(shell)
    backend.script = ["refuse"]
    screen.reminder_buttons[1000].click()
    assert screen.error.isVisible() and backend.threshold is None
    screen.reminder_buttons[1000].click()  # asking again is a new transaction
    screen.reminder_buttons[None].click()  # and off again
    keys = [key for _fen, key in backend.keys]
    assert len(set(keys)) == 3
    assert [fen for fen, _key in backend.keys] == [1000, 1000, None]
    assert _journal(shell) == [
        ("reminder", None, EntryStatus.DONE, "TX-2"),
        ("reminder", 1000, EntryStatus.DONE, "TX-1"),
        ("reminder", 1000, EntryStatus.FAILED, None),
    ]
    assert screen.status.text() == screen.tr("overview.reminder_cleared")
    assert backend.threshold is None
