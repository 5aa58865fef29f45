"""Saving cut receipts as ``NNNN-<time>.bin/.txt/.png`` on a background thread."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from printer.layout import PrintedItem
from printer.preview import render_png, render_text
from printer.profiles import PrinterProfile

log = logging.getLogger(__name__)

_NUMBERED = re.compile(r"^(\d{4,})-.*\.bin$")


@dataclass(frozen=True)
class SavedReceipt:
    """One cut receipt as written to the out folder."""

    number: int
    bin_path: Path
    txt_path: Path
    png_path: Path
    text: str
    size: int
    overflow: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON form for ``list_receipts``."""
        return {
            "number": self.number,
            "bin": str(self.bin_path),
            "txt": str(self.txt_path),
            "png": str(self.png_path),
            "bytes": self.size,
            "overflow": self.overflow,
        }


class ReceiptSaver:
    """Numbers receipts (continuing in an existing folder) and writes them off the wire thread:
    drawing a long slip's PNG takes longer than receiving it."""

    def __init__(self, out_dir: Path, profile: PrinterProfile) -> None:
        self.out_dir = out_dir
        self.profile = profile
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="printer-emu-save")
        self._pending: list[Future[SavedReceipt]] = []
        self._receipts: list[SavedReceipt] = []
        self._cv = threading.Condition()
        self._next_number = 1

    def start(self) -> None:
        """Create the folder and find the next free number."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        numbers = [
            int(m.group(1)) for p in self.out_dir.iterdir() if (m := _NUMBERED.match(p.name))
        ]
        self._next_number = max(numbers, default=0) + 1

    def stop(self) -> None:
        """Finish pending saves."""
        self._executor.shutdown(wait=True)

    def submit(self, job: bytes, items: list[PrintedItem], overflow: bool) -> None:
        """Queue one receipt (raw job bytes and its decoded items)."""
        number = self._next_number
        self._next_number += 1
        stem = self.out_dir / f"{number:04d}-{dt.datetime.now():%Y%m%dT%H%M%S}"
        self._pending.append(self._executor.submit(self._save, number, stem, job, items, overflow))

    def flush(self, timeout: float) -> None:
        """Wait until every queued receipt is on disk."""
        for future in list(self._pending):
            future.result(timeout=timeout)

    def receipts(self) -> list[SavedReceipt]:
        """Receipts saved so far, oldest first."""
        with self._cv:
            return list(self._receipts)

    def wait_for(self, count: int, timeout: float) -> list[SavedReceipt]:
        """Block until ``count`` receipts are saved; raises TimeoutError otherwise."""
        with self._cv:
            if not self._cv.wait_for(lambda: len(self._receipts) >= count, timeout):
                raise TimeoutError(f"{len(self._receipts)} of {count} receipts after {timeout} s")
            return list(self._receipts)

    def _save(
        self, number: int, stem: Path, job: bytes, items: list[PrintedItem], overflow: bool
    ) -> SavedReceipt:
        text = render_text(items, self.profile)
        bin_path, txt_path, png_path = (stem.with_suffix(s) for s in (".bin", ".txt", ".png"))
        bin_path.write_bytes(job)
        txt_path.write_text(text, encoding="utf-8")
        try:
            png_path.write_bytes(render_png(items, self.profile))
        except Exception:  # a preview must never stop the emulator; the .bin/.txt are saved
            log.exception("could not draw receipt %d", number)
        receipt = SavedReceipt(number, bin_path, txt_path, png_path, text, len(job), overflow)
        with self._cv:
            self._receipts.append(receipt)
            self._cv.notify_all()
        log.info("receipt %04d saved (%d bytes)", number, len(job))
        return receipt
