"""Password reset and 报停/复机 screens: what the customer sees at each step, the local
password rules, the double confirmation, the journal rows, and that no typed digit survives
an exit. The backend is a small stand-in with the server's rules (tests/ui/line_fakes.py);
tests/e2e/test_line_ui.py runs the same screens against the real backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.backend.factors import Access, Factor
from kiosk.config import Config
from kiosk.i18n import load_catalogue
from kiosk.idle import ScreenKind
from kiosk.journal import EntryStatus, Journal
from kiosk.session import Customer, EndReason
from tests.fixtures.qt import ManualClock, show_painted
from tests.ui.line_fakes import PHONE, LineBackend
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import Lazy, Services
from ui.screens.line.install import features as install_line
from ui.screens.line.password import EntryStep, PasswordResetScreen
from ui.screens.line.status import LineStatusScreen
from ui.shell import Shell

NEW = "135790"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def backend() -> LineBackend:
    return LineBackend()


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    journal = Journal(tmp_path / "journal.sqlite3")
    yield journal
    journal.close()


@pytest.fixture
def line_shell(
    app: QApplication, config: Config, clock: ManualClock, backend: LineBackend, journal: Journal
) -> Iterator[Shell]:
    services = Services(
        backend=Lazy(lambda: backend, lambda _b: None),
        journal=Lazy(lambda: journal, lambda _j: None),
    )
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, installers=[install_line], services=services
    )
    shell = build_shell(config, app, options)
    show_painted(shell)
    shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    yield shell
    teardown(shell)
    QApplication.processEvents()


def _click(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def _type(qtbot: QtBot, screen: PasswordResetScreen, digits: str) -> None:
    for digit in digits:
        _click(qtbot, screen.keypad.digit_button(digit))
    _click(qtbot, screen.keypad.submit_button())


def _visible_texts(screen: object) -> str:
    assert isinstance(screen, PasswordResetScreen | LineStatusScreen)
    return "\n".join(lab.text() for lab in screen.findChildren(QLabel) if lab.isVisible())


def _password_screen(shell: Shell) -> PasswordResetScreen:
    shell.open_feature("line_password")
    screen = shell.navigator.current
    assert isinstance(screen, PasswordResetScreen)
    return screen


def _status_screen(shell: Shell) -> LineStatusScreen:
    shell.open_feature("line_status")
    screen = shell.navigator.current
    assert isinstance(screen, LineStatusScreen)
    return screen


def _no_digits_left(screen: PasswordResetScreen) -> None:
    assert screen.keypad.text() == ""
    # Neither the first entry nor the confirmed attempt (the flow's choice) is kept.
    assert (screen._first, screen.view.flow.choice) == ("", None)
    assert "●" not in screen.keypad._display.text()


def test_both_tiles_need_id_card_and_sms(line_shell: Shell) -> None:
    features = {f.key: f for f in line_shell.registry.all()}
    assert features["line_password"].level is Access.SENSITIVE
    assert features["line_status"].level is Access.SENSITIVE
    assert {"line_password", "line_status"} <= set(line_shell.home_screen.tiles)
    line_shell.ctx.sessions.end(EndReason.CUSTOMER)
    line_shell.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.PASSWORD}))
    line_shell.open_feature("line_status")
    assert line_shell.navigator.current.screen_id == "identify"


def test_weak_password_is_refused_before_any_round_trip(
    line_shell: Shell, qtbot: QtBot, backend: LineBackend, journal: Journal
) -> None:
    screen = _password_screen(line_shell)
    assert screen.kind is ScreenKind.ENTRY  # the shorter entry timeout
    assert "第1步" in screen.step_label.text()
    for weak, says in (
        ("123456", "连续数字"),
        ("888888", "相同的数字"),
        ("138000", "手机号码"),
        ("121212", "过于简单"),
    ):
        _type(qtbot, screen, weak)
        assert says in screen.error.text() and screen.error.isVisible()
        assert screen.step is EntryStep.FIRST
        _no_digits_left(screen)
    assert journal.recent() == []
    assert backend.password == "864213"


def test_two_different_entries_start_over(line_shell: Shell, qtbot: QtBot) -> None:
    screen = _password_screen(line_shell)
    _type(qtbot, screen, NEW)
    assert screen.step is EntryStep.SECOND and "第2步" in screen.step_label.text()
    assert screen.keypad.text() == ""
    _type(qtbot, screen, "135791")
    assert "不一致" in screen.error.text()
    assert screen.step is EntryStep.FIRST
    _no_digits_left(screen)
    assert screen.confirm_panel.isHidden()


def test_reset_confirmed_journaled_finished_and_wiped(
    line_shell: Shell, qtbot: QtBot, backend: LineBackend, journal: Journal
) -> None:
    screen = _password_screen(line_shell)
    _type(qtbot, screen, NEW)
    _type(qtbot, screen, NEW)
    panel = screen.confirm_panel
    assert panel.isVisible() and screen.entry.isHidden()
    assert "138****8000" in panel.title.text()
    assert "立即生效" in "".join(v for _k, v in panel.rows)
    assert NEW not in _visible_texts(screen)
    assert backend.password == "864213"  # nothing is sent before 确认办理
    _click(qtbot, panel.confirm_button)
    assert backend.password == NEW
    assert screen.result_card.frame.isVisible()
    assert "服务密码已重置" in screen.result_card.text.text()
    assert panel.isHidden() and screen.entry.isHidden()
    assert screen.kind is ScreenKind.FINISHED
    assert "秒后自动返回首页" in screen.home_countdown.text()
    _no_digits_left(screen)
    assert NEW not in _visible_texts(screen)
    [entry] = journal.recent()
    assert (entry.kind, entry.status, entry.transaction_id) == (
        "password_reset",
        EntryStatus.DONE,
        "TX0001",
    )
    assert entry.masked_phone == "138****8000"
    assert NEW not in repr(entry)


def test_a_lost_answer_is_retried_with_the_same_key(
    line_shell: Shell, qtbot: QtBot, backend: LineBackend, journal: Journal
) -> None:
    screen = _password_screen(line_shell)
    _type(qtbot, screen, NEW)
    _type(qtbot, screen, NEW)
    backend.lose_next_answer = True
    _click(qtbot, screen.confirm_panel.confirm_button)
    assert screen.error.isVisible()  # calm "no answer" message
    assert screen.confirm_panel.isVisible() and screen.confirm_panel.confirm_button.isEnabled()
    assert [e.status for e in journal.recent()] == [EntryStatus.UNKNOWN]
    _click(qtbot, screen.confirm_panel.confirm_button)
    assert screen.result is not None
    assert len(backend.applied) == 1  # applied once, answered twice
    assert [(e.status, e.transaction_id) for e in journal.recent()] == [
        (EntryStatus.DONE, "TX0001")
    ]
    _no_digits_left(screen)


def test_a_refusal_wipes_the_entry_and_says_why(
    line_shell: Shell, qtbot: QtBot, backend: LineBackend, journal: Journal
) -> None:
    screen = _password_screen(line_shell)
    _type(qtbot, screen, NEW)
    _type(qtbot, screen, NEW)
    backend.refuse_next = be.InvalidInput("new_password", "密码过于简单")
    _click(qtbot, screen.confirm_panel.confirm_button)
    assert "密码过于简单" in screen.error.text() and screen.error.isVisible()
    assert screen.step is EntryStep.FIRST and screen.entry.isVisible()
    assert screen.confirm_panel.isHidden()
    _no_digits_left(screen)
    assert [e.status for e in journal.recent()] == [EntryStatus.FAILED]


def test_cancel_leaving_and_session_end_forget_the_digits(line_shell: Shell, qtbot: QtBot) -> None:
    screen = _password_screen(line_shell)
    _type(qtbot, screen, NEW)
    _type(qtbot, screen, NEW)
    _click(qtbot, screen.confirm_panel.cancel_button)
    assert screen.step is EntryStep.FIRST and screen.entry.isVisible()
    _no_digits_left(screen)
    _type(qtbot, screen, NEW)
    line_shell.navigator.home()  # leaving half-way
    _no_digits_left(screen)
    screen = _password_screen(line_shell)
    _type(qtbot, screen, NEW)
    _type(qtbot, screen, NEW)
    line_shell.end_session(EndReason.CUSTOMER)
    _no_digits_left(screen)
    assert screen.confirm_panel.isHidden()


def test_language_switch_keeps_the_step(line_shell: Shell, qtbot: QtBot) -> None:
    screen = _password_screen(line_shell)
    _type(qtbot, screen, NEW)
    _click(qtbot, line_shell.window.header.language_button)
    assert "Step 2" in screen.step_label.text()
    assert screen.keypad.submit_button().text() == "OK"
    _type(qtbot, screen, NEW)
    assert "Reset the service password" in screen.confirm_panel.title.text()
    _click(qtbot, line_shell.window.header.language_button)
    assert "重置服务密码" in screen.confirm_panel.title.text()


def test_suspend_then_resume(
    line_shell: Shell, qtbot: QtBot, backend: LineBackend, journal: Journal
) -> None:
    screen = _status_screen(line_shell)
    assert screen.status_value.text() == "正常使用"
    assert screen.phone_value.text() == "138****8000"
    assert screen.lost_note.isVisible() and "挂失" in screen.lost_note.text()
    assert screen.action_button.text() == "办理报停"
    assert screen.action_button.property("kind") == "danger"
    _click(qtbot, screen.action_button)
    panel = screen.confirm_panel
    assert panel.isVisible() and screen.status_card.isHidden()
    assert "无法拨打和接听电话" in panel.note.text()
    assert "号码保留费" in dict(panel.rows)["费用说明"]
    assert panel.confirm_button.text() == "确认报停"
    _click(qtbot, panel.cancel_button)  # changed their mind: nothing happens
    assert backend.status is m.LineStatus.NORMAL and screen.action_button.isVisible()
    _click(qtbot, screen.action_button)
    _click(qtbot, panel.confirm_button)
    assert backend.status is m.LineStatus.SUSPENDED
    assert screen.status_value.text() == "已报停"
    assert screen.result_card.text.text() == "已报停。"
    assert not screen.action_button.isVisible()  # done: the receipt takes its place
    assert screen.result_card.receipt_button.isVisible()
    assert screen.kind is ScreenKind.FINISHED
    line_shell.navigator.home()
    screen = _status_screen(line_shell)
    assert screen.status_value.text() == "已报停"
    assert screen.action_button.text() == "办理复机" and screen.lost_note.isHidden()
    _click(qtbot, screen.action_button)
    assert screen.confirm_panel.confirm_button.text() == "确认复机"
    _click(qtbot, screen.confirm_panel.confirm_button)
    assert backend.status is m.LineStatus.NORMAL
    assert screen.status_value.text() == "正常使用"
    assert [(e.kind, e.status) for e in reversed(journal.recent())] == [
        ("suspend", EntryStatus.DONE),
        ("resume", EntryStatus.DONE),
    ]


def test_arrears_offers_no_action_but_says_to_pay(line_shell: Shell, backend: LineBackend) -> None:
    backend.status = m.LineStatus.ARREARS
    screen = _status_screen(line_shell)
    assert screen.status_value.text() == "欠费停机"
    assert "缴费" in screen.explain.text()
    assert not screen.action_button.isVisible() and screen.lost_note.isHidden()


def test_a_conflict_shows_why_and_the_real_status(
    line_shell: Shell, qtbot: QtBot, backend: LineBackend, journal: Journal
) -> None:
    screen = _status_screen(line_shell)
    _click(qtbot, screen.action_button)
    backend.status = m.LineStatus.SUSPENDED  # suspended meanwhile at another terminal
    _click(qtbot, screen.confirm_panel.confirm_button)
    assert "不能办理" in screen.error.text() and screen.error.isVisible()
    assert screen.status_value.text() == "已报停"
    assert screen.action_button.text() == "办理复机"
    assert [e.status for e in journal.recent()] == [EntryStatus.FAILED]


def test_session_end_wipes_the_status_screen(line_shell: Shell, qtbot: QtBot) -> None:
    screen = _status_screen(line_shell)
    _click(qtbot, screen.action_button)
    line_shell.end_session(EndReason.CUSTOMER)
    assert screen.phone_value.text() == "" and screen.status_card.isHidden()
    assert screen.confirm_panel.isHidden() and screen.line_status is None


def test_every_line_key_exists_in_both_catalogues() -> None:
    import re

    zh, en = load_catalogue("zh_CN"), load_catalogue("en")
    used: set[str] = set()
    for path in (ROOT / "ui/screens/line").glob("*.py"):
        used |= set(re.findall(r"""["']((?:line|feature)\.[a-z0-9_]+)["']""", path.read_text()))
    assert len(used) > 40
    assert not {k for k in used if k not in zh or k not in en}
