"""``kiosk run`` never runs on demo secrets (issue 11, attack 9).

Before: a file without ``[admin]`` accepted the PIN 2468 the README publishes, the demo
terminal id and token were silent defaults, and ``hash_pin`` used the fixed salt "kiosk".
Now each of these stops ``kiosk run`` with the key named; ``kiosk demo`` keeps them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kiosk.cli import main as kiosk_main
from kiosk.config import (
    DEMO_ADMIN_PIN_HASH,
    DEMO_TERMINAL_ID,
    DEMO_TERMINAL_TOKEN,
    ConfigError,
    Mode,
    load_config,
)
from kiosk.pinhash import hash_pin

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "t0ken-for-a-hall-terminal-0001"
# What kiosk.config published before this change (PBKDF2, 100 000 rounds, salt "kiosk").
OLD_DEMO_HASH = (
    "pbkdf2_sha256$100000$kiosk$534c1ba3941e38e5235561413bc953d85be51d0cab44b1bc9bcfa70ffc070dcb"
)


@pytest.fixture(scope="module")
def good_hash() -> str:
    return hash_pin("97531")


def _write(tmp_path: Path, sections: dict[str, dict[str, object]]) -> Path:
    lines: list[str] = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    path = tmp_path / "kiosk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'


def _sections(pin_hash: str, **overrides: dict[str, object]) -> dict[str, dict[str, object]]:
    sections: dict[str, dict[str, object]] = {
        "terminal": {"id": "BJ-CY-0001"},
        "backend": {
            "url": "http://10.0.0.5:8600",
            "terminal_token": TOKEN,
            "allow_plain_http_token_in_clear": True,
        },
        "admin": {"pin_hash": pin_hash},
    }
    for section, values in overrides.items():
        sections[section] = {**sections.get(section, {}), **values}
    return sections


def test_a_complete_own_config_loads(tmp_path: Path, good_hash: str) -> None:
    config = load_config(_write(tmp_path, _sections(good_hash)), Mode.RUN)
    assert config.terminal.id == "BJ-CY-0001"
    assert config.admin.check_pin("97531")
    assert not config.admin.check_pin("2468")


@pytest.mark.parametrize(
    ("section", "key"),
    [
        ("terminal", "id"),
        ("backend", "url"),
        ("backend", "terminal_token"),
        ("admin", "pin_hash"),
    ],
)
def test_each_credential_is_required_by_name(
    tmp_path: Path, good_hash: str, section: str, key: str
) -> None:
    sections = _sections(good_hash)
    del sections[section][key]
    path = _write(tmp_path, sections)
    with pytest.raises(ConfigError, match=rf"^{section}\.{key}: required by kiosk run"):
        load_config(path, Mode.RUN)
    load_config(path)  # the demo fills the gap with its own value


def test_no_admin_section_is_not_the_demo_pin(
    tmp_path: Path, good_hash: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack as reported: a file without [admin], then 2468 on the hidden keypad."""
    sections = _sections(good_hash)
    del sections["admin"]
    path = _write(tmp_path, sections)
    assert kiosk_main(["run", "--config", str(path)]) == 2
    assert "admin.pin_hash: required by kiosk run" in capsys.readouterr().out
    assert load_config(path).admin.check_pin("2468")  # only ever in the demo


def _pbkdf2(pin: str, salt: str, iterations: int) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"terminal": {"id": DEMO_TERMINAL_ID}}, "terminal.id: KIOSK-DEMO-01 is the demo"),
        (
            {"backend": {"terminal_token": DEMO_TERMINAL_TOKEN}},
            "backend.terminal_token: a published demo",
        ),
        (
            {"backend": {"terminal_token": "issued-by-the-operator"}},
            "backend.terminal_token: a published demo",
        ),
        ({"backend": {"terminal_token": "short-token"}}, "backend.terminal_token: shorter than"),
        ({"admin": {"pin_hash": DEMO_ADMIN_PIN_HASH}}, "admin.pin_hash: the demo hash"),
        ({"admin": {"pin_hash": OLD_DEMO_HASH}}, "admin.pin_hash: the demo hash"),
        (
            {"admin": {"pin_hash": _pbkdf2("97531", "kiosk", 600_000)}},
            "admin.pin_hash: the demo hash",
        ),
        (
            {"admin": {"pin_hash": _pbkdf2("97531", "salt-of-the-hall", 100_000)}},
            "admin.pin_hash: pbkdf2_sha256 with fewer than 600000",
        ),
        (
            {"admin": {"pin_hash": hash_pin("97531", n=2**10)}},
            "admin.pin_hash: scrypt below",
        ),
        ({"admin": {"pin_hash": "md5$1$abc$def"}}, "admin.pin_hash: unknown algorithm"),
    ],
)
def test_demo_and_weak_values_are_refused_by_name(
    tmp_path: Path, good_hash: str, overrides: dict[str, dict[str, object]], message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, _sections(good_hash, **overrides)), Mode.RUN)
    assert str(info.value).startswith(message)


def test_the_demo_pin_under_a_fresh_salt_is_still_refused(tmp_path: Path) -> None:
    fresh = hash_pin("2468")
    assert fresh != DEMO_ADMIN_PIN_HASH
    with pytest.raises(ConfigError, match=r"^admin\.pin_hash: is the published demo PIN 2468"):
        load_config(_write(tmp_path, _sections(fresh)), Mode.RUN)


def test_strong_pbkdf2_from_another_tool_is_accepted(tmp_path: Path) -> None:
    stored = _pbkdf2("97531", "salt-of-the-hall", 600_000)
    assert load_config(_write(tmp_path, _sections(stored)), Mode.RUN).admin.check_pin("97531")


def test_kiosk_run_without_a_file_or_with_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match="kiosk run needs a configuration file"):
        load_config(None, Mode.RUN)
    # The shipped example is a template: its placeholders do not make a runnable terminal.
    assert kiosk_main(["run", "--config", str(ROOT / "assets/kiosk.example.toml")]) == 2
    assert "configuration error" in capsys.readouterr().out


def test_the_demo_keeps_its_values() -> None:
    """``kiosk demo`` (no file) is where the published credentials live."""
    config = load_config(None)
    assert config.terminal.id == DEMO_TERMINAL_ID
    assert config.backend.terminal_token == DEMO_TERMINAL_TOKEN
    assert config.admin.check_pin("2468")
