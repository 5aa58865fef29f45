"""Terminal configuration: one TOML file loaded once into a frozen, typed object.

Every key has a demo default, so ``kiosk demo`` needs no file. ``kiosk run`` loads with
:attr:`Mode.RUN`: the terminal id, backend URL, terminal token and admin PIN hash must then be
in the file and must not be the published demo values (``KIOSK-DEMO-01``,
``demo-terminal-token``, the PIN 2468, the fixed salt ``kiosk``), and the backend is reached
over HTTPS with the operator's CA pinned unless a key that names the risk allows plain HTTP.
A bad value raises :class:`ConfigError` naming the key, e.g. ``timeouts.idle: must be a
positive number``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

LOCALES = ("zh_CN", "en")  # shipped with the kiosk; an operator may drop in more (docs/i18n.md)


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the bad key."""


class Mode(Enum):
    """How strictly a file is read: the demo fills gaps with demo values, a hall never does."""

    DEMO = "demo"
    RUN = "run"


# The published demo credentials (README, docs/api.md). They exist for ``kiosk demo`` and the
# tests; Mode.RUN refuses every one of them by name.
DEMO_TERMINAL_ID = "KIOSK-DEMO-01"
DEMO_TERMINAL_TOKEN = "demo-terminal-token"
DEMO_BACKEND_URL = "http://127.0.0.1:8765"
DEMO_ADMIN_PIN = "2468"
# hash of DEMO_ADMIN_PIN, precomputed with a fixed salt: scrypt is slow on purpose and start-up
# is not. Only the demo may use a fixed salt.
DEMO_ADMIN_PIN_HASH = (
    "scrypt$n=16384,r=8,p=5$a2lvc2stZGVtby1zYWx0IQ$yhGmP1weShiPVuAa5tKoldQEh7asKcrpBF8nZkbv5jE"
)
# What the example file and older versions published; refused by Mode.RUN as well.
_PLACEHOLDER_TOKENS = frozenset({DEMO_TERMINAL_TOKEN, "issued-by-the-operator"})
_DEMO_SALT = "kiosk"
MIN_TOKEN_LENGTH = 16
RUN_REQUIRED = (
    ("terminal", "id"),
    ("backend", "url"),
    ("backend", "terminal_token"),
    ("admin", "pin_hash"),
)


@dataclass(frozen=True)
class TerminalConfig:
    """Who this terminal is, as printed on receipts and sent to the backend."""

    id: str = DEMO_TERMINAL_ID
    hall_name: str = "北京朝阳建国路营业厅"
    operator_name: str = "中国移动通信集团北京有限公司"
    # The hall's name on screen in the other languages (receipts keep the registered name).
    hall_name_en: str = "Beijing Chaoyang Jianguo Road Hall"

    def hall_name_in(self, locale: str) -> str:
        """The hall's name as shown in ``locale`` (the registered Chinese name by default)."""
        if locale != "zh_CN" and self.hall_name_en:
            return self.hall_name_en
        return self.hall_name


@dataclass(frozen=True)
class BackendConfig:
    """Where the operator's backend is, how to trust it and how long to wait for it.

    ``ca_file`` is the operator's CA certificate (PEM): the backend's certificate is checked
    against it and nothing else. ``client_cert``/``client_key`` (PEM, both or neither) prove
    this terminal to a backend that requires mutual TLS.
    """

    url: str = DEMO_BACKEND_URL
    terminal_token: str = DEMO_TERMINAL_TOKEN
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    ca_file: str = ""
    client_cert: str = ""
    client_key: str = ""
    # Plain http:// sends the terminal token and customers' data readable to anyone on the
    # hall network; ``kiosk run`` refuses it unless this says the operator accepts that.
    allow_plain_http_token_in_clear: bool = False


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
    # Notes the cash box (stacker) holds; at this fill the terminal stops taking cash until
    # staff empty it (清机). The admin screen and the health report show the fill against it.
    cash_box_capacity: int = 1000


@dataclass(frozen=True)
class TimeoutsConfig:
    """Seconds, per PRODUCT.md."""

    idle: float = 60.0
    warning: float = 20.0
    entry: float = 30.0
    reading: float = 120.0
    after_transaction: float = 20.0
    session_max: float = 600.0
    # Extensions ("我需要更多时间" at the maximum) never go beyond this from identification;
    # the backend enforces it with the same key (backend/config.py).
    session_hard_max: float = 1200.0


@dataclass(frozen=True)
class UiConfig:
    """Look and behaviour of the touch screen."""

    locale: str = "zh_CN"
    large_text: bool = False
    fullscreen: bool = True


@dataclass(frozen=True)
class VoiceConfig:
    """Voice guidance (语音播报): on unless staff turn it off; volume 1..100 (% of the file)."""

    enabled: bool = True
    volume: int = 80
    # Recorded prompts that override the generated ones: <dir>/<locale>/<prompt>.wav.
    prompts_dir: str = ""
    # An ALSA device for aplay -D (e.g. "plughw:1,0"); empty: the system default.
    device: str = ""


@dataclass(frozen=True)
class AdminConfig:
    """Hall staff's way out of the lock-down: a PIN stored as a salted scrypt hash
    (:mod:`kiosk.pinhash`; make one with ``kiosk admin hash-pin``)."""

    pin_hash: str = ""

    def check_pin(self, pin: str) -> bool:
        """True when ``pin`` matches the stored hash; always False when no hash is set."""
        if not self.pin_hash:
            return False
        from kiosk.pinhash import verify_pin  # here, not at import: start-up stays light

        return verify_pin(pin, self.pin_hash)


