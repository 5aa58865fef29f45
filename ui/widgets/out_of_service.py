"""The out-of-service cover: shown while the backend cannot be reached, gone by itself when it
answers again (ui/service_monitor.py). It names the terminal so a customer or a colleague on
the phone can say which one, and sends the customer to the hall staff."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from kiosk.i18n import Translator
from ui.props import align


class OutOfServiceCover(QFrame):
    """Covers its parent (the screen stack); the header with the staff gesture stays usable."""

    def __init__(self, translator: Translator, terminal_id: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("outOfService")
        self._tr = translator
        self._terminal_id = terminal_id
        self.title = QLabel()
        self.title.setObjectName("outOfServiceTitle")
        self.body = QLabel()
        self.terminal = QLabel()
        self.staff_hint = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(120, 80, 120, 80)
        layout.setSpacing(28)
        layout.addStretch(1)
        for label in (self.title, self.body, self.terminal, self.staff_hint):
            if label is not self.title:
                label.setObjectName("outOfServiceText")
            label.setWordWrap(True)
            align(label, "AlignCenter")
            layout.addWidget(label)
        layout.addStretch(1)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.title.setText(self._tr.tr("service.out_title"))
        self.body.setText(self._tr.tr("service.out_body"))
        self.terminal.setText(self._tr.tr("service.terminal", terminal=self._terminal_id))
        self.staff_hint.setText(self._tr.tr("service.staff_hint"))

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()
