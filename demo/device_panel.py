"""The demo's device panel: place/remove ID cards, set the printer's paper, feed banknotes
into the bill validator (and make it jam, fill or go silent), read SMS codes.

It talks to the emulators through their control channels and to the reference backend's
demo-only SMS outbox, exactly as a test would.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from common.masking import mask_name
from demo.stack import DemoEndpoints, Endpoint
from kiosk.backend.models import SmsMessage
from ui.shell import Shell

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
CARDHOLDERS = ASSETS / "demo" / "cardholders.json"
STYLE = ASSETS / "styles" / "device_panel.qss"
CASH_NOTES = (1, 5, 10, 20, 50, 100)
CASH_ACTIONS: tuple[tuple[str, dict[str, object]], ...] = (
    ("假币 fake note", {"cmd": "fake"}),
    ("拉回 pull back", {"cmd": "pull_back"}),
    ("卡币 jam", {"cmd": "jam"}),
    ("钱箱满 stacker full", {"cmd": "stacker_full"}),
    ("取出钱箱 stacker removed", {"cmd": "stacker_removed"}),
    ("装回钱箱 stacker inserted", {"cmd": "stacker_inserted"}),
    ("静默 go silent", {"cmd": "silent", "on": True}),
    ("恢复应答 answer again", {"cmd": "silent", "on": False}),
)


def _send(endpoint: Endpoint | None, message: dict[str, object]) -> str:
    from emulators.control import send_control

    if endpoint is None:
        return "no emulator"
    try:
        answer = send_control(*endpoint.control, message)
    except (OSError, ValueError) as exc:
        return f"error: {exc}"
    return "ok" if answer.get("ok") else f"refused: {answer.get('error')}"


class DevicePanel(QWidget):
    """A second window beside the kiosk, for whoever runs the demo."""

    def __init__(self, shell: Shell, endpoints: DemoEndpoints) -> None:
        super().__init__()
        self.setObjectName("devicePanel")
        self.setStyleSheet(STYLE.read_text(encoding="utf-8"))
        self.setWindowTitle("演示设备面板 / demo devices")
        self._shell = shell
        self._endpoints = endpoints
        self.result = QLabel()
        cards = QGroupBox("身份证读卡器 (emulated)")
        grid = QGridLayout(cards)
        holders = json.loads(CARDHOLDERS.read_text(encoding="utf-8"))["cards"]
        for index, holder in enumerate(holders):
            text = f"{mask_name(holder['name'])} {holder['phone']} ({holder['card_type']})"
            button = QPushButton(text)
            button.clicked.connect(
                lambda _=False, key=holder["phone"]: self._card({"cmd": "place", "card": key})
            )
            grid.addWidget(button, index // 2, index % 2)
        remove = QPushButton("取走身份证 remove card")
        remove.clicked.connect(lambda: self._card({"cmd": "remove"}))
        grid.addWidget(remove, len(holders) // 2 + 1, 0, 1, 2)
        paper = QGroupBox("小票打印机 (emulated)")
        paper_box = QGridLayout(paper)
        for index, (label, message) in enumerate(
            (
                ("纸张正常 paper ok", {"cmd": "paper", "state": "ok"}),
                ("纸将尽 near end", {"cmd": "paper", "state": "near_end"}),
                ("缺纸 paper out", {"cmd": "paper", "state": "out"}),
                ("开盖 cover open", {"cmd": "cover", "open": True}),
                ("合盖 cover closed", {"cmd": "cover", "open": False}),
            )
        ):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, m=message: self._printer(m))
            paper_box.addWidget(button, index // 2, index % 2)
        cash = QGroupBox("纸币识别器 (emulated ccTalk bill validator)")
        cash_box = QGridLayout(cash)
        for index, value in enumerate(CASH_NOTES):
            button = QPushButton(f"投入 ¥{value}")
            button.clicked.connect(
                lambda _=False, v=value: self._cash({"cmd": "insert", "value": v})
            )
            cash_box.addWidget(button, 0, index)
        for index, (label, message) in enumerate(CASH_ACTIONS):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, m=message: self._cash(m))
            cash_box.addWidget(button, 1 + index // 3, index % 3)
        sms = QGroupBox("短信 (demo SMS outbox of the current customer)")
        self.sms = QPlainTextEdit()
        self.sms.setReadOnly(True)
        QVBoxLayout(sms).addWidget(self.sms)
        layout = QVBoxLayout(self)
        layout.addWidget(cards)
        layout.addWidget(paper)
        layout.addWidget(cash)
        layout.addWidget(sms)
        layout.addWidget(self.result)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(2000)
        self._phone = ""

    def _card(self, message: dict[str, object]) -> None:
        self.result.setText(_send(self._endpoints.card_reader, message))

    def _cash(self, message: dict[str, object]) -> None:
        self.result.setText(_send(self._endpoints.cash_acceptor, message))

    def _printer(self, message: dict[str, object]) -> None:
        self.result.setText(_send(self._endpoints.printer, message))

    def _on_timer_timeout(self) -> None:
        screen = self._shell.navigator.current
        state = getattr(screen, "state", None)
        phone = getattr(state, "phone", None) or (
            self._shell.ctx.sessions.current.customer.phone
            if self._shell.ctx.sessions.current.customer
            else ""
        )
        ctx = self._shell.ctx
        if not phone or ctx.services.backend is None:
            return

        def show(messages: list[SmsMessage]) -> None:
            lines = [f"{m.sent_at}: {m.text}" for m in messages]
            self.sms.setPlainText("\n".join(lines[-8:]))

        self._shell.ctx.runner.run(lambda: ctx.backend.demo_read_sms(phone), show, lambda _e: None)


def open_device_panel(shell: Shell, endpoints: DemoEndpoints) -> None:
    panel = DevicePanel(shell, endpoints)
    panel.resize(640, 760)
    panel.move(shell.window.x() + shell.window.width() + 10, shell.window.y())
    panel.show()
    shell.window.setProperty("devicePanel", panel)  # keeps it alive with the window
