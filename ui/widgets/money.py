"""The one widget that shows a line's money (kiosk.money): the overview and the pay result
both use it, so a customer sees the same caption and the same amount on both."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from common.money import format_fen
from kiosk.i18n import Translator
from kiosk.money import LineMoney, MoneyLine, money_lines


def money_text(translator: Translator, line: MoneyLine) -> str:
    """ "可用余额 ¥3.50": one line as a sentence part (for the pay result, a receipt)."""
    return translator.tr(
        "money.line", label=translator.tr(line.label.key), amount=format_fen(line.fen)
    )


class MoneyView(QWidget):
    """A card per money line, headline first: caption over amount."""

    def __init__(self, translator: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("moneyView")
        self.translator = translator
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(24)
        self.money: LineMoney | None = None
        self.captions: list[QLabel] = []
        self.values: list[QLabel] = []

    def show_money(self, money: LineMoney | None) -> None:
        """Show ``money`` (None: nothing)."""
        self.money = money
        lines = money_lines(money) if money is not None else ()
        while len(self.captions) < len(lines):
            self._add_card()
        for index, (caption, value) in enumerate(zip(self.captions, self.values, strict=True)):
            frame = caption.parentWidget()
            if index < len(lines):
                caption.setText(self.translator.tr(lines[index].label.key))
                value.setText(format_fen(lines[index].fen))
                value.setProperty("money", lines[index].label.name.lower())
                if frame is not None:
                    frame.show()
            else:
                caption.clear()
                value.clear()
                if frame is not None:
                    frame.hide()

    def retranslate(self) -> None:
        """Re-say the captions in the current language."""
        self.show_money(self.money)

    def texts(self) -> list[tuple[str, str]]:
        """(caption, amount) as shown, headline first (for tests and the tour)."""
        return [
            (c.text(), v.text())
            for c, v in zip(self.captions, self.values, strict=True)
            if c.text()
        ]

    def _add_card(self) -> None:
        frame = QFrame()
        frame.setObjectName("card")
        frame.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        box = QVBoxLayout(frame)
        box.setContentsMargins(28, 20, 28, 20)
        box.setSpacing(8)
        caption = QLabel()
        caption.setProperty("role", "caption")
        caption.setWordWrap(True)
        value = QLabel()
        value.setProperty("role", "value")
        box.addWidget(caption)
        box.addWidget(value)
        self.captions.append(caption)
        self.values.append(value)
        self.row.addWidget(frame)
