"""The printer's own thread (issue 12: symmetric devices): a plain Python thread in the core,
jobs in order on one wire, results through futures; the kept copy of a slip cut by paper out
is reprinted whole once the paper is back (the printer emulator on a pty)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulators.printer.emulator import PrinterEmulator
from kiosk.devices.printer import PrinterWorker, SerialReceiptPrinter
from printer.document import Cut, Document, Text
from printer.errors import PrintError, PrinterUnavailable
from printer.escpos.decoder import decode
from printer.escpos.status import PaperState
from printer.profiles import load_profile

ROOT = Path(__file__).resolve().parents[4]
PROFILE = load_profile("generic-80")


def _receipt(lines: int) -> Document:
    body = tuple(Text(f"业务受理单 第{i:02d}行 交易流水 TX{i:06d}") for i in range(lines))
    return Document((*body, Cut()), "业务受理单")


@pytest.fixture
def short_roll(tmp_path: Path) -> Iterator[PrinterEmulator]:
    """A printer on a pty whose roll ends after 12 lines."""
    emulator = PrinterEmulator(tmp_path / "receipts", paper_lines=12)
    emulator.start()
    try:
        yield emulator
    finally:
        emulator.stop()


def test_paper_out_mid_slip_keeps_the_job_and_the_reprint_prints_it(
    short_roll: PrinterEmulator,
) -> None:
    worker = PrinterWorker(SerialReceiptPrinter(str(short_roll.port_path), "generic-80"))
    try:
        slip = worker.printer.prepare(_receipt(40), keep_copy=True)
        with pytest.raises(PrintError) as failed:
            worker.print_slip(slip).result(timeout=30)
        assert failed.value.status.paper is PaperState.OUT  # type: ignore[attr-defined]
        (copy,) = worker.printer.history()
        assert copy.title == "业务受理单" and copy.complete is False
        texts = [getattr(item, "text", "") for item in decode(copy.data, PROFILE)]
        assert any("TX000039" in text for text in texts)  # the whole slip, not what came out
        # A new roll: the reprint on the same worker (the port reopens if it must).
        short_roll.paper_lines = None
        short_roll.set_paper("ok")
        before = len(short_roll.receipts())
        result = worker.reprint(copy).result(timeout=30)
        assert result.bytes_sent == len(copy.data)
        printed = short_roll.wait_for_receipts(before + 1, timeout=20)[-1].bin_path.read_bytes()
        assert decode(printed, PROFILE) == decode(copy.data, PROFILE)
    finally:
        worker.stop()
    assert not worker.is_running


class _SlowPrinter:
    """A ReceiptPrinter whose jobs record the thread they ran on and may be held."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.ran: list[tuple[str, threading.Thread]] = []
        self.closed = 0

    @property
    def profile(self) -> object:
        return PROFILE

    def status(self) -> str:
        self.ran.append(("status", threading.current_thread()))
        assert self.release.wait(10)
        return "ok"

    def close(self) -> None:
        self.closed += 1


def test_jobs_run_in_order_on_one_plain_thread_and_submit_returns_at_once() -> None:
    printer = _SlowPrinter()
    worker = PrinterWorker(printer)  # type: ignore[arg-type]
    started = time.perf_counter()
    futures = [worker.submit(lambda p, i=i: (i, p.status())) for i in range(3)]  # type: ignore[attr-defined]
    assert time.perf_counter() - started < 0.05  # nobody waits for the printer
    assert worker.pending == 3
    printer.release.set()
    assert [f.result(timeout=5) for f in futures] == [(0, "ok"), (1, "ok"), (2, "ok")]
    threads = {thread for _name, thread in printer.ran}
    (thread,) = threads
    assert type(thread) is threading.Thread and thread.name == "printer-worker"
    assert thread is not threading.main_thread()
    assert worker.wait_idle(5)
    worker.stop()
    assert printer.closed == 1 and not worker.is_running
    late = worker.submit(lambda p: p.status())  # type: ignore[attr-defined]
    assert isinstance(late.exception(timeout=1), PrinterUnavailable)


def test_the_device_package_never_imports_qt() -> None:
    # A fresh interpreter: import every module under kiosk.devices, run a printer job on the
    # worker, and look for Qt (import-linter checks the imports; this checks what runs).
    script = """
import importlib, json, pkgutil, sys, threading
import kiosk.devices
for info in pkgutil.walk_packages(kiosk.devices.__path__, "kiosk.devices."):
    importlib.import_module(info.name)
from kiosk.devices.printer import PrinterWorker
class P:
    def status(self):
        return type(threading.current_thread()).__name__
    def close(self):
        pass
worker = PrinterWorker(P())
kind = worker.status().result(5)
worker.stop()
print(json.dumps({"qt": sorted(m for m in sys.modules if m.startswith(("PySide", "shiboken"))),
                  "thread": kind}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen == {"qt": [], "thread": "Thread"}
