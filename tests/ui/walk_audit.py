"""What a customer would see cut off or too small on the window as it is showing now.

:func:`audit` looks at every visible label, button and list row of the window (header, the
current screen, the navigation bar) and names each problem in one line:

- text smaller than the theme's minimum (``ui.theme.MINIMUMS``): secondary text (the theme's
  ``small`` size) at least the secondary minimum, every other text at least the body minimum;
- text clipped: a one-line label or a button whose text is wider than the widget, a wrapped
  label shorter than its wrapped text or with a word wider than itself, a button's elided text,
  a list or table cell whose (wrapped) text does not fit its cell;
- a widget cut off horizontally by anything around it (a parent, a scroll viewport, the
  window); vertically only by parents that do not scroll (a scrolled page is fine);
- a tap target (a button, a row of a view whose rows are tapped) under the target minimum;
- the bill chart's painted words not at the theme's size, overlapping, or outside the chart.

Which views' rows are tap targets: every item view (list, table) whose selection mode is not
``NoSelection``. A row that a tap can select is something the customer taps (a charge to
dispute on 详单 and the dispute screen, a receipt on the admin screen), so it is held to the
target minimum whatever the view's class; a view that only shows rows says so with
``NoSelection`` (then a tap highlights nothing either). One rule, read off the view itself:
a tapped view added later is audited without being listed here.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QListWidget,
    QTableView,
    QWidget,
)

from ui import theme
from ui.widgets.bill_chart import BillChart

# a run of letters/digits that a line may not break inside (Latin words, numbers, amounts)
_WORD = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]+")
ELLIPSIS = "…"


def tapped(view: QAbstractItemView) -> bool:
    """True when the customer taps ``view``'s rows (see the module docstring)."""
    return view.selectionMode() != QAbstractItemView.SelectionMode.NoSelection


def _name(widget: QWidget) -> str:
    parts: list[str] = []
    current: QWidget | None = widget
    while current is not None and len(parts) < 4:
        parts.append(current.objectName() or type(current).__name__)
        current = current.parentWidget()
    return "/".join(reversed(parts))


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0 and widget.height() > 0


def _text_of(label: QLabel) -> str:
    text = label.text()
    if label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and "<" in text and ">" in text
    ):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _screen_of(widget: QWidget) -> QWidget | None:
    """The screen (ui.screen.Screen) ``widget`` is on, if any."""
    from ui.screen import Screen

    current: QWidget | None = widget
    while current is not None:
        if isinstance(current, Screen):
            return current
        current = current.parentWidget()
    return None


def _scrolled_viewport(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    return isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget


def _cut_off(widget: QWidget, window: QWidget) -> str:
    """How ``widget`` is cut by what holds it ('' when it is whole)."""
    origin = widget.mapTo(window, QPoint(0, 0))
    own = QRect(origin, widget.size())
    parent = widget.parentWidget()
    vertical_ok = False  # once inside a scrolled viewport, height is the page's business
    while parent is not None:
        at = parent.mapTo(window, QPoint(0, 0))
        box = QRect(at, parent.size())
        if own.left() < box.left() or own.right() > box.right():
            return f"cut off horizontally by {_name(parent)} ({own} in {box})"
        if _scrolled_viewport(parent):
            vertical_ok = True
        elif not vertical_ok and (own.top() < box.top() or own.bottom() > box.bottom()):
            return f"cut off vertically by {_name(parent)} ({own} in {box})"
        if parent is window:
            break
        parent = parent.parentWidget()
    return ""


def _px(widget: QWidget) -> int:
    return widget.font().pixelSize()


def _size_problem(widget: QWidget, large: bool) -> str:
    minimum = theme.MINIMUMS["large" if large else "standard"]
    small = theme.size("small", large)
    px = _px(widget)
    if px < minimum["secondary"]:
        return f"text {px} px < secondary minimum {minimum['secondary']} px"
    if px != small and px < minimum["body"]:
        return f"text {px} px < body minimum {minimum['body']} px"
    return ""


def _label_problems(label: QLabel) -> list[str]:
    text = _text_of(label)
    if not text.strip() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return []
    problems = []
    # no ellipsis check here: a QLabel never elides, and "正在发送……" / "Sending …" are words
    metrics = QFontMetrics(label.font())
    room = label.contentsRect().width() - 2 * label.margin() - label.indent() * 0
    if label.wordWrap():
        for word in _WORD.findall(text):
            if metrics.horizontalAdvance(word) > room:
                problems.append(f"word {word!r} wider than the label ({room} px)")
                break
        needed = label.heightForWidth(label.width())
        if needed > label.height() + 1:
            problems.append(f"wrapped text needs {needed} px, has {label.height()} px: {text!r}")
    else:
        widest = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [text])
        if widest > room:
            problems.append(f"text {widest} px wide in {room} px: {text!r}")
    return problems


