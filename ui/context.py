"""What every screen may use, built once by the composition root (ui/main.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.config import Config
from kiosk.i18n import Translator
from kiosk.session import SessionManager
from ui.background import Runner

if TYPE_CHECKING:
    from kiosk.backend.client import BackendClient
    from ui.devices.card_reader import CardReaderAdapter
    from ui.devices.printer import PrinterAdapter


class BackendHandle:
    """Builds the backend client on first use, which is always on a worker thread.

    Importing ``requests`` (and with it ssl) costs ~150 ms: the GUI thread never pays it, and
    start-up paints the home screen first (see bench/bench_startup.py).
    """

    def __init__(self, factory: Callable[[], BackendClient]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._client: BackendClient | None = None

    def get(self) -> BackendClient:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None


@dataclass
class Services:
    """The outside world: the operator backend and the devices (absent ones are None)."""

    backend: BackendHandle | None = None
    card_reader: CardReaderAdapter | None = None
    printer: PrinterAdapter | None = None


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
    def backend(self) -> BackendClient:
        """The backend client. Call it only inside background jobs (it may build the client)."""
        if self.services.backend is None:
            raise RuntimeError("no backend configured")
        return self.services.backend.get()
