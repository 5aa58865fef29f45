from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import (
    DEMO_ADMIN_PIN,
    DEMO_ADMIN_PIN_HASH,
    Config,
    ConfigError,
    hash_pin,
    load_config,
)

ROOT = Path(__file__).resolve().parents[2]


def test_demo_defaults_need_no_file() -> None:
    config = load_config(None)
    assert config == Config()
    assert config.timeouts.idle == 60
    assert config.admin.check_pin("2468")
    assert config.admin.pin_hash == DEMO_ADMIN_PIN_HASH
    assert hash_pin(DEMO_ADMIN_PIN) != DEMO_ADMIN_PIN_HASH  # a fresh salt every time
    assert not config.admin.check_pin("0000")


def test_example_file_loads() -> None:
    config = load_config(ROOT / "assets" / "kiosk.example.toml")
    assert config.terminal.id == "BJ-CY-0001"
    assert config.devices.card_reader == "/dev/kiosk-idcard"  # udev stable name (deploy/)
    assert config.timeouts.reading == 120.0


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[timeouts]\nidle = -1\n", "timeouts.idle: must be a positive number"),
        ("[timeouts]\nidle = 'soon'\n", "timeouts.idle: must be a positive number"),
        ("[devices]\nprinter_baud = 0\n", "devices.printer_baud: must be a positive whole number"),
        ("[ui]\nlocale = 'fr'\n", "ui.locale: must be one of zh_CN, en"),
        ("[ui]\nlarge_text = 'yes'\n", "ui.large_text: must be true or false"),
        ("[backend]\nurl = 'ftp://x'\n", "backend.url: must start with http:// or https://"),
        ("[terminal]\ncolour = 'red'\n", "terminal.colour: unknown key"),
        ("[printers]\n", "printers: unknown section"),
        ("terminal = 3\n", "terminal: must be a table"),
        ("[admin]\npin_hash = 'plain'\n", "admin.pin_hash: expected"),
        ("[backend]\nclient_cert = 'c.pem'\n", "backend.client_key: client_cert and client_key"),
        (
            "[timeouts]\nsession_max = 900\nsession_hard_max = 600\n",
            "timeouts.session_hard_max: must be at least timeouts.session_max",
        ),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, toml: str, message: str) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[terminal\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_config_is_frozen_and_pin_hash_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[admin]\npin_hash = '{hash_pin('97531')}'\n", encoding="utf-8")
    config = load_config(path)
    assert config.admin.check_pin("97531")
    assert not config.admin.check_pin("97530")
    with pytest.raises(AttributeError):
        config.terminal.id = "x"  # type: ignore[misc]
