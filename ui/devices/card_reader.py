"""The ID card reader seen from the GUI: the poller's callbacks become queued Qt signals."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from kiosk.devices.idcard.poller import CardEvent, CardEventKind, CardPoller

log = logging.getLogger(__name__)


class CardReaderAdapter(QObject):
    """Owns the :class:`CardPoller` (its own thread) and re-emits its events on the GUI thread.

    ``polled`` is emitted from the poller thread; Qt queues it to this object's (GUI) thread,
    where the typed signals fire.
    """

    polled = Signal(object)
    card_read = Signal(object)  # IdCard
    read_failed = Signal(object)  # CardReaderError
    card_removed = Signal()
    ready_changed = Signal(bool)
    activity = Signal()

    def __init__(
        self,
        poller_factory: Callable[[Callable[[CardEvent], None]], CardPoller],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._poller = poller_factory(self.polled.emit)
        self.polled.connect(self._on_event)
        self.ready = False

    def start(self) -> None:
        self._poller.start()

    def stop(self) -> None:
        self._poller.stop()

    def reread(self) -> None:
        """A card already lying on the reader is read again (the card screen opened)."""
        self._poller.reread()

    def _on_event(self, event: object) -> None:
        assert isinstance(event, CardEvent)
        kind = event.kind
        if kind is CardEventKind.READER_READY:
            self.ready = True
            self.ready_changed.emit(True)
            return
        if kind is CardEventKind.READER_LOST:
            log.warning("ID card reader lost: %s", type(event.error).__name__)
            self.ready = False
            self.ready_changed.emit(False)
            return
        self.activity.emit()
        if kind is CardEventKind.CARD_READ and event.card is not None:
            self.card_read.emit(event.card)
        elif kind is CardEventKind.READ_FAILED:
            self.read_failed.emit(event.error)
        elif kind is CardEventKind.CARD_REMOVED:
            self.card_removed.emit()
