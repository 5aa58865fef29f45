"""The demo's device panel: place/remove ID cards, set the printer's paper (and see its
state), feed banknotes into the bill validator (and make it jam, fill or go silent), pay the
QR order on screen as the customer's phone would, read SMS codes (cleared at session end).

It talks to the emulators through their control channels and to the reference backend's
demo-only SMS outbox, exactly as a test would.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

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
from kiosk.backend.models import PaymentOrder, PaymentStatus, SmsMessage
from ui.shell import Shell

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parents[1] / "assets"
CARDHOLDERS = ASSETS / "demo" / "cardholders.json"
STYLE = ASSETS / "styles" / "device_panel.qss"
CASH_NOTES = (1, 5, 10, 20, 50, 100)
COLUMNS = 3  # buttons per row in the cash group: six in a row were cut off at 640 px
PANEL_SIZE = (640, 760)
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


def _ask(endpoint: Endpoint | None, message: dict[str, object]) -> dict[str, Any]:
    """The emulator's answer, or ``{"ok": False, "error": ...}``."""
    from emulators.control import send_control

    if endpoint is None:
        return {"ok": False, "error": "no emulator"}
    try:
        return send_control(*endpoint.control, message)
    except (OSError, ValueError) as exc:
        return {"ok": False, "error": f"error: {exc}"}


def _send(endpoint: Endpoint | None, message: dict[str, object]) -> str:
    from emulators.control import send_control

    if endpoint is None:
        return "no emulator"
    try:
        answer = send_control(*endpoint.control, message)
    except (OSError, ValueError) as exc:
        return f"error: {exc}"
    return "ok" if answer.get("ok") else f"refused: {answer.get('error')}"


def sms_line(message: SmsMessage) -> str:
    """ "15:36:18  您的验证码…": the time as a wall clock shows it (no date, no microseconds)."""
    return f"{message.sent_at:%H:%M:%S}  {message.text}"


def paper_text(state: dict[str, Any] | None) -> str:
    """The printer emulator's condition in the panel's words."""
    if not state:
        return "纸张状态未知 paper state unknown"
    words = {"ok": "纸张正常 paper ok", "near_end": "纸将尽 near end", "out": "缺纸 paper out"}
    parts = [words.get(str(state.get("paper")), str(state.get("paper")))]
    if state.get("cover_open"):
        parts.append("盖已打开 cover open")
    if state.get("offline"):
        parts.append("离线 offline")
    return "打印机: " + ", ".join(parts)


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
        self.paper_state = QLabel(paper_text(None))
        self.paper_state.setObjectName("paperState")
        paper_box.addWidget(self.paper_state, 3, 0, 1, 2)
        phone = QGroupBox("顾客手机 (demo payment app)")
        self.pay_button = QPushButton("用手机支付屏幕上的二维码 pay the QR order")
        self.pay_button.clicked.connect(self._on_pay_clicked)
        QVBoxLayout(phone).addWidget(self.pay_button)
        cash = QGroupBox("纸币识别器 (emulated ccTalk bill validator)")
        cash_box = QGridLayout(cash)
        for index, value in enumerate(CASH_NOTES):
            button = QPushButton(f"投入 ¥{value}")
            button.clicked.connect(
                lambda _=False, v=value: self._cash({"cmd": "insert", "value": v})
            )
            cash_box.addWidget(button, index // COLUMNS, index % COLUMNS)
        first = -(-len(CASH_NOTES) // COLUMNS)  # the actions start on the row after the notes
        for index, (label, message) in enumerate(CASH_ACTIONS):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, m=message: self._cash(m))
            cash_box.addWidget(button, first + index // COLUMNS, index % COLUMNS)
        sms = QGroupBox("短信 (demo SMS outbox of the current customer)")
        self.sms = QPlainTextEdit()
        self.sms.setReadOnly(True)
        QVBoxLayout(sms).addWidget(self.sms)
        layout = QVBoxLayout(self)
        layout.addWidget(cards)
        layout.addWidget(paper)
        layout.addWidget(cash)
        layout.addWidget(phone)
        layout.addWidget(sms)
        layout.addWidget(self.result)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start(2000)
        self._phone = ""
        # The next customer must not see the previous one's codes.
        shell.session_ended.connect(self._on_session_ended)
        self._refresh_paper()

    def _card(self, message: dict[str, object]) -> None:
        self.result.setText(_send(self._endpoints.card_reader, message))

    def _cash(self, message: dict[str, object]) -> None:
        self.result.setText(_send(self._endpoints.cash_acceptor, message))

    def _printer(self, message: dict[str, object]) -> None:
        answer = _ask(self._endpoints.printer, message)
        self.result.setText("ok" if answer.get("ok") else f"refused: {answer.get('error')}")
        if answer.get("ok"):
            self.paper_state.setText(paper_text(answer.get("state")))

    def _refresh_paper(self) -> None:
        """Ask the printer emulator for its condition (off the GUI thread)."""
        if self._endpoints.printer is None:
            return
        endpoint = self._endpoints.printer
        self._shell.ctx.runner.run(
            lambda: _ask(endpoint, {"cmd": "state"}),
            lambda answer: self.paper_state.setText(
                paper_text(answer.get("state") if answer.get("ok") else None)
            ),
            lambda _exc: None,
        )

    def _on_pay_clicked(self) -> None:
        """As the customer's payment app: settle the QR order the screen shows."""
        order = getattr(self._shell.navigator.current, "order", None)
        ctx = self._shell.ctx
        if not isinstance(order, PaymentOrder) or order.status is not PaymentStatus.PENDING:
            self.result.setText("没有待支付的二维码 no QR order waiting")
            return
        if ctx.services.backend is None:
            self.result.setText("no backend")
            return
        order_id = order.order_id
        ctx.runner.run(
            lambda: ctx.backend.demo_mark_paid(order_id),
            lambda paid: self.result.setText(f"已支付 paid {paid.order_id}"),
            lambda exc: self.result.setText(f"error: {type(exc).__name__}"),
        )

    def _on_session_ended(self, _reason: object) -> None:
        self.sms.clear()
        self._phone = ""

    def _on_timer_timeout(self) -> None:
        screen = self._shell.navigator.current
        state = getattr(screen, "state", None)
        phone = getattr(state, "phone", None) or (
            self._shell.ctx.sessions.current.customer.phone
            if self._shell.ctx.sessions.current.customer
            else ""
        )
        self._refresh_paper()
        ctx = self._shell.ctx
        if not phone or ctx.services.backend is None:
            self.sms.clear()
            return
        self._phone = phone

        def show(messages: list[SmsMessage]) -> None:
            lines = [sms_line(m) for m in messages]
            self.sms.setPlainText("\n".join(lines[-8:]))

        self._shell.ctx.runner.run(lambda: ctx.backend.demo_read_sms(phone), show, lambda _e: None)


def open_device_panel(shell: Shell, endpoints: DemoEndpoints) -> None:
    panel = DevicePanel(shell, endpoints)
    panel.resize(*PANEL_SIZE)
    panel.move(shell.window.x() + shell.window.width() + 10, shell.window.y())
    panel.show()
    shell.window.setProperty("devicePanel", panel)  # keeps it alive with the window
