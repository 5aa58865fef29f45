"""我的业务's three transactions (退订, the order's quote, the SMS code) against a scripted backend
with idempotent keys: the one retry rule (a lost answer keeps the key for the same choice, a
refusal spends it), the agreement updated meanwhile asked again, a wrong SMS code with the
attempts left. Asserted on the keys and arguments the backend received, the journal's rows and
what the screen shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.backend.factors import Factor
from kiosk.config import Config
from kiosk.idle import ScreenKind
from kiosk.journal import EntryStatus, Journal
from kiosk.session import Customer
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Lazy, Services
from ui.screens.services.install import features as install_services
from ui.screens.services.services import ServicesScreen
from ui.shell import Shell

PHONE = "13800138000"
CODE = "246810"
VAS = m.ServiceKind.VAS
NEWS = m.Service("SJB", "手机报", VAS, "中国移动", "10658000", 300, "每日早晚两期新闻彩信")
RING = m.Service("CL", "彩铃", VAS, "中国移动", "10658888", 500, "对方呼叫您时听到您设置的音乐")
SINCE = dt.date(2021, 7, 15)
MONTH_END = dt.date(2026, 11, 30)


class _Backend(StubBackend):
    """One line holding 手机报, offering 彩铃. Each mutation takes the next step of ``script``:
    "" answers, "lose" applies and then times out, an exception is raised (nothing applied).
    A key seen before replays its first answer, as the backend does."""

    def __init__(self) -> None:
        self.script: list[str | Exception] = []
        self.calls: list[tuple[str, tuple[object, ...], str]] = []
        self.applied: dict[str, object] = {}  # key -> the first answer
        self.version = "2026.11"  # the agreement in force (the operator may update it)
        self.agreements_read = 0

    def services(self) -> m.ServiceList:
        return m.ServiceList((m.Subscription(NEWS, SINCE, None),), (RING,))

    def agreement(self, topic: str) -> m.Agreement:
        self.agreements_read += 1
        return m.Agreement(topic, self.version, f"增值业务订购条款 {self.version}", "一、……")

    def _apply(
        self, name: str, args: tuple[object, ...], key: str | None, answer: object
    ) -> object:
        assert key is not None
        self.calls.append((name, args, key))
        step = self.script.pop(0) if self.script else ""
        if isinstance(step, Exception):
            raise step
        first = self.applied.setdefault(key, answer)
        if step == "lose":
            raise be.BackendTimeout()
        return first

    def cancel_service(
        self, service_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange:
        change = m.ServiceChange(
            f"TX-{len(self.applied) + 1}", m.Subscription(NEWS, SINCE, MONTH_END)
        )
        answer = self._apply("cancel_service", (service_code,), idempotency_key, change)
        assert isinstance(answer, m.ServiceChange)
        return answer

    def order_service(
        self, service_code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.OrderQuote:
        if agreement_version != self.version:
            self.calls.append(("order_service", (service_code, agreement_version), ""))
            raise be.AgreementOutdated("协议已更新，请重新阅读并确认")
        quote = m.OrderQuote(
            f"Q-{len(self.applied) + 1}",
            RING,
            "回复验证码确认订购彩铃",
            500,
            "monthly",
            dt.date(2026, 12, 1),
            dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
        )
        args = (service_code, agreement_version)
        answer = self._apply("order_service", args, idempotency_key, quote)
        assert isinstance(answer, m.OrderQuote)
        return answer

    def confirm_order(
        self, quote_id: str, sms_code: str, idempotency_key: str | None = None
    ) -> m.ServiceChange:
        change = m.ServiceChange(f"TX-{len(self.applied) + 1}", m.Subscription(RING, SINCE, None))
        answer = self._apply("confirm_order", (quote_id, sms_code), idempotency_key, change)
        assert isinstance(answer, m.ServiceChange)
        return answer


@pytest.fixture
def backend() -> _Backend:
    return _Backend()


@pytest.fixture
def shell(
    app: QApplication, clock: ManualClock, tmp_path: Path, backend: _Backend
) -> Iterator[Shell]:
    journal = Journal(tmp_path / "journal.sqlite3")
    services = Services(
        backend=BackendHandle(lambda: backend), journal=Lazy(lambda: journal, lambda _j: None)
    )
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, services=services, installers=[install_services]
    )
    built = build_shell(Config(), app, options)
    show_painted(built)
    built.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    built.open_feature("services")
    yield built
    teardown(built)
    journal.close()
    QApplication.processEvents()


def _screen(shell: Shell) -> ServicesScreen:
    screen = shell.navigator.current
    assert isinstance(screen, ServicesScreen) and screen.state.services is not None
    return screen


def _journal(shell: Shell) -> list[tuple[str, str, EntryStatus, int | None]]:
    """(kind, key, status, amount), oldest first."""
    entries = reversed(shell.ctx.journal.recent())
    return [(e.kind, e.idempotency_key, e.status, e.amount_fen) for e in entries]


def _type(screen: ServicesScreen, code: str) -> None:
    keypad = screen.code_page.keypad
    for digit in code:
        keypad.digit_button(digit).click()
    keypad.submit_button().click()


def _quote(screen: ServicesScreen) -> None:
    screen.order_buttons["CL"].click()
    screen.confirm.consent_button.click()
    screen.confirm.confirm_button.click()


def test_a_lost_unsubscribe_is_confirmed_again_with_the_same_key(
    shell: Shell, backend: _Backend
) -> None:
    screen = _screen(shell)
    backend.script = ["lose"]
    screen.cancel_buttons["SJB"].click()
    screen.confirm.confirm_button.click()
    assert screen.error.text() == screen.tr("error.outcome_unknown")
    assert screen.confirm.isVisible() and screen.confirm.confirm_button.isEnabled()
    assert screen.transaction_unsettled()
    screen.confirm.confirm_button.click()  # 确认退订 again
    [(_n, args1, key1), (_m, args2, key2)] = backend.calls
    assert args1 == args2 == ("SJB",) and key1 == key2 and len(backend.applied) == 1
    assert _journal(shell) == [("service_cancel", key1, EntryStatus.DONE, None)]
    assert screen.confirm.isHidden() and screen.lists.isVisible()
    assert screen.state.done is not None and screen.state.done[0].transaction_id == "TX-1"
    assert screen.kind is ScreenKind.FINISHED


def test_a_refused_unsubscribe_spends_the_key(shell: Shell, backend: _Backend) -> None:
    screen = _screen(shell)
    backend.script = [be.Conflict("业务状态已变化")]
    screen.cancel_buttons["SJB"].click()
    screen.confirm.confirm_button.click()
    assert screen.confirm.isHidden() and screen.lists.isVisible() and screen.error.isVisible()
    screen.cancel_buttons["SJB"].click()  # asking again is a new transaction
    screen.confirm.confirm_button.click()
    [(_n, _a, key1), (_m, _b, key2)] = backend.calls
    assert key1 != key2
    assert [(k, s) for k, _key, s, _f in _journal(shell)] == [
        ("service_cancel", EntryStatus.FAILED),
        ("service_cancel", EntryStatus.DONE),
    ]


def test_a_lost_quote_keeps_the_question_and_its_consent(shell: Shell, backend: _Backend) -> None:
    screen = _screen(shell)
    backend.script = ["lose"]
    _quote(screen)
    assert screen.confirm.isVisible() and screen.confirm.consented
    assert screen.error.text() == screen.tr("error.outcome_unknown")
    screen.confirm.confirm_button.click()
    [(_n, args1, key1), (_m, args2, key2)] = backend.calls
    assert args1 == args2 == ("CL", "2026.11") and key1 == key2
    assert screen.code_page.isVisible() and screen.kind is ScreenKind.ENTRY
    assert screen.state.quote is not None and screen.state.quote.quote_id == "Q-1"


def test_an_agreement_updated_meanwhile_is_read_and_agreed_again(
    shell: Shell, backend: _Backend
) -> None:
    screen = _screen(shell)
    screen.order_buttons["CL"].click()
    backend.version = "2026.12"  # the operator updated the text while the customer read it
    screen.confirm.consent_button.click()
    screen.confirm.confirm_button.click()
    assert screen.error.text() == screen.tr("agreement.updated")
    assert screen.confirm.isVisible() and not screen.confirm.consented  # agree again
    assert screen.confirm.agreement_title.text() == "增值业务订购条款 2026.12"
    assert backend.agreements_read == 2
    screen.confirm.consent_button.click()
    screen.confirm.confirm_button.click()
    assert [args for _n, args, _k in backend.calls] == [("CL", "2026.11"), ("CL", "2026.12")]
    assert screen.code_page.isVisible()


def test_the_sms_code_retry_rule_and_a_wrong_code(shell: Shell, backend: _Backend) -> None:
    screen = _screen(shell)
    _quote(screen)
    backend.script = [be.AuthFailed("验证码不正确", remaining_attempts=2), "lose"]
    _type(screen, "000000")
    assert screen.error.text() == "验证码不正确，您还可以再试 2 次。"
    assert screen.code_page.keypad.text() == "" and screen.code_page.isVisible()
    _type(screen, CODE)  # lost: the keypad stays, the same code again reuses its key
    assert screen.error.text() == screen.tr("error.outcome_unknown")
    assert screen.code_page.isVisible()
    _type(screen, CODE)
    orders = [(args, key) for name, args, key in backend.calls if name == "confirm_order"]
    (wrong, key1), (lost, key2), (again, key3) = orders
    assert wrong == ("Q-1", "000000") and lost == again == ("Q-1", CODE)
    assert key1 != key2 and key2 == key3
    assert [(kind, status, fen) for kind, _k, status, fen in _journal(shell)] == [
        ("service_quote", EntryStatus.DONE, None),
        ("service_order", EntryStatus.FAILED, 500),
        ("service_order", EntryStatus.DONE, 500),
    ]
    assert screen.code_page.isHidden() and screen.state.done is not None
    change, quote = screen.state.done
    assert quote is not None and quote.quote_id == "Q-1" and change.subscription.service == RING
    assert screen.state.done_agreement is not None
    assert screen.state.done_agreement.version == "2026.11"  # goes on the receipt