def _button_problems(button: QAbstractButton, large: bool) -> list[str]:
    minimum = theme.MINIMUMS["large" if large else "standard"]["target"]
    problems = []
    if button.width() < minimum or button.height() < minimum:
        problems.append(f"target {button.width()}x{button.height()} < {minimum} px")
    text = button.text()
    if text:
        if ELLIPSIS in text:
            problems.append(f"elided text {text!r}")
        needed = button.sizeHint().width()
        if needed > button.width():
            problems.append(f"text needs {needed} px, button is {button.width()} px: {text!r}")
    return problems


def _view_problems(view: QAbstractItemView, large: bool) -> list[str]:
    model = view.model()
    if model is None:
        return []
    problems = []
    if view.horizontalScrollBar().maximum() > 0:
        problems.append("columns wider than the view: it scrolls sideways")
    port = view.viewport().rect()
    metrics = QFontMetrics(view.font())
    target = theme.MINIMUMS["large" if large else "standard"]["target"]
    margin = view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin, None, view)
    columns = 1 if isinstance(view, QListWidget) else model.columnCount(QModelIndex())
    rows_tapped = tapped(view)
    for row in range(model.rowCount(QModelIndex())):
        first = view.visualRect(model.index(row, 0, QModelIndex()))
        if first.top() > port.bottom():
            break  # rows below the viewport are seen when scrolled to
        # what a tap hits: a table's row is its section, the grid line included (visualRect
        # leaves the line out); a list's row is its item's rectangle
        high = view.rowHeight(row) if isinstance(view, QTableView) else first.height()
        if rows_tapped and first.intersects(port) and 0 < high < target:
            problems.append(f"row {row} {high} px high < {target} px")
        for column in range(columns):
            index = model.index(row, column, QModelIndex())
            rect = view.visualRect(index)
            if not rect.intersects(port) or rect.width() <= 0:
                continue
            text = index.data(Qt.ItemDataRole.DisplayRole)
            if not isinstance(text, str) or not text:
                continue
            room = rect.width() - 2 * (margin + 1)
            if isinstance(view, QListWidget):
                room -= 32  # the list's item padding (kiosk.qss: 16 px each side)
            flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
            if not getattr(view, "wordWrap", lambda: True)():
                flags = int(Qt.AlignmentFlag.AlignLeft)
            box = metrics.boundingRect(QRect(0, 0, max(room, 1), 100_000), flags, text)
            words = [w for w in _WORD.findall(text) if metrics.horizontalAdvance(w) > room]
            if box.width() > room or box.height() > rect.height() or words:
                problems.append(
                    f"cell ({row}, {column}) {text!r} needs {box.width()}x{box.height()} px, "
                    f"has {room}x{rect.height()} px"
                )
    return problems


def settle() -> None:
    """Let nested layouts finish: wrapped text (height for width) takes a few passes."""
    for _ in range(6):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


def _chart_problems(chart: BillChart, large: bool) -> list[str]:
    """The chart paints its words: their size follows the theme, none meet or leave it."""
    problems = [p for p in [_size_problem(chart, large)] if p]
    if chart.text_px() != theme.size("small", large):
        problems.append(f"chart text {chart.text_px()} px, theme says {theme.size('small', large)}")
    legend, median = chart.legend_boxes()
    boxes = [box for _group, box in legend] + ([median] if not median.isNull() else [])
    for i, box in enumerate(boxes):
        if box.left() < 0 or box.right() > chart.width():
            problems.append(f"chart legend entry {i} outside the chart ({box})")
        for other in boxes[i + 1 :]:
            if box.intersects(other):
                problems.append(f"chart legend entries overlap ({box} and {other})")
    return problems


def audit(window: QWidget, large: bool) -> list[str]:
    """Every problem on ``window`` as showing now, as ``"widget: problem"`` lines."""
    from ui.screen import Screen

    settle()
    found: list[str] = []
    for widget in window.findChildren(QWidget):
        if not _shown(widget, window):
            continue
        screen = _screen_of(widget)
        if screen is not None and not _shown(screen, window):
            continue
        if isinstance(widget, Screen):
            continue
        problems: list[str] = []
        if isinstance(widget, QLabel):
            if _text_of(widget).strip():
                problems += [p for p in [_size_problem(widget, large)] if p]
            problems += _label_problems(widget)
        elif isinstance(widget, QAbstractButton):
            if widget.text():
                problems += [p for p in [_size_problem(widget, large)] if p]
            problems += _button_problems(widget, large)
        elif isinstance(widget, BillChart):
            problems += _chart_problems(widget, large)
        elif isinstance(widget, QAbstractItemView):
            problems += [p for p in [_size_problem(widget, large)] if p]
            problems += _view_problems(widget, large)
        else:
            continue
        cut = _cut_off(widget, window)
        if cut:
            problems.append(cut)
        found += [f"{_name(widget)}: {problem}" for problem in problems]
    return found
