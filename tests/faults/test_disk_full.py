"""The journal's disk is full: a transaction is refused before anything leaves the kiosk, the
customer reads why, and the health report carries a problem code.

The disk is really full: where a private mount namespace is allowed the journal lives on a
512 KiB tmpfs filled to ENOSPC; elsewhere (a locked-down CI container) the kiosk process gets a
file-size limit (RLIMIT_FSIZE) at the journal's current size, so the next append fails in the
kernel with EFBIG. Either way it is SQLite inside the real kiosk that meets the error.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.i18n import Translator
from kiosk.status import JOURNAL_UNWRITABLE
from tests.faults.harness.ledger import baseline, write_section
from tests.faults.harness.proxy import FaultProxy
from tests.faults.harness.runs import FULL
from tests.faults.harness.stack import Terminal
from tests.fixtures.live_backend import LiveBackend, start_backend
from tests.fixtures.stalls import assert_responsive

PHONE = "13912345678"
RESULTS: dict[str, dict[str, object]] = {}


def _tmpfs_wrap(mount_point: Path) -> list[str] | None:
    """The command that runs the kiosk with a small tmpfs at ``mount_point``, if allowed."""
    if shutil.which("unshare") is None:
        return None
    wrap = [
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        'mount -t tmpfs -o size=512k tmpfs "$0" && exec "$@"',
        str(mount_point),
    ]
    mount_point.mkdir(parents=True, exist_ok=True)
    probe = subprocess.run([*wrap, "true"], capture_output=True, timeout=30, check=False)
    return wrap if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("disk_backend"), sms_resend_after_s=0) as live:
        yield live


@pytest.fixture(scope="module", autouse=True)
def _write_report() -> Iterator[None]:
    yield
    if RESULTS:
        write_section(
            "disk_full",
            {
                "runs": len(RESULTS),
                "kiosk_crashes": 0,
                "max_stall_ms": max(float(r["max_stall_ms"]) for r in RESULTS.values()),  # type: ignore[arg-type]
                "max_wall_stall_ms": max(float(r["max_wall_stall_ms"]) for r in RESULTS.values()),  # type: ignore[arg-type]
                "max_cpu_stall_ms": max(float(r["max_cpu_stall_ms"]) for r in RESULTS.values()),  # type: ignore[arg-type]
                "startup_max_stall_ms": max(
                    float(r["startup_max_stall_ms"])  # type: ignore[arg-type]
                    for r in RESULTS.values()
                ),
                "modes": RESULTS,
            },
        )


@pytest.mark.timeout(180)
@pytest.mark.parametrize("mode", ["tmpfs", "rlimit"])
def test_a_full_journal_disk_refuses_the_transaction_before_sending(
    backend: LiveBackend, tmp_path: Path, mode: str
) -> None:
    journal_dir = tmp_path / "journal-disk"
    wrap = None
    if mode == "tmpfs":
        wrap = _tmpfs_wrap(journal_dir)
        if wrap is None:
            pytest.skip("no private mount namespace here; the rlimit run covers it")
    host, port = backend.url.removeprefix("http://").split(":")
    counter = FaultProxy((host, int(port)))  # never armed: it counts what leaves the kiosk
    before = baseline(backend)
    try:
        terminal = Terminal(tmp_path / "kiosk", counter.url, journal_dir=journal_dir)
        kiosk = terminal.start(
            PHONE,
            ["spam", "payment"],
            seed=1,
            extra={"disk_full_before": 1, "disk_full_mode": mode, "report_status": True},
            wrap=wrap,
        )
        first = kiosk.wait_for("end")
        assert first["outcome"] == "done"  # the journal worked before the disk filled
        sent_before = counter.mutations
        kiosk.wait_for("disk_full")
        refused = kiosk.wait_for("end")
        reported = kiosk.wait_for("reported")
        bye = kiosk.wait_for("bye")  # the probe's file cannot be written on a full disk
        assert kiosk.wait_exit() == 0  # refused calmly, no crash
        assert refused["kind"] == "payment" and refused["outcome"] == "error"
        assert refused["error"] == "JournalError"
        assert counter.mutations == sent_before  # nothing left the kiosk
        after = baseline(backend)
        assert after.rows["payments"] == before.rows["payments"]
        assert len(after.keys - before.keys) == 1  # the spam report only
        message = Translator("zh_CN").tr("error.journal")
        assert refused["shown"] == message
        assert reported["problems"] is not None and JOURNAL_UNWRITABLE in reported["problems"]
        assert backend.query(
            "SELECT problems FROM terminal_status WHERE terminal_id = ?", backend.terminal_id
        )[0][0].split() == [JOURNAL_UNWRITABLE]
        RESULTS[mode] = {
            "refused_before_sending": True,
            "customer_told": message,
            "health_problem": JOURNAL_UNWRITABLE,
            "max_stall_ms": bye["stalls"]["max_self_stall_ms"],
            "max_wall_stall_ms": bye["stalls"]["max_stall_ms"],
            "max_cpu_stall_ms": bye["stalls"]["max_cpu_stall_ms"],
            "startup_max_stall_ms": bye["stalls"]["startup_max_stall_ms"],
        }
        stalls = bye["stalls"]
        assert_responsive(
            self_ms=stalls["max_self_stall_ms"], cpu_ms=stalls["max_cpu_stall_ms"], full=FULL
        )
    finally:
        counter.close()
