"""GET /v1/terminal/transactions/{key}: reconciliation of a terminal's own keys."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend


def test_applied_refused_and_unknown_keys(own_backend: LiveBackend) -> None:
    phone = own_backend.random_numbers()[3]  # 0-2 are locked by test_lockout
    with own_backend.client() as client:
        client.identify_password(phone, DEMO_PASSWORD)
        report = client.report_spam("13700001111", "骚扰电话", idempotency_key="spam-key-1")
        with pytest.raises((e.InvalidInput, e.Conflict)):  # refused either way
            client.set_reminder_threshold(1234, idempotency_key="reminder-bad-1")
        client.end_session()
        # Terminal-level: no customer session needed any more.
        applied = client.transaction_state("spam-key-1")
        assert (applied.applied, applied.reference) == (True, report.report_id)
        assert client.transaction_state("reminder-bad-1").applied is False  # rolled back
        assert client.transaction_state("never-sent-1").applied is False


def test_another_terminal_cannot_see_the_keys(own_backend: LiveBackend) -> None:
    # Also the operator's `python -m backend add-terminal` provisioning command, for real.
    provision = ["--db", own_backend.db_url, "--id", "KIOSK-OTHER-02"]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backend",
            "add-terminal",
            *provision,
            "--token",
            "other-terminal-token",
        ],
        check=True,
        capture_output=True,
    )
    phone = own_backend.random_numbers()[4]
    with own_backend.client() as client:
        client.identify_password(phone, DEMO_PASSWORD)
        client.report_spam("13700002222", "诈骗电话", idempotency_key="spam-key-2")
    other = BackendClient(own_backend.url, "KIOSK-OTHER-02", "other-terminal-token")
    with other:
        assert other.transaction_state("spam-key-2").applied is False
    with own_backend.client() as client:
        assert client.transaction_state("spam-key-2").applied is True


def test_health_reports_make_the_fleet_view(own_backend: LiveBackend) -> None:
    from backend.db.engine import make_engine
    from backend.ops.terminals import fleet
    from kiosk.status import build_report

    report = build_report(
        app_version="0.1.0",
        reader_configured=True,
        reader_ready=True,
        printer_configured=True,
        printer_errors=("paper_out",),
        journal_unresolved=2,
        in_session=True,
        uptime_s=3600,
        restarts=2,  # the backend takes the systemd restart count
    )
    with own_backend.client() as client:
        client.report_status(report)
    out = subprocess.run(
        [sys.executable, "-m", "backend", "terminals", "--db", own_backend.db_url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith(own_backend.terminal_id))
    assert "attention" in line and "printer_paper_out" in line and "(customer at it)" in line
    assert line.split()[4] == "2"  # unresolved journal entries
    assert line.split()[5] == "2"  # restarts by systemd since boot, as reported
    engine = make_engine(own_backend.db_url)
    try:
        seen = {h.terminal_id: h for h in fleet(engine, dt.datetime.now(dt.UTC))}
        assert seen[own_backend.terminal_id].verdict == "attention"
        assert seen[own_backend.terminal_id].restarts == 2
        later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=4)  # three reports missed
        assert {h.terminal_id: h for h in fleet(engine, later)}[
            own_backend.terminal_id
        ].verdict == "offline"
    finally:
        engine.dispose()
    with pytest.raises(e.InvalidInput), own_backend.client() as client:
        client._call(
            "PUT",
            "/v1/terminal/status",
            body={**report.as_json(), "problems": ["Paper Out!"]},
            retry=False,
        )
