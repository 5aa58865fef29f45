"""The fullscreen main window: header, the screen stack, the navigation bar and overlays."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.i18n import Translator
from ui.lockdown import Lockdown
from ui.props import no_focus
from ui.widgets.header import Header
from ui.widgets.idle_overlay import IdleOverlay

log = logging.getLogger(__name__)


class NavBar(QFrame):
    """返回 / 首页 / 结束服务 at the bottom, where a thumb finds them."""

    back = Signal()
    home = Signal()
    end_session = Signal()

    def __init__(self, translator: Translator, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navBar")
        self._tr = translator
        self.back_button = QPushButton()
        self.home_button = QPushButton()
        self.end_button = QPushButton()
        self.end_button.setObjectName("endSession")
        for button, signal in (
            (self.back_button, self.back),
            (self.home_button, self.home),
            (self.end_button, self.end_session),
        ):
            no_focus(button)
            button.clicked.connect(signal.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(40, 14, 40, 14)
        layout.setSpacing(24)
        layout.addWidget(self.back_button)
        layout.addWidget(self.home_button)
        layout.addStretch(1)
        layout.addWidget(self.end_button)
        self.retranslate()

    def retranslate(self) -> None:
        self.back_button.setText(self._tr.tr("nav.back"))
        self.home_button.setText(self._tr.tr("nav.home"))
        self.end_button.setText(self._tr.tr("nav.end_session"))


class ScreenStack(QStackedWidget):
    """The screens, one at a time. Sized by the screen on show only: a plain QStackedWidget
    asks for the largest of all its pages, so the tall home screen (no navigation bar) would
    force every other screen (with the bar) past 1080 px."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(self._on_current_changed)

    def sizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()

    def _on_current_changed(self, _index: int) -> None:
        self.updateGeometry()


class MainWindow(QMainWindow):
    """Refuses to close unless the lock-down lets it (admin PIN).

    The navigation bar and the idle cover are hidden in the first frame (home, nobody
    identified, nobody idle yet), so each is built on first use (:attr:`nav`,
    :attr:`idle_overlay`): ten widgets fewer to make and polish before the home screen is on
    screen (bench_startup). The window's own signals stand for theirs, so the shell connects
    once, whether or not they exist yet.
    """

    back = Signal()  # the navigation bar's 返回
    home = Signal()  # its 首页
    end_session = Signal()  # its 结束服务
    more_time_requested = Signal()  # the idle cover's 我需要更多时间

    def __init__(self, translator: Translator, header: Header, lockdown: Lockdown) -> None:
        super().__init__()
        self.setWindowTitle(translator.tr("header.operator"))
        self._tr = translator
        self._lockdown = lockdown
        self.header = header
        self.stack = ScreenStack()
        self.stack.setObjectName("screenStack")
        self._nav: NavBar | None = None
        self._idle_overlay: IdleOverlay | None = None
        self._central = QWidget()
        layout = QVBoxLayout(self._central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.stack, 1)
        self._layout = layout
        self.setCentralWidget(self._central)
        # The screen sets the window's size, never its content: without this, Qt raises the
        # window's minimum to fit whatever is showing, even for a moment (a panel shown before
        # another is hidden), and a windowed kiosk grows past 1080 px for good. Screens that
        # do not fit are caught by their fit tests instead.
        main_layout = self.layout()
        if main_layout is not None:
            main_layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

    @property
    def nav(self) -> NavBar:
        """The navigation bar under the screens, built (hidden) on first use."""
        if self._nav is None:
            nav = NavBar(self._tr)
            nav.setVisible(False)
            nav.back.connect(self.back)
            nav.home.connect(self.home)
            nav.end_session.connect(self.end_session)
            self._layout.addWidget(nav)
            self._nav = nav
        return self._nav

    @property
    def nav_built(self) -> bool:
        return self._nav is not None

    @property
    def idle_overlay(self) -> IdleOverlay:
        """The idle cover over header, screens and bar, built (hidden) on first use."""
        if self._idle_overlay is None:
            overlay = IdleOverlay(self._tr, self._central)
            overlay.more_time_requested.connect(self.more_time_requested)
            self._idle_overlay = overlay
        return self._idle_overlay

    def hide_idle_overlay(self) -> None:
        if self._idle_overlay is not None:
            self._idle_overlay.hide()

    def retranslate(self) -> None:
        """The bar and the cover, where built (the header and screens retranslate apart)."""
        if self._nav is not None:
            self._nav.retranslate()
        if self._idle_overlay is not None:
            self._idle_overlay.retranslate()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._lockdown.exit_allowed:
            event.accept()
            return
        log.info("window close refused by the lock-down")
        event.ignore()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        overlay = self._idle_overlay
        if overlay is not None and overlay.isVisible():
            overlay.setGeometry(self._central.rect())
