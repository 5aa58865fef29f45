"""What every screen may use, built once by the composition root (ui/main.py)."""

from __future__ import annotations

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


@dataclass
class Services:
    """The outside world: the operator backend and the devices (absent ones are None)."""

    backend: BackendClient | None = None
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
        """The backend client; screens that need it are only registered when it exists."""
        if self.services.backend is None:
            raise RuntimeError("no backend configured")
        return self.services.backend
