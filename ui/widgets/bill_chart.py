"""The 5-month bar chart, stacked by bill category, painted with QPainter; tap a bar to open it.

Discounts (negative) hang below the zero line so the stacks above add up to the charges and
the bar's printed total is what the customer paid. A dashed line marks the 5-month usual
level (the median), broken where it would cross a bar's total.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from common.money import format_fen
from kiosk.bills import ChartBar, ChartGroup

# One colour per category, distinguishable for the common colour-vision deficiencies
# (Okabe-Ito palette), darkest at the bottom where the biggest stack sits.
COLOURS: dict[ChartGroup, str] = {
    ChartGroup.FIXED: "#0B5FA5",
    ChartGroup.VOICE: "#E69F00",
    ChartGroup.DATA: "#009E73",
    ChartGroup.MESSAGING: "#56B4E9",
    ChartGroup.VAS: "#CC79A7",
    ChartGroup.SP: "#D55E00",
    ChartGroup.DISCOUNT: "#8C96A3",
}
TEXT = QColor("#1A2433")
GRID = QColor("#D5DEE8")
SELECTED = QColor("#FFD866")
# Rows of text (legend, totals, months) are this much taller than the text itself. The text's
# size is the widget's font, set by the style sheet (#billChart in kiosk.qss), so large-text
# mode scales the chart's words with the rest of the screen.
TEXT_PAD = 14
MEDIAN_SAMPLE = 60  # the dashed sample before the median's label
LABEL_GAP = 8  # clear space either side of a bar total that the median line keeps
# Height of the bars' area beside the chart's text rows (legend, totals, months): the chart
# asks for BARS_HINT and is given what the screen has left, never under BARS_MIN.
BARS_HINT = 170
BARS_MIN = 110


def line_segments(
    x1: float, x2: float, y: float, obstacles: Sequence[QRectF]
) -> list[tuple[float, float]]:
    """The pieces of the horizontal line ``x1..x2`` at ``y`` outside every obstacle that
    spans ``y`` (a bar total the median line would strike through)."""
    cuts = sorted(
        (r.left(), r.right()) for r in obstacles if r.top() <= y <= r.bottom() and r.width() > 0
    )
    pieces: list[tuple[float, float]] = []
    start = x1
    for left, right in cuts:
        if left > start:
            pieces.append((start, min(left, x2)))
        start = max(start, right)
    if start < x2:
        pieces.append((start, x2))
    return [(a, b) for a, b in pieces if b > a]


class BillChart(QWidget):
    """Stacked bars of the closed months, oldest left; emits the tapped month."""

    month_tapped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("billChart")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.bars: list[ChartBar] = []
        self.median_fen = 0
        self.legend: dict[ChartGroup, str] = {}
        self.median_label = ""
        self.selected = ""
        self._hits: list[tuple[QRectF, str]] = []
        self._pressed = ""
        self.label_rects: list[QRectF] = []  # the bar totals as last painted
        self.median_segments: list[tuple[float, float]] = []  # the median line as last painted
        self.median_y = 0.0  # its height as last painted

    def sizeHint(self) -> QSize:
        return QSize(1200, self._text_height() + BARS_HINT)

    def minimumSizeHint(self) -> QSize:
        return QSize(600, self._text_height() + BARS_MIN)

    def _legend_height(self) -> int:
        """The legend's band: one line of text, two when the median's label took a second."""
        row = self.text_row()
        _, median_box = self.legend_boxes()
        return row + 8 + (row if median_box.top() > row else 0)

    def _text_height(self) -> int:
        """Everything but the bars: legend, the totals over the bars, the months under them."""
        row = self.text_row()
        return self._legend_height() + row + 8 + (row + 4) + 8

    def set_data(
        self,
        bars: Sequence[ChartBar],
        median_fen: int,
        legend: dict[ChartGroup, str],
        median_label: str,
    ) -> None:
        """Show ``bars`` (oldest first) with the legend texts of the current language."""
        self.bars = list(bars)
        self.median_fen = median_fen
        self.legend = legend
        self.median_label = median_label
        self.updateGeometry()  # the legend may take one line more or less
        self.update()

    def clear(self) -> None:
        self.bars = []
        self.selected = ""
        self._hits = []
        self.update()

    def bar_rect(self, month: str) -> QRectF:
        """The tappable column of ``month`` (tests and the tour tap its centre)."""
        for rect, m in self._hits:
            if m == month:
                return rect
        return QRectF()

    def painted_texts(self) -> list[str]:
        """The words this widget paints (ui/visible_text.py reads them)."""
        if not self.bars:
            return []
        groups = {g for b in self.bars for g, _ in b.stacks}
        texts = [self.legend.get(g, g.value) for g in ChartGroup if g in groups]
        texts += [b.month for b in self.bars]
        return texts + ([self.median_label] if self.median_fen > 0 else [])

    # Painting ---------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self.font())
        row = self.text_row()
        month_h, total_h = row + 4, row
        self._hits = []
        if not self.bars:
            painter.end()
            return
        legend, median_box = self.legend_boxes()
        self._paint_legend(painter, legend)
        legend_h = self._legend_height()
        top = legend_h + total_h + 8
        bottom = self.height() - month_h - 8
        positive = max((sum(v for _, v in b.stacks if v > 0) for b in self.bars), default=1)
        negative = max((-sum(v for _, v in b.stacks if v < 0) for b in self.bars), default=0)
        span = max(positive + negative, 1)
        scale = (bottom - top) / span
        zero = top + positive * scale
        left, width = 16.0, self.width() - 32.0
        column = width / len(self.bars)
        bar_w = min(column * 0.5, 160.0)
        painter.setPen(QPen(GRID, 2))
        painter.drawLine(QPointF(left, zero), QPointF(left + width, zero))
        labels: list[QRectF] = []  # where each bar's total is written
        for index, bar in enumerate(self.bars):
            x0 = left + index * column
            hit = QRectF(x0, legend_h, column, self.height() - legend_h)
            self._hits.append((hit, bar.month))
            if bar.month in (self.selected, self._pressed):
                painter.fillRect(hit.adjusted(4, 0, -4, 0), SELECTED.lighter(130))
            x = x0 + (column - bar_w) / 2
            y = zero
            for group, value in bar.stacks:
                if value <= 0:
                    continue
                h = value * scale
                painter.fillRect(QRectF(x, y - h, bar_w, h), QColor(COLOURS[group]))
                y -= h
            below = zero
            for group, value in bar.stacks:
                if value >= 0:
                    continue
                h = -value * scale
                painter.fillRect(QRectF(x, below, bar_w, h), QBrush(QColor(COLOURS[group])))
                below += h
            painter.setPen(TEXT)
            total = format_fen(bar.total_fen)
            painter.drawText(
                QRectF(x0, y - total_h, column, total_h),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                total,
            )
            text_w = painter.fontMetrics().horizontalAdvance(total) + 2 * LABEL_GAP
            labels.append(QRectF(x0 + (column - text_w) / 2, y - total_h, text_w, total_h))
            painter.drawText(
                QRectF(x0, self.height() - month_h, column, month_h),
                Qt.AlignmentFlag.AlignCenter,
                bar.month,
            )
        if self.median_fen > 0:
            y_med = zero - self.median_fen * scale
            painter.setPen(QPen(TEXT, 2, Qt.PenStyle.DashLine))
            # The line stops short of any bar total it would cross (it struck one through).
            self.label_rects = labels
            self.median_y = y_med
            self.median_segments = line_segments(left, left + width, y_med, labels)
            for x1, x2 in self.median_segments:
                painter.drawLine(QPointF(x1, y_med), QPointF(x2, y_med))
            # labelled in the legend: beside the line it would cover a bar's total
            painter.drawText(
                median_box.adjusted(MEDIAN_SAMPLE, 0, 0, 0),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.median_label,
            )
            y_mid = median_box.center().y()
            x_end = median_box.left() + MEDIAN_SAMPLE - 12
            painter.drawLine(QPointF(median_box.left(), y_mid), QPointF(x_end, y_mid))
        painter.end()

    def text_row(self) -> int:
        """Height of one row of chart text in the widget's (style sheet) font."""
        return self.fontMetrics().height() + TEXT_PAD

    def text_px(self) -> int:
        """The chart's text size in pixels (from the style sheet: tests hold it to the theme)."""
        return self.font().pixelSize()

    def legend_boxes(self) -> tuple[list[tuple[ChartGroup, QRectF]], QRectF]:
        """Where the legend's entries (swatch and words) and the median's label (its dashed
        sample and words) go: one line, or the median on a second line when they would meet
        (large text in English)."""
        metrics = self.fontMetrics()
        row = self.text_row()
        swatch = metrics.ascent()
        groups = [g for g in ChartGroup if any(g == s[0] for b in self.bars for s in b.stacks)]
        boxes: list[tuple[ChartGroup, QRectF]] = []
        x = 16.0
        for group in groups:
            text = self.legend.get(group, group.value)
            w = swatch + 8 + metrics.horizontalAdvance(text) + 4
            boxes.append((group, QRectF(x, 4, w, row)))
            x += w + 24
        right = self.width() - 16.0
        median_w = MEDIAN_SAMPLE + metrics.horizontalAdvance(self.median_label) + 4
        if not self.median_label:
            return boxes, QRectF()
        median = QRectF(right - median_w, 4, median_w, row)
        if boxes and boxes[-1][1].right() + 24 > median.left():
            median.moveTop(4 + row)
        return boxes, median

    def _paint_legend(self, painter: QPainter, boxes: list[tuple[ChartGroup, QRectF]]) -> None:
        swatch = painter.fontMetrics().ascent()
        for group, box in boxes:
            text = self.legend.get(group, group.value)
            top = box.top() + (box.height() - swatch) / 2
            painter.fillRect(QRectF(box.left(), top, swatch, swatch), QColor(COLOURS[group]))
            painter.setPen(TEXT)
            painter.drawText(
                box.adjusted(swatch + 8, 0, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )

    # Touch ------------------------------------------------------------------------------
    def _month_at(self, pos: QPointF) -> str:
        return next((m for rect, m in self._hits if rect.contains(pos)), "")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed = self._month_at(event.position())
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        month = self._month_at(event.position())
        pressed, self._pressed = self._pressed, ""
        self.update()
        if month and month == pressed:
            self.selected = month
            self.month_tapped.emit(month)
