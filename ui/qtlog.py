"""Routes Qt's own messages (qDebug/qWarning/...) into Python logging."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

# Harmless platform chatter under the offscreen/xcb plugins in a kiosk without a session bus.
_QUIET = ("propagateSizeHints", "QFont::setPointSize", "This plugin does not support")


def _handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _LEVELS.get(mode, logging.INFO)
    if level == logging.WARNING and message.startswith(_QUIET):
        level = logging.DEBUG
    log.log(level, "%s", message)


def install() -> None:
    """Install once at start-up, before the QApplication exists."""
    qInstallMessageHandler(_handler)
