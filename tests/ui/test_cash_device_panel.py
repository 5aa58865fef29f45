"""The demo device panel's cash buttons drive the bill validator emulator's control channel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QPushButton

from emulators.cash import BillValidatorEmulator
from emulators.control import ControlServer
from kiosk.demo_stack import DemoEndpoints, Endpoint
from ui.demo.device_panel import DevicePanel
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
