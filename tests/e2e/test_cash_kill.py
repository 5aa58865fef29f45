"""SIGKILL of a process running the core cash flow at each dangerous moment; after a restart
on the same journal every note is credited exactly once (the backend's rows say so).

The child runs the real CashDesk against the live backend and the emulator's pty; its stage
hook freezes it at the named moment, and the test kills it there. The emulator lives in the
test process, so the device keeps its state (and its notes) across the kiosk's death.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulators.cash import BillValidatorEmulator
from kiosk.cash.desk import CashDesk, CashState
from kiosk.cash.ledger import CashLedger
from kiosk.devices.cash import SerialBanknoteAcceptor
from tests.fixtures.live_backend import LiveBackend

CHILD = """
import sys, threading
from kiosk.backend.client import BackendClient
from kiosk.cash.desk import CashDesk
from kiosk.cash.ledger import CashLedger
from kiosk.devices.cash import SerialBanknoteAcceptor

url, terminal, token, journal, port, phone, stop_at = sys.argv[1:]

def hook(stage):
    print("STAGE", stage, flush=True)
    if stage == stop_at:
        print("STOPPED", flush=True)
        threading.Event().wait()  # frozen here until SIGKILL

client = BackendClient(url, terminal, token)
desk = CashDesk(lambda: SerialBanknoteAcceptor(port, timeout=0.3), CashLedger(journal), client,
                interval=0.1, drain_quiet_s=1.2, on_stage=hook)
desk.start()
assert desk.wait_for(lambda v: desk.available, 20), "cash desk not available"
order = desk.begin(phone)
desk.accept()
print("ACCEPTING", order.order_id, flush=True)
for line in sys.stdin:
    if line.strip() == "finish":
        desk.finish()
