"""清机 against a backend of its own and the bill validator emulator on a pty: the box comes
out and goes back (emulator events), the clearance is recorded (rows), the 清机凭条 is printed
(its ESC/POS bytes decoded), and a box at capacity turns cash off until it is emptied."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulators.cash import BillValidatorEmulator
from kiosk.backend.client import BackendClient
from kiosk.cash.clearance import Clearance, ClearanceStep, ClearanceView
from kiosk.cash.desk import CashBlocker, CashBusy, CashDesk, CashState
from kiosk.cash.ledger import CashLedger
from kiosk.devices.cash import SerialBanknoteAcceptor
from kiosk.status import CASH_BOX_FULL, CASH_CLEARANCE
from printer.escpos.decoder import decode
from printer.escpos.encoder import encode_document
from printer.layout import PrintedLine
from printer.profiles import load_profile
from printer.statement import Terminal
from tests.fixtures.live_backend import LiveBackend, start_backend

WAIT = 15.0
TERMINAL = Terminal("中国移动", "演示营业厅", "KIOSK-DEMO-01")


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    """Its own backend: the box is the terminal's, other tests' notes must not be in it."""
    with start_backend(tmp_path_factory.mktemp("clearance_backend")) as backend:
        yield backend


class Rig:
    def __init__(
        self, emulator: BillValidatorEmulator, desk: CashDesk, client: BackendClient
    ) -> None:
        self.emulator, self.desk, self.client = emulator, desk, client

    def wait(self, predicate: object, what: str) -> None:
        assert callable(predicate)
        assert self.desk.wait_for(predicate, WAIT), f"timed out waiting for {what}"

    def pay(self, phone: str, *values: int) -> None:
        self.wait(lambda _v: self.desk.available, "cash to be available")
        self.desk.begin(phone)
        self.desk.accept()
        for value in values:
            self.emulator.insert(value)
        total = sum(values) * 100
        self.wait(lambda v: v.total_fen == total, "the running total")
        self.desk.finish()
        self.wait(lambda v: v.state is CashState.DONE, "the credit")
        self.desk.reset()


@contextlib.contextmanager
def _rig(tmp_path: Path, backend: LiveBackend, capacity: int | None = None) -> Iterator[Rig]:
    ledger = CashLedger(tmp_path / "journal.sqlite3")
    with BillValidatorEmulator(transport_s=0.02) as emulator, backend.client() as client:
        desk = CashDesk(
            lambda: SerialBanknoteAcceptor(emulator.port_path, timeout=0.3),
            ledger,
            client,
            interval=0.1,
            drain_quiet_s=0.4,
            retry_s=0.2,
            box_capacity=capacity,
        )
        with desk:
            yield Rig(emulator, desk, client)
    ledger.close()


def _wait_step(clearance: Clearance, step: ClearanceStep) -> ClearanceView:
    import time

    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if clearance.view.step is step:
            return clearance.view
        time.sleep(0.02)
    raise AssertionError(f"clearance stuck in {clearance.view.step}, wanted {step}")


def _slip_lines(clearance: Clearance) -> list[str]:
    profile = load_profile("generic-80")
    data = encode_document(clearance.slip(TERMINAL, dt.datetime(2026, 11, 25, 18, 0)), profile)
    # The printer's text layer prints the yuan sign full width (￥); compare in ASCII.
    return [
        " ".join(i.text.replace("￥", "¥").split())
        for i in decode(data, profile)
        if isinstance(i, PrintedLine)
    ]


def test_clearance_records_the_box_prints_the_slip_and_empties_it(
    tmp_path: Path, own_backend: LiveBackend
) -> None:
    with _rig(tmp_path, own_backend) as rig:
        phones = own_backend.random_numbers()
        rig.pay(phones[0], 50, 10, 10)
        rig.pay(phones[1], 100)
        assert rig.desk.ledger.box().counts == {1000: 2, 5000: 1, 10000: 1}
        clearance = Clearance(rig.desk, rig.client)
        view = clearance.start()
        assert view.step is ClearanceStep.REMOVE and view.expected == {1000: 2, 5000: 1, 10000: 1}
        assert CashBlocker.CLEARANCE in rig.desk.blockers()
        assert CASH_CLEARANCE in rig.desk.problems() and not rig.desk.available
        rig.emulator.stacker_removed()
        _wait_step(clearance, ClearanceStep.INSERT)
        rig.emulator.stacker_inserted()
        view = _wait_step(clearance, ClearanceStep.COUNT)
        assert view.counted == {1000: 2, 5000: 1, 10000: 1} and view.orders == 2
        record = clearance.submit()
        assert (record.counted_fen, record.expected_fen, record.flagged) == (17000, 17000, False)
        assert record.orders == 2
        rows = own_backend.query(
            "SELECT expected_fen, counted_fen, difference_fen, flagged, orders"
            " FROM cash_clearances WHERE clearance_id = ?",
            record.clearance_id,
        )
        assert rows == [(17000, 17000, 0, 0, 2)]
        assert own_backend.query("SELECT COUNT(*) FROM cash_notes WHERE clearance_id IS NULL") == [
            (0,)
        ]
        assert rig.desk.ledger.box().counts == {}
        rig.wait(lambda _v: rig.desk.available, "cash back on")
        lines = _slip_lines(clearance)
        assert "清机凭条" in " ".join(lines)
        for expected in (
            "终端编号 KIOSK-DEMO-01",
            f"清机编号 {record.clearance_id}",
            "¥10.00 × 2 张 ¥20.00",
            "¥50.00 × 1 张 ¥50.00",
            "¥100.00 × 1 张 ¥100.00",
            "纸币张数 4 张",
            "合计金额 ¥170.00",
            "缴费笔数 2 笔",
            "核对结果 一致",
        ):
            assert expected in lines, (expected, lines)
        assert not any("差异" in line for line in lines)


@pytest.mark.allow_log_warnings  # a flagged clearance is logged for the hall manager
def test_a_count_that_differs_is_flagged_on_the_record_and_the_slip(
    tmp_path: Path, own_backend: LiveBackend
) -> None:
    with _rig(tmp_path, own_backend) as rig:
        rig.pay(own_backend.random_numbers()[2], 20, 20)
        clearance = Clearance(rig.desk, rig.client)
        clearance.start()
        rig.emulator.stacker_removed()
        _wait_step(clearance, ClearanceStep.INSERT)
        rig.emulator.stacker_inserted()
        _wait_step(clearance, ClearanceStep.COUNT)
        clearance.set_count(2000, 1)  # staff found one ¥20 note, two were reported
        record = clearance.submit()
        assert (record.difference_fen, record.flagged) == (-2000, True)
        assert own_backend.query(
            "SELECT flagged, difference_fen FROM cash_clearances WHERE clearance_id = ?",
            record.clearance_id,
        ) == [(1, -2000)]
        lines = _slip_lines(clearance)
        assert "差异 -¥20.00" in lines and "系统记录 2 张 ¥40.00" in lines, lines
        assert "合计金额 ¥20.00" in lines


def test_a_full_box_turns_cash_off_until_the_clearance(
    tmp_path: Path, own_backend: LiveBackend
) -> None:
    with _rig(tmp_path, own_backend, capacity=2) as rig:
        rig.pay(own_backend.random_numbers()[0], 10, 10)
        rig.wait(lambda _v: CashBlocker.BOX_FULL in rig.desk.blockers(), "the box full")
        assert CASH_BOX_FULL in rig.desk.problems() and not rig.desk.available
        clearance = Clearance(rig.desk, rig.client)
        clearance.start()
        rig.emulator.stacker_removed()
        _wait_step(clearance, ClearanceStep.INSERT)
        rig.emulator.stacker_inserted()
        _wait_step(clearance, ClearanceStep.COUNT)
        clearance.submit()
        rig.wait(lambda _v: rig.desk.available, "cash back on after 清机")
        assert rig.desk.blockers() == ()


def test_no_clearance_while_a_customer_pays(tmp_path: Path, own_backend: LiveBackend) -> None:
    with _rig(tmp_path, own_backend) as rig:
        rig.wait(lambda _v: rig.desk.available, "cash")
        rig.desk.begin(own_backend.random_numbers()[1])
        clearance = Clearance(rig.desk, rig.client)
        with pytest.raises(CashBusy):
            clearance.start()
        assert clearance.view.step is ClearanceStep.IDLE
        rig.desk.cancel()
