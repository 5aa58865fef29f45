"""Soak: scripted customer journeys through the real screens, against the live backend and the
device emulators, in a kiosk process of their own (tests/soak/run.py); after each session no
personal string of that customer is left in the kiosk's objects or widgets, memory does not
grow and the event loop does not stall.

``make soak`` runs 500 journeys (``KIOSK_SOAK=full``) and writes reports/soak.json; CI runs a
few and writes beside the temporary files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.faults.harness.bytecode import compile_sources
from tests.faults.harness.devices import EmulatorProcess
from tests.fixtures.live_backend import REPO, LiveBackend, start_backend
from tests.fixtures.stalls import assert_responsive

FULL = os.environ.get("KIOSK_SOAK", "") == "full"
JOURNEYS = int(os.environ.get("KIOSK_SOAK_JOURNEYS", "500" if FULL else "12"))
RSS_FROM = 50 if FULL else 4  # growth is measured from this journey to the last
RSS_LIMIT_MB = 20.0
REPORT = (
    REPO / "reports" / "soak.json"
    if FULL
    else Path(tempfile.gettempdir()) / "kiosk-soak-reduced.json"
)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("soak_backend"), sms_resend_after_s=0) as live:
        yield live


@pytest.mark.timeout(1800 if FULL else 600)
def test_soak_journeys_leave_nothing_personal_and_no_memory_growth(
    backend: LiveBackend, tmp_path: Path
) -> None:
    compile_sources()  # the kiosk runs from compiled bytecode, as deployed
    reader = EmulatorProcess("idcard", tmp_path / "reader")
    printer = EmulatorProcess("printer", tmp_path / "printer", "--out", str(tmp_path / "out"))
    try:
        config = tmp_path / "kiosk.toml"
        config.write_text(
            "\n".join(
                [
                    f'journal_path = "{tmp_path / "journal.sqlite3"}"',
                    "[backend]",
                    f'url = "{backend.url}"',
                    f'terminal_token = "{backend.terminal_token}"',
                    "[devices]",
                    f'card_reader = "{reader.link}"',
                    f'printer = "{printer.link}"',
                    "[ui]",
                    "fullscreen = false",
                ]
            )
            + "\n",
            encoding="utf-8",
        )
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        with (tmp_path / "kiosk.log").open("wb") as log:
            returncode = _run(
                log,
                [
                    sys.executable,
                    "-m",
                    "tests.soak.run",
                    "--config",
                    str(config),
                    "--backend-db",
                    str(backend.db_path),
                    "--reader",
                    f"{reader.host}:{reader.port}",
                    "--journeys",
                    str(JOURNEYS),
                    "--rss-from",
                    str(RSS_FROM),
                    "--report",
                    str(REPORT),
                ],
            )
    finally:
        reader.stop()
        printer.stop()
    report = json.loads(REPORT.read_text("utf-8"))
    assert returncode == 0 and not report["error"], report["error"]
    assert report["findings"] == []
    assert report["journeys"] == JOURNEYS
    assert report["rss_growth_mb"] <= RSS_LIMIT_MB
    assert report["max_stall_ms"] is not None and report["max_cpu_stall_ms"] is not None
    assert_responsive(self_ms=report["max_stall_ms"], cpu_ms=report["max_cpu_stall_ms"], full=FULL)


def _run(log: IO[bytes], command: list[str]) -> int:
    """The kiosk process; cut short after its time budget (its report says how far it got)."""
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        return process.wait(timeout=1700 if FULL else 550)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)
        return -9
