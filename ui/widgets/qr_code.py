"""A QR code drawn with QPainter from segno's module matrix (no image files)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

QUIET_ZONE = 4  # modules of white around the code, as scanners expect


class QrCode(QWidget):
    """Shows ``payload`` as a square QR code (error level M) that fills the widget."""

    def __init__(self, side: int = 360, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(side, side)
        self._rows: list[bytes] = []
        self.payload = ""

    def set_payload(self, payload: str) -> None:
        self.payload = payload
        self._rows = []
        if payload:  # clearing (session end) must not import segno on the GUI thread
            import segno

            self._rows = [bytes(row) for row in segno.make(payload, error="m").matrix]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#FFFFFF"))
        if self._rows:
            count = len(self._rows) + 2 * QUIET_ZONE
            module = self.width() / count
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#000000"))
            for y, row in enumerate(self._rows):
                for x, dark in enumerate(row):
                    if dark:
                        painter.drawRect(
                            QRectF(
                                (x + QUIET_ZONE) * module,
                                (y + QUIET_ZONE) * module,
                                module + 0.5,
                                module + 0.5,
                            )
                        )
        painter.end()


def load_encoder() -> None:
    """Import segno now (call it on a worker): its first import on the GUI thread, when the
    first QR code of a run is shown, was a 50-80 ms stall of the event loop."""
    import segno  # noqa: F401
