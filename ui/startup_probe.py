"""Start-up probe for the bench: build the real kiosk as ``kiosk demo`` does, print ``painted``
once the first frame of the home screen is painted (children included), and exit. ``--bare``
does the same for a bare window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ui.first_paint import after_first_paint


def _report_and(then: Callable[[], object]) -> Callable[[], None]:
    def report() -> None:
        print("painted", flush=True)
        then()

    return report


def main(argv: list[str]) -> int:
    if "--bare" in argv:
        from PySide6.QtWidgets import QApplication, QLabel

        app = QApplication(sys.argv[:1])
        label = QLabel("hello")
        after_first_paint(label, _report_and(app.quit))
        label.resize(1920, 1080)
        label.show()
        return int(app.exec())
    from ui.heap import pause_collection

    pause_collection()  # as ``kiosk run`` does before it imports the kiosk (ui/commands.py)
    from kiosk.config import Config
    from ui.app import show, start_shell, stop_shell

    shell = start_shell(Config())

    def finish() -> None:
        shell.lockdown.allow_exit()  # Qt 6 cancels quit() while a window refuses to close
        shell.app.quit()

    after_first_paint(shell.home_screen, _report_and(finish))
    show(shell, fullscreen=False)
    code = shell.app.exec()
    stop_shell(shell)
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
