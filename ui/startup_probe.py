"""Start-up probe for the bench: build the real kiosk as ``kiosk demo`` does, print ``painted``
when the home screen is first painted, and exit. ``--bare`` does the same for a bare window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer


class _FirstPaint(QObject):
    def __init__(self, on_paint: object) -> None:
        super().__init__()
        self._on_paint = on_paint
        self.done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            print("painted", flush=True)
            QTimer.singleShot(0, self._on_paint)  # type: ignore[arg-type]
        return False


def main(argv: list[str]) -> int:
    if "--bare" in argv:
        from PySide6.QtWidgets import QApplication, QLabel

        app = QApplication(sys.argv[:1])
        label = QLabel("hello")
        probe = _FirstPaint(app.quit)
        label.installEventFilter(probe)
        label.resize(1920, 1080)
        label.show()
        return int(app.exec())
    from kiosk.config import Config
    from ui.app import start_shell, stop_shell
    from ui.main import show

    shell = start_shell(Config())

    def finish() -> None:
        shell.lockdown.allow_exit()  # Qt 6 cancels quit() while a window refuses to close
        shell.app.quit()

    probe = _FirstPaint(finish)
    shell.home_screen.installEventFilter(probe)
    show(shell, fullscreen=False)
    code = shell.app.exec()
    stop_shell(shell)
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
