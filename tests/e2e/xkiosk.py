"""The real kiosk shell on a real X display, for tests/e2e/test_xevents.py.

Run as ``python -m tests.e2e.xkiosk BACKEND_URL STATE_JSON FIRST_SCREEN [READER_PORT]`` with
``DISPLAY`` set and ``QT_QPA_PLATFORM=xcb``: it identifies the demo customer against the live
backend (password + SMS, the code read from the demo outbox), opens ``FIRST_SCREEN`` full
screen at (0, 0) and, every 100 ms, writes what a test needs to aim X events and check the
outcome: the current screen, every visible button's global rectangle, the dispute list's
rows, selection and scroll position, and the identification page shown. With
``READER_PORT`` (an ID card reader emulator's pty) nobody is identified beforehand: the
kiosk reads the reader like the real one, for card-first journeys. The test only ever talks
to it through X and that file.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

PHONE = "13800138000"


def main(url: str, state_path: Path, first_screen: str, reader_port: str = "") -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QAbstractButton, QWidget

    from kiosk.backend.client import BackendClient
    from kiosk.backend.factors import Factor
    from kiosk.config import BackendConfig, Config, DevicesConfig
    from kiosk.session import Customer
    from tests.fixtures.live_backend import DEMO_PASSWORD
    from ui.app import ShellOptions, build_services, build_shell, create_application, teardown
    from ui.background import BackgroundRunner
    from ui.context import BackendHandle, Services
    from ui.features import discover
    from ui.screens.bills.dispute import DisputeScreen
    from ui.screens.identify.screen import IdentifyScreen

    app = create_application(["xkiosk"])
    config = dataclasses.replace(
        Config(),
        backend=BackendConfig(url=url),
        journal_path=str(state_path.with_name("journal.sqlite3")),
        devices=DevicesConfig(card_reader=reader_port),
    )
    client = BackendClient(url, "KIOSK-DEMO-01", "demo-terminal-token", read_timeout=30)
    if not reader_port:
        client.identify_password(PHONE, DEMO_PASSWORD)
        client.send_sms_code(PHONE)
        code = next(
            found.group(1)
            for message in client.demo_read_sms(PHONE)
            if (found := re.search(r"(?<!\d)(\d{6})(?!\d)", message.text))
        )
        client.verify_sms_code(PHONE, code)
    handle = BackendHandle(lambda: client)
    services = Services(backend=handle)
    if reader_port:
        services.card_reader = build_services(config).card_reader
    shell = build_shell(
        config,
        app,
        ShellOptions(runner=BackgroundRunner(), installers=discover(), services=services),
    )
    shell.window.setGeometry(0, 0, 1920, 1080)
    shell.window.show()
    if reader_port:
        assert services.card_reader is not None
        services.card_reader.start()
    else:
        shell.ctx.sessions.identify(
            Customer(PHONE, "张*峰", "全球通", {Factor.PASSWORD, Factor.SMS})
        )
    if first_screen != "home":
        shell.navigator.go(first_screen)

    def rect(widget: QWidget) -> list[int]:
        top_left = widget.mapToGlobal(widget.rect().topLeft())
        return [top_left.x(), top_left.y(), widget.width(), widget.height()]

    def dump() -> None:
        screen = shell.navigator.current
        state: dict[str, Any] = {
            "screen": getattr(screen, "screen_id", None),
            "buttons": [
                {"name": b.objectName(), "text": b.text(), "rect": rect(b)}
                for b in shell.window.findChildren(QAbstractButton)
                if b.isVisible() and b.isEnabled()
            ],
        }
        state["customer"] = shell.window.header.customer_badge.text()
        if isinstance(screen, IdentifyScreen):
            page = screen.pages.currentWidget()
            state["identify_page"] = type(page).__name__
            state["sms_sent"] = "已发送" in screen.sms_page.prompt.text()
        tiles = getattr(screen, "tiles", None)
        if isinstance(tiles, dict):  # the home screen: one tile per feature key
            state["tiles"] = {key: rect(tile) for key, tile in tiles.items() if tile.isVisible()}
        if isinstance(screen, DisputeScreen):
            view = screen.charges
            glass = view.viewport()
            rows = []
            for row in range(view.count()):
                area = view.visualItemRect(view.item(row))
                if area.intersects(glass.rect()):
                    centre = glass.mapToGlobal(area.center())
                    rows.append({"row": row, "x": centre.x(), "y": centre.y()})
            state["dispute"] = {
                "count": view.count(),
                "visible_rows": rows,
                "current_row": view.currentRow(),
                "selected": [view.row(item) for item in view.selectedItems()],
                "scroll": view.verticalScrollBar().value(),
                "scroll_max": view.verticalScrollBar().maximum(),
                "moving": any(
                    getattr(child, "flick", None) is not None for child in view.children()
                ),
                "confirm_enabled": screen.confirm_button.isEnabled(),
                "viewport": rect(glass),
                "loading": screen.loading,
                "dispute_number": screen.dispute.number if screen.dispute else None,
            }
        partial = state_path.with_suffix(".part")
        partial.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, state_path)

    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(dump)
    timer.start()
    code_ = app.exec()
    timer.stop()
    if services.card_reader is not None:
        services.card_reader.stop()
    teardown(shell)
    handle.close()
    return code_


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3], *sys.argv[4:5]))
