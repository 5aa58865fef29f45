"""The base of every screen: a title, an idle-timeout kind, and retranslation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from kiosk.idle import ScreenKind
from ui.context import AppContext


class Screen(QWidget):
    """A full-screen page in the navigator's stack.

    Subclasses set ``screen_id``, ``kind`` and ``title_key``, build their widgets in
    ``__init__`` and fill them in ``enter``. ``navigate`` asks the navigator to go elsewhere.
    """

    navigate = Signal(str, object)  # screen id, params
    go_home = Signal()
    go_back = Signal()

    screen_id = "base"
    kind = ScreenKind.ORDINARY
    title_key = ""
    hint_key = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.ctx = ctx
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(56, 32, 56, 24)
        self.layout_.setSpacing(20)
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.hint = QLabel()
        self.hint.setObjectName("screenHint")
        self.hint.setWordWrap(True)
        if self.title_key:
            self.layout_.addWidget(self.title)
        if self.hint_key:
            self.layout_.addWidget(self.hint)

    def tr(self, key: str, /, **values: object) -> str:  # type: ignore[override]
        return self.ctx.translator.tr(key, **values)

    def enter(self, params: Any) -> None:
        """Called each time the screen is shown; ``params`` come from the caller."""

    def leave(self) -> None:
        """Called when another screen replaces this one."""

    def reset(self) -> None:
        """Drop everything personal this screen shows (session end)."""

    def retranslate(self) -> None:
        """Refresh every text after a language switch."""
        if self.title_key:
            self.title.setText(self.tr(self.title_key))
        if self.hint_key:
            self.hint.setText(self.tr(self.hint_key))

    @staticmethod
    def label(object_name: str = "", role: str = "", text: str = "") -> QLabel:
        """A label styled by object name or role (never by inline style)."""
        lab = QLabel(text)
        if object_name:
            lab.setObjectName(object_name)
        if role:
            lab.setProperty("role", role)
        lab.setWordWrap(True)
        return lab
