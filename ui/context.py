"""What every screen may use, built once by the composition root (ui/app.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from kiosk.config import Config
from kiosk.i18n import Translator
from kiosk.session import SessionManager
from ui.background import Runner

if TYPE_CHECKING:
    from kiosk.backend.protocol import Backend
    from kiosk.cash.desk import CashDesk
    from kiosk.journal import Journal
    from kiosk.voice.guide import VoiceGuide
    from ui.devices.card_reader import CardReaderAdapter
    from ui.devices.printer import PrinterAdapter


T = TypeVar("T")


class Lazy(Generic[T]):
    """Builds a service on first use, which is always on a worker thread.

    Importing ``requests`` (and with it ssl) costs ~150 ms and opening the journal touches the
    disk: the GUI thread pays neither, and start-up paints the home screen first.
    """

    def __init__(self, factory: Callable[[], T], close: Callable[[T], None]) -> None:
        self._factory = factory
        self._close = close
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._factory()
            return self._value

    def close(self) -> None:
        with self._lock:
            if self._value is not None:
                self._close(self._value)
                self._value = None


class BackendHandle(Lazy["Backend"]):
    """The backend client, built on first use and closed with the kiosk."""

    def __init__(self, factory: Callable[[], Backend]) -> None:
        super().__init__(factory, lambda client: client.close())


@dataclass
class Services:
    """The outside world: the operator backend and the devices (absent ones are None)."""

    backend: Lazy[Backend] | None = None
    journal: Lazy[Journal] | None = None
    card_reader: CardReaderAdapter | None = None
    printer: PrinterAdapter | None = None
    cash: Lazy[CashDesk] | None = None  # the banknote acceptor's flow (kiosk/cash/desk.py)
    voice: VoiceGuide | None = None  # None: voice guidance turned off by staff (voice.enabled)


@dataclass
class AppContext:
    """Shared objects handed to every screen."""

    config: Config
    translator: Translator
    runner: Runner
    sessions: SessionManager
    clock: Callable[[], float]
    services: Services = field(default_factory=Services)

    def tr(self, key: str, /, **values: object) -> str:
        return self.translator.tr(key, **values)

    @property
    def backend(self) -> Backend:
        """The backend client. Call it only inside background jobs (it may build the client)."""
        if self.services.backend is None:
            raise RuntimeError("no backend configured")
        return self.services.backend.get()

    @property
    def journal(self) -> Journal:
        """The transaction journal. Call it only inside background jobs."""
        if self.services.journal is None:
            raise RuntimeError("no journal configured")
        return self.services.journal.get()
