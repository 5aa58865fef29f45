"""The backend's settings: session lifetime, throttling limits, body limit, the secret.

Read from an optional TOML file (``python -m backend serve --config FILE``); every key has a
production default, so a file only names what it changes. Unknown sections or keys are
refused (a typo must not silently leave a limit at its default). The session lifetime uses
the kiosk's own name, ``[timeouts] session_max``, so one value serves both sides.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """A bad configuration file; the message names the key."""


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per ``window_s`` seconds."""

    count: int
    window_s: int

    @property
    def window(self) -> dt.timedelta:
        """The window as a duration."""
        return dt.timedelta(seconds=self.window_s)


@dataclass(frozen=True)
class Limits:
    """Throttling (``[limits]``): identification attempts and SMS sends, per terminal and overall.

    A kiosk serves one customer at a time: a person types a password or places a card a few
    times a minute at most, so a terminal going faster is a script. Overall limits cap what
    all terminals together (or a stolen token on many connections) may do.
    """

    identify_per_terminal: Limit = Limit(20, 60)
    identify_overall: Limit = Limit(1_200, 60)
    sms_per_terminal: Limit = Limit(10, 600)
    sms_overall: Limit = Limit(600, 600)


@dataclass(frozen=True)
class BackendConfig:
    """Everything configurable about the server's security behaviour."""

    # [timeouts] session_max: a customer session's lifetime from identification (seconds).
    # Same name and default as the kiosk's session maximum (kiosk/config.py TimeoutsConfig).
    session_max_s: float = 600.0
    # [timeouts] session_hard_max: no extension ("我需要更多时间", POST
    # /v1/sessions/current/extend) takes a session beyond this from identification (seconds).
    session_hard_max_s: float = 1200.0
    limits: Limits = field(default_factory=Limits)
    # [http] body_limit: request bodies larger than this are refused with 413 unread.
    body_limit: int = 64 * 1024
    # [secrets] fingerprint_key: keys idempotency fingerprints; empty means the key the
    # database generated at its first migration (deployment_secrets).
    fingerprint_key: str = ""

    @property
    def session_lifetime(self) -> dt.timedelta:
        """The session lifetime as a duration."""
        return dt.timedelta(seconds=self.session_max_s)

    @property
    def session_hard_cap(self) -> dt.timedelta:
        """The longest a session may last, extensions included."""
        return dt.timedelta(seconds=self.session_hard_max_s)


def _positive_int(value: Any, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{key}: must be a positive integer")
    return value


def _limit(value: Any, key: str) -> Limit:
    if not isinstance(value, dict) or set(value) != {"count", "window_s"}:
        raise ConfigError(f"{key}: must be a table with count and window_s")
    return Limit(
        _positive_int(value["count"], f"{key}.count"),
        _positive_int(value["window_s"], f"{key}.window_s"),
    )


def parse_config(data: dict[str, Any]) -> BackendConfig:
    """A BackendConfig from parsed TOML."""
    config = BackendConfig()
    known = {"timeouts", "limits", "http", "secrets"}
    for section in data:
        if section not in known:
            raise ConfigError(f"{section}: unknown section")
    timeouts = data.get("timeouts", {})
    for key, value in timeouts.items():
        if key not in ("session_max", "session_hard_max"):
            raise ConfigError(f"timeouts.{key}: unknown key")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"timeouts.{key}: must be a positive number")
        if key == "session_max":
            config = replace(config, session_max_s=float(value))
        else:
            config = replace(config, session_hard_max_s=float(value))
    if config.session_hard_max_s < config.session_max_s:
        raise ConfigError("timeouts.session_hard_max: must be at least timeouts.session_max")
    limit_names = {f.name for f in fields(Limits)}
    changes: dict[str, Limit] = {}
    for key, value in data.get("limits", {}).items():
        if key not in limit_names:
            raise ConfigError(f"limits.{key}: unknown key")
        changes[key] = _limit(value, f"limits.{key}")
    config = replace(config, limits=replace(config.limits, **changes))
    for key, value in data.get("http", {}).items():
        if key != "body_limit":
            raise ConfigError(f"http.{key}: unknown key")
        config = replace(config, body_limit=_positive_int(value, "http.body_limit"))
    for key, value in data.get("secrets", {}).items():
        if key != "fingerprint_key":
            raise ConfigError(f"secrets.{key}: unknown key")
        if not isinstance(value, str) or len(value) < 32:
            raise ConfigError("secrets.fingerprint_key: must be at least 32 characters")
        config = replace(config, fingerprint_key=value)
    return config


def load_config(path: Path | None) -> BackendConfig:
    """The configuration in ``path`` (None: the defaults)."""
    if path is None:
        return BackendConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return parse_config(data)
