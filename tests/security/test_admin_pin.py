"""The admin PIN: salted scrypt hashes, the hash-pin command, a lock-out that survives restarts.

Before: ``hash_pin`` used the fixed salt "kiosk" (one table cracks every terminal), and three
wrong PINs only sent the screen home: a restart, or simply the next gesture, gave three more.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.admin_lockout import STATE_FILE, AdminPinGuard, LockoutPolicy, PinOutcome
from kiosk.config import Config, TimeoutsConfig
from kiosk.pinhash import PBKDF2_MIN_ITERATIONS, hash_pin, parse, verify_pin
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.shell import Shell

ROOT = Path(__file__).resolve().parents[2]


# -- the hash ----------------------------------------------------------------------------------


def test_every_hash_has_its_own_salt_and_names_its_parameters() -> None:
    first, second = hash_pin("97531"), hash_pin("97531")
    assert first != second
    algorithm, params, salt, key = first.split("$")
    assert (algorithm, params) == ("scrypt", "n=16384,r=8,p=5")
    assert len(base64.b64decode(salt + "==")) == 16
    assert len(base64.b64decode(key + "=")) == 32
    assert parse(first).salt != parse(second).salt
    assert verify_pin("97531", first) and verify_pin("97531", second)
    assert not verify_pin("97532", first)
    assert not verify_pin("9753", first)


@pytest.mark.parametrize(
    "stored",
    [
        "scrypt$n=1099511627776,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5",  # a terabyte: refused, not run
        "scrypt$n=1000,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5",  # not a power of two
        "scrypt$r=8,p=1$c2FsdHNhbHRzYWx0$a2V5",
        "scrypt$n=16384,r=8,p=1$not base64!$a2V5",
        f"pbkdf2_sha256${10**12}$salt$00",
        "bcrypt$12$salt$key",
        "",
    ],
)
def test_a_crafted_hash_is_false_quickly(stored: str) -> None:
    start = time.monotonic()
    assert not verify_pin("2468", stored)
    assert time.monotonic() - start < 2.0


def test_pbkdf2_from_another_tool_still_verifies() -> None:
    import hashlib

    digest = hashlib.pbkdf2_hmac("sha256", b"97531", b"hall-salt", PBKDF2_MIN_ITERATIONS).hex()
    assert verify_pin("97531", f"pbkdf2_sha256${PBKDF2_MIN_ITERATIONS}$hall-salt${digest}")


def _hash_pin_cli(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "admin", "hash-pin"],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_kiosk_admin_hash_pin_reads_stdin_and_prints_only_the_hash() -> None:
    done = _hash_pin_cli("97531\n")
    assert done.returncode == 0, done.stderr
    stored = done.stdout.strip()
    assert "97531" not in done.stdout
    assert verify_pin("97531", stored) and not verify_pin("97530", stored)


@pytest.mark.parametrize(
    ("pin", "why"), [("2468", "demo PIN"), ("12a4", "4 to 8 digits"), ("", "4 to 8")]
)
def test_kiosk_admin_hash_pin_refuses(pin: str, why: str) -> None:
    done = _hash_pin_cli(pin + "\n")
    assert done.returncode == 2
    assert why in done.stderr
    assert done.stdout == ""


# -- the lock-out, on disk ---------------------------------------------------------------------


class WallClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def _guard(path: Path, clock: WallClock) -> AdminPinGuard:
    return AdminPinGuard(lambda pin: pin == "97531", path, wall_clock=clock)


@pytest.mark.allow_log_warnings
def test_the_lock_outlives_the_guard_and_doubles(tmp_path: Path) -> None:
    path, clock = tmp_path / STATE_FILE, WallClock()
    guard = _guard(path, clock)
    assert guard.try_pin("1111").outcome is PinOutcome.WRONG
    assert guard.try_pin("2222").outcome is PinOutcome.WRONG
    # A "restart" between guesses keeps the count.
    assert _guard(path, clock).try_pin("3333").outcome is PinOutcome.LOCKED
    state = json.loads(path.read_text(encoding="utf-8"))
    assert state["locks"] == 1 and state["locked_until"] == clock.now + 300
    restarted = _guard(path, clock)
    assert restarted.locked_for() == 300
    # Locked: even the right PIN is not checked.
    assert restarted.try_pin("97531").outcome is PinOutcome.LOCKED
    clock.now += 301
    for pin in ("1", "2", "3"):
        result = restarted.try_pin(pin)
    assert result.outcome is PinOutcome.LOCKED and result.locked_for_s == 600  # doubled
    clock.now += 601
    assert _guard(path, clock).try_pin("97531").outcome is PinOutcome.ACCEPTED
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "failures": 0,
        "locks": 0,
        "locked_until": 0.0,
    }


@pytest.mark.allow_log_warnings
def test_a_clock_turned_back_cannot_stretch_the_lock(tmp_path: Path) -> None:
    path, clock = tmp_path / STATE_FILE, WallClock()
    guard = _guard(path, clock)
    for pin in ("1", "2", "3"):
        guard.try_pin(pin)
    clock.now -= 10 * 365 * 86400
    assert guard.locked_for() == LockoutPolicy().longest_lock_s


@pytest.mark.allow_log_warnings
def test_an_unreadable_state_file_locks_instead_of_forgetting(tmp_path: Path) -> None:
    path, clock = tmp_path / STATE_FILE, WallClock()
    path.write_text("{half a fi", encoding="utf-8")
    assert _guard(path, clock).try_pin("97531").outcome is PinOutcome.LOCKED


@pytest.mark.allow_log_warnings
def test_a_state_directory_that_cannot_be_written_still_locks(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("", encoding="utf-8")
    guard = _guard(blocker / STATE_FILE, WallClock())
    assert guard.try_pin("1").outcome is PinOutcome.LOCKED  # cannot count: fail closed
    assert guard.try_pin("97531").outcome is PinOutcome.LOCKED


@pytest.mark.allow_log_warnings
def test_wrong_pins_in_one_process_lock_the_next(tmp_path: Path) -> None:
    """A real restart: the guesses happen in a child process that then exits."""
    path = tmp_path / STATE_FILE
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from kiosk.admin_lockout import AdminPinGuard
        guard = AdminPinGuard(lambda pin: pin == "97531", Path({str(path)!r}))
        print(",".join(guard.try_pin(p).outcome.value for p in ("1111", "2222", "3333")))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.stdout.strip() == "wrong,wrong,locked", done.stderr
    guard = AdminPinGuard(lambda pin: pin == "97531", path)
    assert 290 < guard.locked_for() <= 300
    assert guard.try_pin("97531").outcome is PinOutcome.LOCKED


# -- the lock-out, on the screen ---------------------------------------------------------------


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(
        timeouts=TimeoutsConfig(idle=60, warning=20, entry=30, reading=120),
        journal_path=str(tmp_path / "journal.sqlite3"),
    )


def _start(app: QApplication, config: Config) -> Shell:
    shell = build_shell(config, app, ShellOptions(runner=SyncRunner(), clock=ManualClock()))
    show_painted(shell)
    return shell


@pytest.fixture
def shells(app: QApplication) -> Iterator[list[Shell]]:
    started: list[Shell] = []
    yield started
    for shell in started:
        teardown(shell)
    QApplication.processEvents()


def _enter(shell: Shell, qtbot: QtBot, pin: str) -> None:
    keypad = shell.admin_pin.keypad
    for digit in pin:
        qtbot.mouseClick(keypad.digit_button(digit), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keypad.submit_button(), Qt.MouseButton.LeftButton)


@pytest.mark.allow_log_warnings
def test_the_pin_screen_stays_locked_after_a_restart(
    app: QApplication, qtbot: QtBot, config: Config, shells: list[Shell]
) -> None:
    shell = _start(app, config)
    shells.append(shell)
    shell.navigator.go("admin_pin")
    for pin in ("1111", "2222", "3333"):
        _enter(shell, qtbot, pin)
    assert shell.navigator.current is shell.home_screen
    teardown(shell)
    shells.remove(shell)
    QApplication.processEvents()

    again = _start(app, config)  # the kiosk restarted (power cut, crash, someone's plug)
    shells.append(again)
    again.navigator.go("admin_pin")
    screen = again.admin_pin
    assert screen.error.isVisible()
    assert "5" in screen.error.text()  # minutes left
    assert not screen.keypad.isEnabled()
    _enter(again, qtbot, "2468")  # the right (demo) PIN on a disabled keypad does nothing
    assert again.navigator.current is screen
    assert screen.guard.try_pin("2468").outcome is PinOutcome.LOCKED
    assert not again.lockdown.exit_allowed
