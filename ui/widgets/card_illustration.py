"""A drawn picture of an ID card going onto the reader's pad (no image files needed)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

ACCENT = QColor("#0B5FA5")


class CardIllustration(QWidget):
    """The reader pad at the bottom, the card above it and an arrow pointing down."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(600, 420)
        self.highlight = False

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = float(self.width()), float(self.height())
        pad = QRectF(w * 0.15, h * 0.62, w * 0.7, h * 0.3)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#2E3A48"))
        p.drawRoundedRect(pad, 24, 24)
        p.setBrush(QColor("#FFD866") if self.highlight else QColor("#5B8DB8"))
        inner = pad.adjusted(
            pad.width() * 0.25, pad.height() * 0.25, -pad.width() * 0.25, -pad.height() * 0.25
        )
        p.drawRoundedRect(inner, 12, 12)
        card = QRectF(w * 0.3, h * 0.03, w * 0.4, h * 0.37)  # 85.6 × 54 mm, landscape
        p.setBrush(QColor("#FFFFFF"))
        p.setPen(QPen(ACCENT, 4))
        p.drawRoundedRect(card, 16, 16)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor("#CFE3F7"))
        p.drawEllipse(
            QRectF(
                card.x() + card.width() * 0.08,
                card.y() + card.height() * 0.2,
                card.height() * 0.5,
                card.height() * 0.6,
            )
        )
        p.setBrush(QColor("#9DB7D1"))
        for i in range(3):
            p.drawRoundedRect(
                QRectF(
                    card.x() + card.width() * 0.5,
                    card.y() + card.height() * (0.25 + 0.2 * i),
                    card.width() * 0.4,
                    card.height() * 0.09,
                ),
                4,
                4,
            )
        arrow = QPainterPath()
        cx = w / 2
        top, bottom = h * 0.43, h * 0.58
        arrow.moveTo(QPointF(cx - 14, top))
        arrow.lineTo(QPointF(cx + 14, top))
        arrow.lineTo(QPointF(cx + 14, bottom - 22))
        arrow.lineTo(QPointF(cx + 34, bottom - 22))
        arrow.lineTo(QPointF(cx, bottom))
        arrow.lineTo(QPointF(cx - 34, bottom - 22))
        arrow.lineTo(QPointF(cx - 14, bottom - 22))
        arrow.closeSubpath()
        p.setBrush(QColor("#B3261E"))
        p.drawPath(arrow)
        p.end()
