"""Network faults between the real kiosk and the backend, through a fault-injecting proxy.

Each run arms one fault for one transaction. Half the runs let the kiosk retry the way it does
(the client re-sends with the same key, then the customer's "try again"); the other half kill
the kiosk right after the fault, so the start-up reconciliation has to find out what happened.
The late-delivery runs deliver the held request only after the restarted kiosk settled its
key: the network form of issue 10's defect 1, which the settlement fence answers (the late
request is refused, nothing applied).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.harness.ledger import Ledger, baseline, compare, write_section
from tests.faults.harness.proxy import Fault, FaultProxy
from tests.faults.harness.runs import FULL, KINDS, pause, phone_for
from tests.faults.harness.stack import Terminal
from tests.fixtures.live_backend import LiveBackend, start_backend
from tests.fixtures.stalls import assert_responsive

RUNS_PER_FAULT = 7 if FULL else 1  # full: 35 runs
LATE_RUNS = 3 if FULL else 1
FIRE_TIMEOUT_S = 30.0


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("proxy_backend"), sms_resend_after_s=0) as live:
        yield live


@pytest.fixture
def proxy(backend: LiveBackend) -> Iterator[FaultProxy]:
    host, port = backend.url.removeprefix("http://").split(":")
    spoiler = FaultProxy((host, int(port)))
    yield spoiler
    spoiler.close()


def _finish(ledger: Ledger, terminal: Terminal, runs: int, proxy: FaultProxy) -> Ledger:
    ledger.runs = runs
    ledger.kiosk_crashes = len(terminal.crashes)
    ledger.max_stall_ms = terminal.max_stall_ms()
    ledger.max_wall_stall_ms = terminal.max_stall_ms("max_stall_ms")
    ledger.max_cpu_stall_ms = terminal.max_stall_ms("max_cpu_stall_ms")
    ledger.startup_max_stall_ms = terminal.max_stall_ms("startup_max_stall_ms")
    ledger.problems += terminal.crashes
    ledger.kinds.update({f"fault:{k}": v for k, v in sorted(proxy.faults_fired.items())})
    return ledger


def _assert_clean(ledger: Ledger, runs: int, proxy: FaultProxy) -> None:
    assert sum(proxy.faults_fired.values()) == runs  # every run's fault really happened
    assert ledger.kiosk_crashes == 0, ledger.problems
    assert ledger.unresolved_after_settlement == 0, ledger.problems
    assert ledger.applied_twice == 0, ledger.problems
    assert ledger.lost == 0, ledger.problems
    assert_responsive(self_ms=ledger.max_stall_ms, cpu_ms=ledger.max_cpu_stall_ms, full=FULL)


@pytest.mark.timeout(900 if FULL else 300)
def test_network_faults_never_lose_or_double_a_transaction(
    backend: LiveBackend, proxy: FaultProxy, tmp_path: Path
) -> None:
    rng = random.Random(20261204)
    before = baseline(backend)
    terminal = Terminal(tmp_path / "kiosk", proxy.url)
    plan = [(fault, run % 2 == 1) for fault in Fault for run in range(RUNS_PER_FAULT)]
    rng.shuffle(plan)
    for run, (fault, kill) in enumerate(plan):
        kind = rng.choice(KINDS)
        kiosk = terminal.start(phone_for(kind, rng), [kind], seed=7000 + run)
        event = kiosk.wait_for("begin")
        proxy.arm(fault)
        kiosk.go()
        if kill:
            assert proxy.fired.wait(FIRE_TIMEOUT_S), f"{fault} did not fire"
            pause(rng.uniform(0.0, 0.5))
            kiosk.kill()
        else:
            end = kiosk.wait_for("end")
            assert end["kind"] == event["kind"]
            kiosk.wait_for("bye")
            kiosk.wait_exit()
    unresolved = terminal.settle()
    ledger = compare(backend, [terminal.journal], before)
    _finish(ledger, terminal, len(plan), proxy)
    if unresolved:
        ledger.problems.append(f"the kiosk still reports {unresolved} unresolved")
    write_section("network", ledger.as_json())
    _assert_clean(ledger, len(plan), proxy)


@pytest.mark.timeout(600 if FULL else 300)
def test_late_delivery_after_the_kiosk_settled(
    backend: LiveBackend, proxy: FaultProxy, tmp_path: Path
) -> None:
    rng = random.Random(20261205)
    before = baseline(backend)
    terminal = Terminal(tmp_path / "kiosk", proxy.url)
    kinds = ["payment", "dispute", "plan_change", "password_reset"][:LATE_RUNS]
    for run, kind in enumerate(kinds):
        kiosk = terminal.start(phone_for(kind, rng), [kind], seed=8000 + run)
        kiosk.wait_for("begin")
        settled = threading.Event()
        proxy.arm(Fault.LATE_DELIVERY, late_until=settled)
        kiosk.go()
        assert proxy.fired.wait(FIRE_TIMEOUT_S)
        kiosk.kill()  # the customer walked away / the power failed while it was held
        restarted = terminal.start(extra={"settle": True})  # settles once the age guard allows
        restarted.wait_for("settled")
        settled.set()  # now the held request reaches the backend
        restarted.wait_for("bye")
        restarted.wait_exit()
    unresolved = terminal.settle()
    ledger = compare(backend, [terminal.journal], before)
    _finish(ledger, terminal, len(kinds), proxy)
    if unresolved:
        ledger.problems.append(f"the kiosk still reports {unresolved} unresolved")
    write_section("network_late_after_settlement", ledger.as_json())
    _assert_clean(ledger, len(kinds), proxy)
