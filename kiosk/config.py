"""Terminal configuration: one TOML file loaded once into a frozen, typed object.

Every key has a demo default, so ``kiosk demo`` needs no file. A bad value raises
:class:`ConfigError` naming the key, e.g. ``timeouts.idle: must be a positive number``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

LOCALES = ("zh_CN", "en")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the bad key."""


@dataclass(frozen=True)
class TerminalConfig:
    """Who this terminal is, as printed on receipts and sent to the backend."""

    id: str = "KIOSK-DEMO-01"
    hall_name: str = "北京朝阳建国路营业厅"
    operator_name: str = "中国移动通信集团北京有限公司"


@dataclass(frozen=True)
class BackendConfig:
    """Where the operator's backend is and how long to wait for it."""

    url: str = "http://127.0.0.1:8765"
    terminal_token: str = "demo-terminal-token"
    connect_timeout: float = 3.0
    read_timeout: float = 10.0


@dataclass(frozen=True)
class DevicesConfig:
    """Device ports as pyserial URLs (``/dev/ttyUSB0``, ``socket://host:port``, a pty path)."""

    card_reader: str = ""
    card_reader_baud: int = 115200
    printer: str = ""
    printer_baud: int = 115200
    printer_profile: str = "generic-80"
    a4_printer: str = ""  # a CUPS queue name; empty means "save PDF only"
    cash_acceptor: str = ""  # ccTalk bill validator; empty means "no cash at this terminal"
    cash_acceptor_baud: int = 9600
    cash_acceptor_echo: bool = False  # single-wire bus: our own bytes come back first


@dataclass(frozen=True)
class TimeoutsConfig:
    """Seconds, per PRODUCT.md."""

    idle: float = 60.0
    warning: float = 20.0
    entry: float = 30.0
    reading: float = 120.0
    after_transaction: float = 20.0
    session_max: float = 600.0


@dataclass(frozen=True)
class UiConfig:
    """Look and behaviour of the touch screen."""

    locale: str = "zh_CN"
    large_text: bool = False
    fullscreen: bool = True


@dataclass(frozen=True)
class AdminConfig:
    """Hall staff's way out of the lock-down: a PIN stored as ``pbkdf2_sha256$iter$salt$hex``."""

    pin_hash: str = ""

    def check_pin(self, pin: str) -> bool:
        """True when ``pin`` matches the stored hash; always False when no hash is set."""
        if not self.pin_hash:
            return False
        try:
            algo, iterations, salt, digest = self.pin_hash.split("$")
        except ValueError:
            return False
        if algo != "pbkdf2_sha256":
            return False
        import hashlib  # here, not at import: start-up stays light
        import hmac

        candidate = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), int(iterations))
        return hmac.compare_digest(candidate.hex(), digest)


def hash_pin(pin: str, salt: str = "kiosk", iterations: int = 100_000) -> str:
    """Make an ``admin.pin_hash`` value for a PIN."""
    import hashlib

    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


DEMO_ADMIN_PIN = "2468"
# hash_pin(DEMO_ADMIN_PIN), precomputed: PBKDF2 is slow on purpose and start-up is not.
DEMO_ADMIN_PIN_HASH = (
    "pbkdf2_sha256$100000$kiosk$534c1ba3941e38e5235561413bc953d85be51d0cab44b1bc9bcfa70ffc070dcb"
)


@dataclass(frozen=True)
class Config:
    """The whole configuration of one terminal."""

    terminal: TerminalConfig = field(default_factory=TerminalConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    timeouts: TimeoutsConfig = field(default_factory=TimeoutsConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    admin: AdminConfig = field(default_factory=lambda: AdminConfig(DEMO_ADMIN_PIN_HASH))
    # The journal must outlive the process (reconciliation after a power cut).
    journal_path: str = "~/.local/state/hall-kiosk/journal.sqlite3"


def _build_section(cls: type[T], section: str, raw: Any) -> T:
    if not isinstance(raw, dict):
        raise ConfigError(f"{section}: must be a table")
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            raise ConfigError(f"{section}.{key}: unknown key")
        default = getattr(cls(), key)
        values[key] = _check_type(f"{section}.{key}", value, default)
    return cls(**values)


def _check_type(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{name}: must be true or false")
        return value
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{name}: must be a positive whole number")
        return value
    if isinstance(default, float):
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"{name}: must be a positive number")
        return float(value)
    if not isinstance(value, str):
        raise ConfigError(f"{name}: must be a string")
    return value


_SECTIONS: dict[str, type[Any]] = {
    "terminal": TerminalConfig,
    "backend": BackendConfig,
    "devices": DevicesConfig,
    "timeouts": TimeoutsConfig,
    "ui": UiConfig,
    "admin": AdminConfig,
}


def config_from_dict(raw: dict[str, Any]) -> Config:
    """Validate a parsed TOML document into a :class:`Config`."""
    sections: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "journal_path":
            sections[key] = _check_type(key, value, "")
        elif key in _SECTIONS:
            sections[key] = _build_section(_SECTIONS[key], key, value)
        else:
            raise ConfigError(f"{key}: unknown section")
    config = Config(**sections)
    _validate(config)
    return config


def _validate(config: Config) -> None:
    if config.ui.locale not in LOCALES:
        raise ConfigError(f"ui.locale: must be one of {', '.join(LOCALES)}")
    if not config.backend.url.startswith(("http://", "https://")):
        raise ConfigError("backend.url: must start with http:// or https://")
    if config.admin.pin_hash and config.admin.pin_hash.count("$") != 3:
        raise ConfigError("admin.pin_hash: expected pbkdf2_sha256$iterations$salt$hex")


def load_config(path: Path | None) -> Config:
    """Load and validate a TOML file; ``None`` gives the demo defaults."""
    if path is None:
        return Config()
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return config_from_dict(raw)
