"""The demo device panel's cash buttons drive the emulator; the cash screen's idle wiring."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from demo.device_panel import PANEL_SIZE, DevicePanel, sms_line
from demo.stack import DemoEndpoints, Endpoint
from emulators.cash import BillValidatorEmulator
from emulators.control import ControlServer
from kiosk.backend.models import SmsMessage
from ui.shell import Shell


def test_cash_buttons_reach_the_emulator(shell: Shell, tmp_path: Path) -> None:
    with (
        BillValidatorEmulator(transport_s=0.0) as emu,
        ControlServer(emu.control_handlers()) as control,
    ):
        endpoints = DemoEndpoints(
            "http://127.0.0.1:9",
            None,
            None,
            tmp_path,
            tmp_path,
            dt.date(2026, 11, 25),
            Endpoint(emu.port_path, control.address),
        )
        panel = DevicePanel(shell, endpoints)
        try:
            buttons = {b.text(): b for b in panel.findChildren(QPushButton)}
            emu.accepting, emu.enabled = True, frozenset(range(1, 7))  # as if a payment is open
            buttons["投入 ¥100"].click()
            assert panel.result.text() == "ok"
            assert emu.stacked_by_value == {100: 1}
            buttons["卡币 jam"].click()
            assert emu.jammed
            buttons["装回钱箱 stacker inserted"].click()
            assert not emu.jammed and emu.stacked_total == 0
            buttons["静默 go silent"].click()
            assert emu.silent
            for label in ("假币 fake note", "拉回 pull back", "钱箱满 stacker full"):
                buttons[label].click()
                assert panel.result.text() == "ok"
        finally:
            panel.close()
            panel.deleteLater()


def test_panel_buttons_are_not_cut_off_and_sms_times_are_a_clock(
    shell: Shell, tmp_path: Path, qtbot: QtBot
) -> None:
    """Seen on the X-event walk: six note buttons in one row cut to "入 ¥" at the panel's size,
    and SMS times showed microseconds (15:36:18.554353+08:00)."""
    endpoints = DemoEndpoints(
        "http://127.0.0.1:9", None, None, tmp_path, tmp_path, dt.date(2026, 11, 25)
    )
    panel = DevicePanel(shell, endpoints)
    try:
        panel.resize(*PANEL_SIZE)
        panel.show()
        qtbot.waitExposed(panel)
        for button in panel.findChildren(QPushButton):
            assert button.width() >= button.sizeHint().width(), button.text()
    finally:
        panel.close()
        panel.deleteLater()
    hall = dt.timezone(dt.timedelta(hours=8))
    sent = dt.datetime(2026, 11, 25, 15, 36, 18, 554353, tzinfo=hall)
    message = SmsMessage("您的验证码 123456", sent, "login")
    assert sms_line(message) == "15:36:18  您的验证码 123456"


def test_a_note_going_in_restarts_the_idle_clock(shell: Shell) -> None:
    """Feeding notes for minutes without touching the screen must not end the session."""
    from kiosk.cash.desk import CashState, CashView
    from ui.screens.pay.cash import CashPayScreen

    screen = CashPayScreen(shell.ctx)
    try:
        stated: list[object] = []
        screen.kind_changed.connect(stated.append)
        screen._on_view(CashView(CashState.ACCEPTING))
        screen._on_view(CashView(CashState.ACCEPTING, notes=((1000, 1),), total_fen=1000))
        screen._on_view(CashView(CashState.ACCEPTING, notes=((1000, 1),), total_fen=1000))
        assert len(stated) == 1  # once per note, not per view
        assert "¥10.00 × 1 张" in screen.lines.text()
        assert "¥10.00" in screen.text.text()
        assert screen.finish_button.isVisibleTo(screen)
        # The acceptor is open: no countdown may end the session (kiosk/idle.py rule 3).
        assert screen.transaction_in_progress()
        screen._on_view(CashView(CashState.CLOSING, notes=((1000, 1),), total_fen=1000))
        assert screen.transaction_in_progress()
        screen._on_view(CashView(CashState.DONE, notes=((1000, 1),), total_fen=1000))
        assert not screen.transaction_in_progress()
    finally:
        screen.deleteLater()


def test_the_panel_shows_the_printer_paper_state(
    shell: Shell, tmp_path: Path, qtbot: QtBot
) -> None:
    """Issue 13 Deliver 8: whoever runs the demo sees the paper state the kiosk will meet."""
    from emulators.printer.control import control_handlers
    from emulators.printer.emulator import PrinterEmulator
    from emulators.printer.state import Paper

    printer = PrinterEmulator(tmp_path / "receipts")
    printer.start()
    try:
        with ControlServer(control_handlers(printer)) as control:
            endpoints = DemoEndpoints(
                "http://127.0.0.1:9",
                None,
                Endpoint(str(printer.port_path), control.address),
                tmp_path,
                tmp_path,
                dt.date(2026, 11, 25),
            )
            panel = DevicePanel(shell, endpoints)
            try:
                buttons = {b.text(): b for b in panel.findChildren(QPushButton)}
                buttons["缺纸 paper out"].click()
                assert panel.paper_state.text() == "打印机: 缺纸 paper out"
                buttons["开盖 cover open"].click()
                assert "盖已打开" in panel.paper_state.text()
                buttons["合盖 cover closed"].click()
                buttons["纸张正常 paper ok"].click()
                assert panel.paper_state.text() == "打印机: 纸张正常 paper ok"
                printer.set_paper(Paper.NEAR_END)  # changed behind the panel's back
                panel._refresh_paper()  # the panel's timer does this every 2 s
                qtbot.waitUntil(lambda: "纸将尽" in panel.paper_state.text(), timeout=5_000)
            finally:
                panel.close()
                panel.deleteLater()
    finally:
        printer.stop()