threading.Event().wait()
"""


class Child:
    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def expect(self, marker: str) -> str:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(marker):
                return line.strip()
        raise AssertionError(f"child ended before {marker!r} (exit {self.proc.wait(5)})")

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@pytest.fixture
def emulator() -> Iterator[BillValidatorEmulator]:
    with BillValidatorEmulator(transport_s=0.05) as emu:
        yield emu


def balance(backend: LiveBackend, phone: str) -> int:
    return int(backend.query("SELECT balance_fen FROM lines WHERE number = ?", phone)[0][0])


def restart_and_recover(backend: LiveBackend, journal: Path, port: str) -> CashLedger:
    """The kiosk starts again on the same journal and completes what the dead one left."""
    ledger = CashLedger(journal)
    with backend.client() as client:
        desk = CashDesk(
            lambda: SerialBanknoteAcceptor(port, timeout=0.3),
            ledger,
            client,
            interval=0.1,
            drain_quiet_s=1.2,
            device_wait_s=2.0,
        )
        with desk:
            assert desk.wait_for(
                lambda v: v.state is CashState.IDLE and not ledger.unresolved_orders(), 30
            ), "the earlier order was not completed"
    return ledger


def run_until_killed(
    backend: LiveBackend,
    journal: Path,
    emulator: BillValidatorEmulator,
    phone: str,
    stop_at: str,
    value: int,
    *,
    finish: bool = False,
) -> str:
    child = Child(
        [
            backend.url,
            backend.terminal_id,
            backend.terminal_token,
            str(journal),
            emulator.port_path,
            phone,
            stop_at,
        ]
    )
    try:
        order_id = child.expect("ACCEPTING").split()[1]
        emulator.insert(value)
        if finish:
            child.send("finish")
        child.expect("STOPPED")
    finally:
        child.kill()
    return order_id


def assert_credited_once(backend: LiveBackend, order_id: str, phone: str, before: int) -> None:
    notes = backend.query("SELECT value_fen FROM cash_notes WHERE order_id = ?", order_id)
    total = sum(v for (v,) in notes)
    assert total > 0
    assert backend.query(
        "SELECT status, credited_fen FROM cash_orders WHERE order_id = ?", order_id
    ) == [("closed", total)]
    assert backend.query(
        "SELECT COUNT(*), SUM(amount_fen) FROM transactions WHERE kind = 'cash_topup'"
        " AND detail = ?",
        order_id,
    ) == [(1, total)]
    assert balance(backend, phone) == before + total


@pytest.mark.allow_log_warnings
@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("stop_at", "reported_before_kill"),
    [("note_journaled", 0), ("note_reported", 1)],
)
def test_killed_after_a_note_is_stacked(
    tmp_path: Path,
    live_backend: LiveBackend,
    emulator: BillValidatorEmulator,
    stop_at: str,
    reported_before_kill: int,
) -> None:
    phone = live_backend.random_numbers()[1]
    before = balance(live_backend, phone)
    journal = tmp_path / "journal.sqlite3"
    order_id = run_until_killed(live_backend, journal, emulator, phone, stop_at, 50)
    rows = live_backend.query("SELECT COUNT(*) FROM cash_notes WHERE order_id = ?", order_id)
    assert rows == [(reported_before_kill,)]
    assert balance(live_backend, phone) == before  # nothing credited yet
    assert emulator.accepting  # the dead kiosk left the acceptor open
    restart_and_recover(live_backend, journal, emulator.port_path).close()
    assert not emulator.accepting
    assert_credited_once(live_backend, order_id, phone, before)
    assert balance(live_backend, phone) == before + 5000


@pytest.mark.allow_log_warnings
@pytest.mark.timeout(120)
def test_killed_during_close_with_a_note_still_in_the_transport(
    tmp_path: Path, live_backend: LiveBackend, emulator: BillValidatorEmulator
) -> None:
    """完成 tapped while a note travels; the kiosk dies right after the inhibit; the note
    lands in the box while it is down. The restart reads it after the journaled counter."""
    emulator.transport_s = 1.0
    phone = live_backend.random_numbers()[2]
    before = balance(live_backend, phone)
    journal = tmp_path / "journal.sqlite3"
    order_id = run_until_killed(
        live_backend, journal, emulator, phone, "inhibited", 20, finish=True
    )
    assert emulator.wait_stacked(1, 10)  # stacked while no kiosk was running
    assert balance(live_backend, phone) == before
    restart_and_recover(live_backend, journal, emulator.port_path).close()
    assert_credited_once(live_backend, order_id, phone, before)
    assert balance(live_backend, phone) == before + 2000


@pytest.mark.allow_log_warnings
@pytest.mark.timeout(120)
def test_killed_after_the_backend_credited_but_before_the_journal_knew(
    tmp_path: Path, live_backend: LiveBackend, emulator: BillValidatorEmulator
) -> None:
    phone = live_backend.random_numbers()[0]
    before = balance(live_backend, phone)
    journal = tmp_path / "journal.sqlite3"
    order_id = run_until_killed(
        live_backend, journal, emulator, phone, "close_answered", 100, finish=True
    )
    assert balance(live_backend, phone) == before + 10000  # the backend closed it already
    ledger = restart_and_recover(live_backend, journal, emulator.port_path)
    assert ledger.recent_orders(1)[0].credited_fen == 10000
    ledger.close()
    assert_credited_once(live_backend, order_id, phone, before)  # the second close: a replay


@pytest.mark.allow_log_warnings
@pytest.mark.timeout(120)
def test_the_kiosks_start_up_completes_the_order_through_the_composition_root(
    tmp_path: Path, live_backend: LiveBackend, emulator: BillValidatorEmulator
) -> None:
    """The same recovery as the real kiosk runs it: ui.app's warm-up job builds the desk."""
    import dataclasses
    import datetime as dt

    from kiosk.config import Config
    from ui.app import _close_cash, backend_factory, cash_factory, warm_up
    from ui.context import BackendHandle, Lazy, Services

    phone = live_backend.random_numbers()[1]
    before = balance(live_backend, phone)
    journal = tmp_path / "journal.sqlite3"
    order_id = run_until_killed(live_backend, journal, emulator, phone, "note_reported", 10)
    base = Config()
    config = dataclasses.replace(
        base,
        journal_path=str(journal),
        devices=dataclasses.replace(base.devices, cash_acceptor=emulator.port_path),
        backend=dataclasses.replace(
            base.backend, url=live_backend.url, terminal_token=live_backend.terminal_token
        ),
        terminal=dataclasses.replace(base.terminal, id=live_backend.terminal_id),
    )
    services = Services(
        backend=BackendHandle(backend_factory(config)),
        cash=Lazy(cash_factory(config), _close_cash),
    )
    try:
        warm_up(services, dt.datetime.now(dt.UTC))()
        assert services.cash is not None
        desk = services.cash.get()
        assert desk.wait_for(
            lambda v: v.state is CashState.IDLE and not desk.ledger.unresolved_orders(), 30
        )
        assert desk.problems() == ()
    finally:
        services.cash.close()  # type: ignore[union-attr]
        services.backend.close()  # type: ignore[union-attr]
    assert_credited_once(live_backend, order_id, phone, before)
    assert balance(live_backend, phone) == before + 1000