def hash_pin(pin: str) -> str:
    """Make an ``admin.pin_hash`` value for a PIN (random salt; see :mod:`kiosk.pinhash`)."""
    from kiosk.pinhash import hash_pin as make

    return make(pin)


@dataclass(frozen=True)
class Config:
    """The whole configuration of one terminal."""

    terminal: TerminalConfig = field(default_factory=TerminalConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    devices: DevicesConfig = field(default_factory=DevicesConfig)
    timeouts: TimeoutsConfig = field(default_factory=TimeoutsConfig)
    ui: UiConfig = field(default_factory=UiConfig)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
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
    "voice": VoiceConfig,
    "admin": AdminConfig,
}


def config_from_dict(raw: dict[str, Any], mode: Mode = Mode.DEMO) -> Config:
    """Validate a parsed TOML document into a :class:`Config` (strictly for Mode.RUN)."""
    sections: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "journal_path":
            sections[key] = _check_type(key, value, "")
        elif key in _SECTIONS:
            sections[key] = _build_section(_SECTIONS[key], key, value)
        else:
            raise ConfigError(f"{key}: unknown section")
    if mode is Mode.RUN and "admin" not in sections:
        sections["admin"] = AdminConfig()  # never the demo PIN: the check below names the key
    config = Config(**sections)
    _validate(config)
    if mode is Mode.RUN:
        check_for_run(raw, config)
    return config


def _validate(config: Config) -> None:
    from kiosk.catalogues import available_locales

    locales = available_locales()
    if config.ui.locale not in locales:
        raise ConfigError(f"ui.locale: must be one of {', '.join(locales)} (assets/i18n/*.po)")
    if config.timeouts.session_hard_max < config.timeouts.session_max:
        raise ConfigError("timeouts.session_hard_max: must be at least timeouts.session_max")
    if config.voice.volume > 100:
        raise ConfigError("voice.volume: must be 1..100")
    if not config.backend.url.startswith(("http://", "https://")):
        raise ConfigError("backend.url: must start with http:// or https://")
    if config.admin.pin_hash and config.admin.pin_hash.count("$") != 3:
        raise ConfigError("admin.pin_hash: expected scrypt$n=..,r=..,p=..$salt$key")
    backend = config.backend
    if bool(backend.client_cert) != bool(backend.client_key):
        missing = "backend.client_key" if backend.client_cert else "backend.client_cert"
        raise ConfigError(f"{missing}: client_cert and client_key go together (mutual TLS)")


def check_for_run(raw: dict[str, Any], config: Config) -> None:
    """What ``kiosk run`` adds: every credential given in the file, none of them a demo value,
    and the backend reached over verified HTTPS. Raises ConfigError naming the key."""
    for section, key in RUN_REQUIRED:
        value = raw.get(section, {}).get(key)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{section}.{key}: required by kiosk run (no default outside demo)")
    if config.terminal.id.strip().upper() == DEMO_TERMINAL_ID:
        raise ConfigError(f"terminal.id: {DEMO_TERMINAL_ID} is the demo terminal; use your own id")
    token = config.backend.terminal_token
    if token.strip() in _PLACEHOLDER_TOKENS:
        raise ConfigError("backend.terminal_token: a published demo or example value")
    if len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(f"backend.terminal_token: shorter than {MIN_TOKEN_LENGTH} characters")
    _check_run_pin_hash(config.admin.pin_hash)
    _check_run_transport(config.backend)


def _check_run_pin_hash(stored: str) -> None:
    from kiosk import pinhash

    try:
        salt = pinhash.parse(stored).salt
    except pinhash.PinHashError as exc:
        raise ConfigError(f"admin.pin_hash: {exc}") from exc
    if stored == DEMO_ADMIN_PIN_HASH or salt == _DEMO_SALT.encode():
        raise ConfigError("admin.pin_hash: the demo hash; make your own with kiosk admin hash-pin")
    problem = pinhash.weakness(stored)
    if problem is not None:
        raise ConfigError(f"admin.pin_hash: {problem}")
    if pinhash.verify_pin(DEMO_ADMIN_PIN, stored):
        raise ConfigError(f"admin.pin_hash: is the published demo PIN {DEMO_ADMIN_PIN}")


def _check_run_transport(backend: BackendConfig) -> None:
    if backend.url.startswith("http://"):
        if not backend.allow_plain_http_token_in_clear:
            raise ConfigError(
                "backend.url: plain http:// sends the terminal token and customer data in clear; "
                "use https:// with backend.ca_file (or set "
                "backend.allow_plain_http_token_in_clear = true to accept that risk)"
            )
        return
    if not backend.ca_file:
        raise ConfigError("backend.ca_file: required for https:// (the operator's CA, PEM)")
    from kiosk.tls import TlsConfigError, check_files

    try:
        check_files(backend.ca_file, backend.client_cert, backend.client_key)
    except TlsConfigError as exc:
        raise ConfigError(f"backend.{exc.key}: {exc}") from exc


def load_config(path: Path | None, mode: Mode = Mode.DEMO) -> Config:
    """Load and validate a TOML file; ``None`` gives the demo defaults (Mode.DEMO only)."""
    if path is None:
        if mode is Mode.RUN:
            raise ConfigError("--config: kiosk run needs a configuration file")
        return Config()
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return config_from_dict(raw, mode)
