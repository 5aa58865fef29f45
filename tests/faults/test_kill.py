"""SIGKILL the real kiosk at random moments inside every transaction kind, restart it, let the
start-up reconciliation settle, and compare the journal with the backend's rows.

The second test kills the kiosk while its request waits inside a busy backend (a write lock
held on the database), issue 10's defect 1: the restarted kiosk settles the key (once the age
guard allows) while the request still waits; the lock then goes and the request and the
settlement race. The fence must make either order consistent: applied and settled as applied,
or fenced and refused.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness.ledger import Ledger, baseline, compare, write_section
from tests.faults.harness.runs import FULL, KINDS, pause, phone_for
from tests.faults.harness.stack import DatabaseLock, KioskProcess, Terminal
from tests.fixtures.live_backend import LiveBackend, start_backend
from tests.fixtures.stalls import assert_responsive

RUNS_PER_KIND = 4 if FULL else 1  # full: 40 kill runs with the backend answering at once
BUSY_RUNS_PER_KIND = 1 if FULL else 0  # full: 10 more while the backend is busy
BUSY_RUNS_REDUCED = 1
LOCK_AFTER_GUARD_S = 3.0  # the lock outlasts the age guard: the settlement waits behind it too


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("kill_backend"), sms_resend_after_s=0) as live:
        yield live


def _kill_inside(
    kiosk: KioskProcess, target: int, delay_s: float, lock: DatabaseLock | None
) -> str:
    """Let the steps before ``target`` run, then kill ``delay_s`` into step ``target``."""
    while True:
        event = kiosk.next_event()
        if event["event"] == "begin" and event["index"] == target:
            if lock is not None:
                lock.hold()
            kiosk.go()
            pause(delay_s)
            kiosk.kill()
            return str(event["kind"])
        if event["event"] == "begin":
            kiosk.go()
        if event["event"] in ("bye", "eof"):
            kiosk.wait_exit()
            return ""


def _settle_while_busy(terminal: Terminal, lock: DatabaseLock) -> None:
    """The restarted kiosk settles while the killed request still waits behind the lock: the
    lock lasts past the age guard, so the settlement's own write waits too, then both race."""
    timer = threading.Timer(terminal.settle_guard_s() + LOCK_AFTER_GUARD_S, lock.release)
    timer.start()
    try:
        kiosk = terminal.start(extra={"settle": True})
        kiosk.wait_for("settled")
        kiosk.wait_for("bye")
        kiosk.wait_exit()
    finally:
        timer.cancel()
        lock.release()


def _kill_runs(
    backend: LiveBackend, workdir: Path, plan: list[str], *, busy: bool, seed: int
) -> tuple[Ledger, Terminal]:
    rng = random.Random(seed)
    before = baseline(backend)
    terminal = Terminal(workdir, backend.url)
    lock = DatabaseLock(backend)
    killed: set[str] = set()
    try:
        for run, kind in enumerate(plan):
            prefix = [rng.choice(KINDS)] if rng.random() < 0.4 else []
            kiosk = terminal.start(phone_for(kind, rng), [*prefix, kind], seed=seed + run)
            # Answered at once a transaction takes ~50-200 ms; behind the lock it waits.
            delay = rng.uniform(0.05, 1.5) if busy else rng.uniform(0.0, 0.3)
            killed.add(_kill_inside(kiosk, len(prefix), delay, lock if busy else None))
            if busy:
                _settle_while_busy(terminal, lock)
        unresolved = terminal.settle()
    finally:
        lock.close()
    ledger = compare(backend, [terminal.journal], before)
    ledger.runs = len(plan)
    ledger.kiosk_crashes = len(terminal.crashes)
    ledger.max_stall_ms = terminal.max_stall_ms()
    ledger.max_wall_stall_ms = terminal.max_stall_ms("max_stall_ms")
    ledger.max_cpu_stall_ms = terminal.max_stall_ms("max_cpu_stall_ms")
    ledger.startup_max_stall_ms = terminal.max_stall_ms("startup_max_stall_ms")
    ledger.kinds["killed_inside"] = len(killed - {""})
    ledger.problems += terminal.crashes
    if unresolved:
        ledger.problems.append(f"the kiosk still reports {unresolved} unresolved")
    return ledger, terminal


def _assert_clean(ledger: Ledger) -> None:
    assert ledger.kiosk_crashes == 0, ledger.problems
    assert ledger.unresolved_after_settlement == 0, ledger.problems
    assert ledger.applied_twice == 0, ledger.problems
    assert ledger.lost == 0, ledger.problems
    assert_responsive(self_ms=ledger.max_stall_ms, cpu_ms=ledger.max_cpu_stall_ms, full=FULL)


@pytest.mark.timeout(900 if FULL else 300)
def test_sigkill_inside_every_transaction_kind(backend: LiveBackend, tmp_path: Path) -> None:
    plan = [kind for kind in KINDS for _ in range(RUNS_PER_KIND)]
    random.Random(1).shuffle(plan)
    ledger, _ = _kill_runs(backend, tmp_path / "kiosk", plan, busy=False, seed=20261202)
    write_section("sigkill", ledger.as_json())
    _assert_clean(ledger)


@pytest.mark.timeout(900 if FULL else 300)
def test_sigkill_while_the_backend_is_busy(backend: LiveBackend, tmp_path: Path) -> None:
    if FULL:
        plan = [kind for kind in KINDS for _ in range(BUSY_RUNS_PER_KIND)]
    else:
        plan = ["payment", "dispute", "plan_change"][:BUSY_RUNS_REDUCED]
    random.Random(2).shuffle(plan)
    ledger, _ = _kill_runs(backend, tmp_path / "kiosk", plan, busy=True, seed=20261203)
    write_section("sigkill_busy_backend", ledger.as_json())
    _assert_clean(ledger)
