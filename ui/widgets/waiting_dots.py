"""A line that shows the screen is waiting for something outside it (the customer's phone
paying a QR order): its text with dots that come and go. A QTimer redraws it; nothing blocks."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QWidget

STEP_MS = 400
MAX_DOTS = 3


class WaitingDots(QLabel):
    """``start(text)`` shows "text", "text.", "text..", "text..." in turn; ``stop`` hides it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingDots")
        self._text = ""
        self.dots = 0
        self._timer = QTimer(self)
        self._timer.setInterval(STEP_MS)
        self._timer.timeout.connect(self._on_tick)
        self.hide()

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, text: str) -> None:
        self._text = text
        self.dots = 0
        self._render()
        self.show()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.hide()

    def _on_tick(self) -> None:
        self.dots = (self.dots + 1) % (MAX_DOTS + 1)
        self._render()

    def _render(self) -> None:
        # Fixed width: the dots never make the line (or the layout) jump.
        self.setText(self._text + "." * self.dots + "\u2002" * (MAX_DOTS - self.dots))
