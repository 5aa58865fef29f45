"""What every screen may use, built once by the composition root (ui/main.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kiosk.config import Config
from kiosk.i18n import Translator
from kiosk.session import SessionManager
from ui.background import Runner


@dataclass
class AppContext:
    """Shared services. ``services`` holds feature services (backend client, devices, ...)."""

    config: Config
    translator: Translator
    runner: Runner
    sessions: SessionManager
    clock: Callable[[], float]
    services: dict[str, Any] = field(default_factory=dict)

    def tr(self, key: str, /, **values: object) -> str:
        return self.translator.tr(key, **values)
