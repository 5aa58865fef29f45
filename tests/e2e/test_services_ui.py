"""我的业务 through the real screens, threads and journal against a private backend: one tap
unsubscribes a third-party service, and an order goes through the second confirmation and
the SMS code; the backend's rows and the journal agree."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from common.months import month_end, month_of
from kiosk.backend.factors import Factor
from kiosk.config import BackendConfig, Config
from kiosk.journal import EntryStatus
from kiosk.session import Customer
from tests.fixtures.live_backend import DEMO_TODAY, LiveBackend, identify_fully, start_backend
from tests.fixtures.qt import show_painted
from ui.app import ShellOptions, start_shell, stop_shell
from ui.screens.services.install import features as install_services
from ui.screens.services.services import ServicesScreen
from ui.shell import Shell

MONTH_END = month_end(month_of(DEMO_TODAY)).isoformat()  # an unsubscribed service runs to it

PHONE = "13800138000"  # 张晓峰: 来电显示, 手机报, 音乐随身听 (代收费)
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Private: the test changes the line's subscriptions.
    with start_backend(tmp_path_factory.mktemp("services-e2e"), customers=6) as live:
        yield live


@pytest.fixture
def kiosk(app: QApplication, backend: LiveBackend, tmp_path: Path) -> Iterator[Shell]:
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=backend.url, terminal_token=backend.terminal_token),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )
    shell = start_shell(config, ShellOptions(installers=[install_services]))
    show_painted(shell)
    yield shell
    stop_shell(shell)
    QApplication.processEvents()


def _rows(backend: LiveBackend, sql: str, *params: object) -> list[tuple[object, ...]]:
    return backend.query(sql, *params)


def test_unsubscribe_and_order_through_the_screens(
    kiosk: Shell, qtbot: QtBot, backend: LiveBackend
) -> None:
    client = kiosk.ctx.backend
    identify_fully(backend, client, PHONE)
    kiosk.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    kiosk.open_feature("services")
    screen = kiosk.navigator.current
    assert isinstance(screen, ServicesScreen)
    qtbot.waitUntil(lambda: screen.state.services is not None, timeout=WAIT_MS)
    click = Qt.MouseButton.LeftButton

    # 退订 and 确认退订: 音乐随身听 (代收费) runs to the month end.
    qtbot.mouseClick(screen.cancel_buttons["YYSTT"], click)
    assert screen.confirm.isVisible()
    qtbot.mouseClick(screen.confirm.confirm_button, click)
    qtbot.waitUntil(lambda: screen.state.done is not None, timeout=WAIT_MS)
    assert screen.confirm.isHidden()
    assert "音乐随身听" in screen.result.text() and MONTH_END in screen.result.text()
    assert screen.receipt_button.isVisible()
    assert _rows(
        backend,
        "SELECT s.ends_on FROM subscriptions s JOIN lines l ON l.id = s.line_id"
        " WHERE l.number = ? AND s.service_code = 'YYSTT'",
        PHONE,
    ) == [(MONTH_END,)]

    # Order 视频彩铃会员: the question, then the SMS code on the keypad.
    qtbot.mouseClick(screen.order_buttons["SPCLHY"], click)
    qtbot.waitUntil(screen.confirm.isVisible, timeout=WAIT_MS)  # after the agreement came
    assert ("月费", "¥15.00/月") in screen.confirm.rows
    assert ("提供方", "上海星视文化传播有限公司（代收费）") in screen.confirm.rows
    assert screen.confirm.agreement_title.text().endswith("增值业务订购条款")
    qtbot.mouseClick(screen.confirm.consent_button, click)
    qtbot.mouseClick(screen.confirm.confirm_button, click)
    qtbot.waitUntil(lambda: screen.state.quote is not None, timeout=WAIT_MS)
    assert screen.code_page.isVisible()
    for digit in backend.latest_sms_code(PHONE):
        qtbot.mouseClick(screen.code_page.keypad.digit_button(digit), click)
    qtbot.mouseClick(screen.code_page.keypad.submit_button(), click)
    qtbot.waitUntil(
        lambda: screen.state.done is not None and screen.state.done[1] is not None, timeout=WAIT_MS
    )
    assert screen.result.text().startswith("已开通「视频彩铃会员」")
    assert "SPCLHY" in screen.cancel_buttons

    subscriptions = _rows(
        backend,
        "SELECT s.service_code, s.started_on, s.ends_on FROM subscriptions s"
        " JOIN lines l ON l.id = s.line_id WHERE l.number = ? ORDER BY s.id",
        PHONE,
    )
    assert subscriptions == [
        ("CLIP", "2019-04-02", None),
        ("SJB", "2021-07-15", None),
        ("YYSTT", "2023-05-02", MONTH_END),
        ("SPCLHY", DEMO_TODAY.isoformat(), None),
    ]
    transactions = _rows(
        backend,
        "SELECT t.transaction_id, t.kind, t.amount_fen, t.detail FROM transactions t"
        " JOIN lines l ON l.id = t.line_id WHERE l.number = ? ORDER BY t.created_at",
        PHONE,
    )
    assert [row[1:] for row in transactions] == [
        ("service_cancel", 0, "YYSTT"),
        ("service_order", 1500, "SPCLHY"),
    ]
    journal = list(reversed(kiosk.ctx.journal.recent()))
    assert [(e.kind, e.status, e.amount_fen, e.masked_phone) for e in journal] == [
        ("service_cancel", EntryStatus.DONE, None, "138****8000"),
        ("service_quote", EntryStatus.DONE, None, "138****8000"),
        ("service_order", EntryStatus.DONE, 1500, "138****8000"),
    ]
    assert journal[0].transaction_id == transactions[0][0]
    assert journal[2].transaction_id == transactions[1][0]
    # The customer's own listing agrees (what a later visit shows).
    listing = client.services()
    assert {s.service.code: s.ends_on for s in listing.subscriptions}["YYSTT"] is not None
    assert "SPCLHY" not in {s.code for s in listing.catalogue}
