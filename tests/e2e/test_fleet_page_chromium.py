"""The staff fleet page in headless Chromium against a live backend.

Three terminals of one hall report their health the way the kiosk does (kiosk/status.py):
one of them asks a printer emulator on a pty for its ``DLE EOT`` status. A staff member
created with ``python -m backend add-staff`` logs in through the real form; when the
emulator runs out of paper and that terminal sends its next report, the open page must show
it (worst first, "缺纸") within one report period without anyone reloading it.

Set ``KIOSK_FLEET_SCREENSHOTS=docs`` to refresh docs/fleet-page.png and the phone view.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulators.control import send_control
from kiosk.backend.client import BackendClient
from kiosk.devices.printer.driver import SerialPrinter
from kiosk.status import build_report
from printer.profiles import load_profile
from tests.fixtures.chromium import Chromium
from tests.fixtures.live_backend import LiveBackend, start_backend

ROOT = Path(__file__).resolve().parents[2]
HALL = "南京西路营业厅"
STAFF_USER = "wang.li"
STAFF_PASSWORD = "correct horse battery"
REPORT_PERIOD_S = 60.0  # ui/status_reporter.INTERVAL_MS
TERMINALS = {
    "HALL-01": "大厅入口左",
    "HALL-02": "大厅入口右",
    "HALL-03": "二楼窗口旁",
}


def _backend_cli(backend: LiveBackend, *argv: str, stdin: str = "") -> None:
    subprocess.run(
        [sys.executable, "-m", "backend", *argv, "--db", backend.db_url],
        cwd=ROOT,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("fleet-backend"), customers=1) as live:
        for tid, name in TERMINALS.items():
            _backend_cli(
                live, "add-terminal", "--id", tid, "--token", f"{tid}-token-xyz",
                "--name", name, "--hall", HALL,
            )
        _backend_cli(live, "add-terminal", "--id", "OTHER-01", "--token", "other-token-xyz",
                     "--hall", "徐家汇营业厅")
        _backend_cli(live, "add-staff", "--username", STAFF_USER, "--hall", HALL,
                     stdin=STAFF_PASSWORD + "\n")
        yield live


@pytest.fixture(scope="module")
def printer_link(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, int]]:
    base = tmp_path_factory.mktemp("fleet-printer")
    process = subprocess.Popen(
        [sys.executable, "-m", "emulators", "printer", "--link", str(base / "ttyPRN"),
         "--out", str(base / "receipts"), "--baud", "115200"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())  # blocks until the emulator is up
        host, port = ready["control"]
        yield ready["link"], host, port
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def report(backend: LiveBackend, tid: str, printer_errors: tuple[str, ...] | None) -> None:
    """One health report of terminal ``tid``, as kiosk/status.py builds it."""
    body = build_report(
        app_version="0.1.0",
        reader_configured=True,
        reader_ready=True,
        printer_configured=True,
        printer_errors=printer_errors,
        journal_unresolved=1 if tid == "HALL-03" else 0,
        in_session=False,
        uptime_s=3600,
    )
    with BackendClient(backend.url, tid, f"{tid}-token-xyz") as client:
        client.report_status(body)


def report_from_printer(backend: LiveBackend, tid: str, link: str) -> None:
    """The terminal asks its printer (the emulator) for its status, then reports."""
    with SerialPrinter(link, load_profile(), baudrate=115200) as printer:
        errors = printer.read_status().errors
    report(backend, tid, errors)


def rows_in_page(browser: Chromium) -> list[list[str]]:
    return browser.evaluate(
        "[...document.querySelectorAll('#fleet tbody tr')].map(tr => [tr.dataset.terminal,"
        " tr.className, (tr.querySelector('[data-col=paper]') || {}).textContent || ''])"
    )


@pytest.mark.timeout(240)
def test_out_of_paper_terminal_shows_up_within_one_report_period(
    backend: LiveBackend, printer_link: tuple[str, str, int], tmp_path: Path
) -> None:
    link, host, port = printer_link
    send_control(host, port, {"cmd": "reset"})
    report_from_printer(backend, "HALL-01", link)
    report(backend, "HALL-02", ())
    report(backend, "HALL-03", ())

    with Chromium() as browser:
        browser.goto(f"{backend.url}/staff/fleet")
        browser.wait_for("document.querySelector('#login') !== null")  # redirected to login
        assert browser.evaluate("location.pathname") == "/staff/login"
        browser.evaluate(
            f"document.getElementById('username').value = {json.dumps(STAFF_USER)};"
            f"document.getElementById('password').value = {json.dumps(STAFF_PASSWORD)};"
            "document.querySelector('form').submit(); true"
        )
        browser.wait_for(
            "location.pathname === '/staff/fleet' && document.readyState === 'complete'"
        )
        rows = rows_in_page(browser)
        # Only this hall's terminals; HALL-03 has a journal backlog, so it comes first.
        assert [r[0] for r in rows] == ["HALL-03", "HALL-01", "HALL-02"]
        assert [r[1] for r in rows] == ["attention", "ok", "ok"]
        assert "充足" in rows[1][2]
        assert browser.evaluate("document.cookie") == ""  # HttpOnly: invisible to scripts

        # The printer runs out of paper; the terminal's next report says so.
        send_control(host, port, {"cmd": "paper", "state": "out"})
        report_from_printer(backend, "HALL-01", link)
        reported = time.monotonic()
        browser.wait_for(
            "(document.querySelector('#fleet tbody tr') || {dataset: {}}).dataset.terminal"
            " === 'HALL-01'",
            timeout_s=REPORT_PERIOD_S,
        )
        shown_after = time.monotonic() - reported
        rows = rows_in_page(browser)
        assert rows[0][0] == "HALL-01" and rows[0][1] == "attention" and "缺纸" in rows[0][2]
        assert "Out of paper" in browser.evaluate(
            "document.querySelector('tr[data-terminal=\"HALL-01\"] .problems').textContent"
        )
        history = browser.evaluate(
            "document.querySelector('#hist-HALL-01 li.raised').textContent"
        )
        assert "缺纸出现" in history
        assert shown_after < REPORT_PERIOD_S
        print(f"out-of-paper terminal on the page {shown_after:.1f} s after its report")

        # Screenshots: a desk and a phone (cards instead of a table).
        out = ROOT / "docs" if os.environ.get("KIOSK_FLEET_SCREENSHOTS") == "docs" else tmp_path
        browser.screenshot(out / "fleet-page.png", 1280, 720, mobile=False)
        browser.screenshot(out / "fleet-page-phone.png", 390, 844, mobile=True)
        for name in ("fleet-page.png", "fleet-page-phone.png"):
            data = (out / name).read_bytes()
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
        browser.call("Emulation.setDeviceMetricsOverride", width=390, height=844,
                     deviceScaleFactor=2, mobile=True)
        # On a phone the table header is hidden and each cell carries its own label.
        assert browser.evaluate(
            "getComputedStyle(document.querySelector('#fleet thead')).display"
        ) == "none"
        assert browser.evaluate("document.documentElement.scrollWidth <= 390")

        # Logging out ends the session: the table answers 401 and the page sends to login.
        browser.evaluate("document.querySelector('form.logout').submit(); true")
        browser.wait_for("location.pathname === '/staff/login'")
    assert backend.query("SELECT count(*) FROM staff_sessions")[0][0] == 0
    events = backend.query(
        "SELECT code, change FROM terminal_problem_events WHERE terminal_id = ?", "HALL-01"
    )
    # A real printer also goes offline when its paper runs out (DLE EOT 1, bit 3).
    assert sorted(events) == [("printer_offline", "raised"), ("printer_paper_out", "raised")]
