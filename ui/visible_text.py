"""The text a customer can see in a widget tree: labels, buttons, fields, list and table cells,
and what painted widgets draw (a widget that paints its own text offers ``painted_texts()``).

Used by the English-completeness checks (tests/ui/test_english_screens.py, the English tour)
to find a word that is not in the customer's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

# CJK ideographs, CJK punctuation and full-width forms: none belongs on an English screen
# (〈 〉 aside: the back arrow's glyph, not a word).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u3007\u300a-\u303f\uff00-\uffef]")
MAX_ROWS = 200  # a long list: the rows a customer can page to are the same kind of text


@dataclass(frozen=True)
class VisibleText:
    """One piece of text and where it is shown (object name or class of its widget)."""

    where: str
    text: str


def _plain(text: str) -> str:
    if "<" in text and ">" in text:  # rich text (Qt.mightBeRichText is not typed)
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return model.columnCount(parent)
    except TypeError:  # a list model: its columnCount is not callable from Python
        return 1


def _rows(model: QAbstractItemModel, parent: QModelIndex) -> int:
    try:
        return model.rowCount(parent)
    except TypeError:
        return 0


def _model_texts(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None:
        return
    for column in range(_columns(model, QModelIndex())):
        header = model.headerData(column, Qt.Orientation.Horizontal)
        if isinstance(header, str):
            yield header

    def walk(parent: QModelIndex, depth: int) -> Iterator[str]:
        for row in range(min(_rows(model, parent), MAX_ROWS)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                value = index.data(Qt.ItemDataRole.DisplayRole)
                if value is not None:
                    yield str(value)
                if depth < 3 and parent == QModelIndex() and _rows(model, index) > 0:
                    yield from walk(index, depth + 1)

    yield from walk(QModelIndex(), 0)


def _own_texts(widget: QWidget) -> Iterator[str]:
    if isinstance(widget, QLabel):
        yield _plain(widget.text())
    elif isinstance(widget, QAbstractButton):
        yield widget.text()
    elif isinstance(widget, QLineEdit):
        yield widget.text()
        yield widget.placeholderText()
    elif isinstance(widget, QTextEdit | QPlainTextEdit):
        yield widget.toPlainText()
    elif isinstance(widget, QComboBox):
        yield from (widget.itemText(i) for i in range(widget.count()))
    if isinstance(widget, QHeaderView):
        model = widget.model()
        if model is not None:
            for section in range(widget.count()):
                header = model.headerData(section, widget.orientation())
                if isinstance(header, str):
                    yield header
    elif isinstance(widget, QAbstractItemView):
        yield from _model_texts(widget)
    painted = getattr(widget, "painted_texts", None)
    if callable(painted):
        yield from (str(t) for t in painted())


def visible_texts(root: QWidget) -> list[VisibleText]:
    """Every non-empty text shown by ``root`` and its visible descendants."""
    found: list[VisibleText] = []
    stack = [root]
    while stack:
        widget = stack.pop()
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if widget is root and not (widget.isVisible() or widget.parentWidget() is None):
            continue
        found.extend(VisibleText(_name(widget), t) for t in _own_texts(widget) if t.strip())
        stack.extend(
            reversed(
                widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            )
        )
    return found


def cjk_texts(root: QWidget, allowed: frozenset[str] = frozenset()) -> list[VisibleText]:
    """Visible texts holding CJK characters, less those containing an allowed string (a
    customer's name or address, shown as registered)."""
    out = []
    for item in visible_texts(root):
        rest = item.text
        for word in allowed:
            rest = rest.replace(word, "")
        if CJK.search(rest):
            out.append(item)
    return out
