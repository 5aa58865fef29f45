"""The cash box (钱箱) on the admin screen: notes per value, the total, the fill level against
the box's capacity (``devices.cash_box_capacity``); while staff count a clearance (清机) each
value gets − / + so the count by hand can be entered.

Pure display: the admin screen gives it counts and reads ``count_changed``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from common.money import format_fen
from kiosk.i18n import Translator
from ui.props import no_focus

#: The Renminbi notes a terminal takes, in fen (one row each, in this order).
NOTE_VALUES_FEN = (100, 500, 1000, 2000, 5000, 10000)
#: From this fill (per cent) the bar turns amber, and red when full.
WARN_PCT = 80


def fill_pct(notes: int, capacity: int | None) -> int | None:
    """Fill level in whole per cent (never above 100), None without a capacity."""
    if not capacity:
        return None
    return min(100, round(100 * notes / capacity))


class CashBoxWidget(QWidget):
    """One row per note value (count, sum), a total line and a fill bar."""

    count_changed = Signal(int, int)  # value_fen, count (only while counting)

    def __init__(self, translator: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cashBox")
        self._tr = translator
        self._counts: dict[int, int] = {}
        self._capacity: int | None = None
        self._counting = False
        self.title = QLabel()
        self.title.setProperty("role", "value")
        grid = QGridLayout()
        self.rows: dict[int, QLabel] = {}
        self.minus: dict[int, QPushButton] = {}
        self.plus: dict[int, QPushButton] = {}
        for row, value in enumerate(NOTE_VALUES_FEN):
            label = QLabel()
            label.setObjectName(f"cashBoxRow{value}")
            minus, plus = QPushButton("−"), QPushButton("+")
            for button, delta in ((minus, -1), (plus, 1)):
                no_focus(button)
                button.setProperty("role", "stepper")
                button.clicked.connect(lambda _=False, v=value, d=delta: self._step(v, d))
                button.hide()
            grid.addWidget(label, row, 0)
            grid.addWidget(minus, row, 1)
            grid.addWidget(plus, row, 2)
            self.rows[value], self.minus[value], self.plus[value] = label, minus, plus
        grid.setColumnStretch(0, 1)
        self.total = QLabel()
        self.total.setObjectName("cashBoxTotal")
        self.fill = QProgressBar()
        self.fill.setObjectName("cashBoxFill")
        self.fill.setRange(0, 100)
        self.fill.setTextVisible(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(grid)
        layout.addWidget(self.total)
        layout.addWidget(self.fill)
        self._render()

    @property
    def counts(self) -> dict[int, int]:
        return dict(self._counts)

    def show_box(self, counts: dict[int, int], capacity: int | None) -> None:
        """The box's content (value_fen -> notes) and the notes it holds."""
        self._counts = {v: c for v, c in counts.items() if c}
        self._capacity = capacity
        self._render()

    def set_counting(self, on: bool) -> None:
        """− / + per value while staff count a clearance."""
        self._counting = on
        for value in NOTE_VALUES_FEN:
            self.minus[value].setVisible(on)
            self.plus[value].setVisible(on)
        self._render()

    def retranslate(self) -> None:
        self._render()

    def _step(self, value: int, delta: int) -> None:
        if not self._counting:
            return
        count = max(0, self._counts.get(value, 0) + delta)
        self._counts[value] = count
        self._render()
        self.count_changed.emit(value, count)

    def _render(self) -> None:
        tr = self._tr.tr
        self.title.setText(tr("cash_box.counting" if self._counting else "cash_box.title"))
        for value in NOTE_VALUES_FEN:
            count = self._counts.get(value, 0)
            self.rows[value].setText(
                tr(
                    "cash_box.row",
                    value=format_fen(value),
                    count=count,
                    amount=format_fen(value * count),
                )
            )
            self.minus[value].setEnabled(count > 0)
        notes = sum(self._counts.values())
        total = sum(v * c for v, c in self._counts.items())
        self.total.setText(tr("cash_box.total", count=notes, total=format_fen(total)))
        pct = fill_pct(notes, self._capacity)
        self.fill.setVisible(pct is not None)
        if pct is not None:
            self.fill.setValue(pct)
            self.fill.setFormat(tr("cash_box.fill", count=notes, capacity=self._capacity, pct=pct))
            level = "full" if pct >= 100 else "warn" if pct >= WARN_PCT else "ok"
            self.fill.setProperty("level", level)
            self.fill.style().unpolish(self.fill)
            self.fill.style().polish(self.fill)
