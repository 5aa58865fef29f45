"""The receipt printer emulator: a pty that behaves like a serial ESC/POS printer.

Wire: bytes are taken from the pty no faster than the baud rate allows (8N1, 10 bits per
byte), so a driver sees real serial timing. Real-time ``DLE EOT n`` requests are answered on
arrival from the simulated :class:`~emulators.printer.state.Condition`, as a printer does,
even while its print buffer is full.

Buffer: received bytes wait in a buffer of ``buffer_size`` bytes that the mechanism drains at
``print_rate`` bytes/s (unlimited by default). When the buffer is nearly full the printer
raises its handshake: it sends XOFF (with ``xonxoff``) and drops CTS, and XON / raises CTS
once it has drained. Whether the host honours that is read from the pty's termios, which
pyserial sets from ``xonxoff=`` (IXON) and ``rtscts=`` (CRTSCTS): a host that honours it
stops transmitting, so the emulator stops taking bytes off the pty (they wait on the host
side, as in a UART's queue). A host that ignores it keeps sending; bytes arriving while the
buffer is full are lost (counted in :attr:`PrinterEmulator.overflow_bytes`) and the slip prints
garbage, which is exactly why a driver must use flow control. Paper out, cover open, offline
and cutter errors stop the mechanism.

Receipts: each cut ends a receipt, saved as ``NNNN-<time>.bin`` (raw bytes), ``.txt`` and
``.png`` (decoded with :mod:`printer.escpos.decoder` and drawn by :mod:`printer.preview`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import termios
import threading
import time
from pathlib import Path

from emulators.control import ControlServer, Handler
from emulators.printer.control import control_handlers
from emulators.printer.saver import ReceiptSaver, SavedReceipt
from emulators.printer.state import Answering, Paper, PrinterState
from emulators.ptylink import LinkClosedError, PtyLink, wire_time
from printer.escpos.decoder import EscPosDecoder
from printer.layout import (
    PrintedCut,
    PrintedFeed,
    PrintedImage,
    PrintedItem,
    PrintedLine,
    PrintedQr,
)
from printer.profiles import PrinterProfile, load_profile

log = logging.getLogger(__name__)

XON = b"\x11"
XOFF = b"\x13"


def _lines_used(item: PrintedItem) -> int:
    if isinstance(item, PrintedLine):
        return item.size.height
    if isinstance(item, PrintedFeed):
        return item.lines
    if isinstance(item, PrintedImage):
        return max(1, item.height // 30)
    if isinstance(item, PrintedQr):
        return 8
    return 1 if not isinstance(item, PrintedCut) else 0


class PrinterEmulator:
    """An emulated ESC/POS printer behind a pty (use as a context manager or start/stop)."""

    def __init__(
        self,
        out_dir: Path,
        *,
        profile: PrinterProfile | None = None,
        baudrate: int = 115200,
        link_path: Path | None = None,
        buffer_size: int = 4096,
        print_rate: float | None = None,
        xonxoff: bool = True,
        paper_lines: int | None = None,
        near_end_lines: int = 100,
    ) -> None:
        self.out_dir = Path(out_dir)
        self.profile = profile or load_profile()
        self.baudrate = baudrate
        self.buffer_size = buffer_size
        self.print_rate = print_rate
        self.xonxoff = xonxoff
        self.paper_lines = paper_lines
        self.near_end_lines = near_end_lines
        self.state = PrinterState()
        self.link = PtyLink(link_path)
        self.overflow_bytes = 0
        self.received_bytes = 0
        self.xoff_count = 0
        self._buffer = bytearray()
        self._cv = threading.Condition()
        self._xoff_sent = False
        self._holding = False  # handshake raised and honoured: the host is not sending
        self._busy = False  # the mechanism holds bytes taken from the buffer
        self._termios_fd: int | None = None
        self._running = False
        self._threads: list[threading.Thread] = []
        self._saver = ReceiptSaver(self.out_dir, self.profile)
        self._control: ControlServer | None = None
        self._write_lock = threading.Lock()
        self._overflow_in_job = False

    # -- lifecycle ---------------------------------------------------------------------------
    @property
    def port_path(self) -> Path:
        """The path a driver opens (a stable symlink to the pty)."""
        return self.link.link_path

    def start(self) -> None:
        """Create the pty and start the wire, mechanism (and saver) threads."""
        self._saver.start()
        self.link.open()
        self._open_termios_fd()
        self._running = True
        for target, name in ((self._wire_loop, "wire"), (self._mechanism_loop, "mechanism")):
            thread = threading.Thread(target=target, name=f"printer-emu-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info(
            "printer emulator on %s (%d baud, profile %s)",
            self.port_path,
            self.baudrate,
            self.profile.name,
        )

    def _open_termios_fd(self) -> None:
        # a second slave fd only to read the termios flags the driver set (IXON, CRTSCTS)
        self._termios_fd = os.open(self.link.link_path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)

    def _close_termios_fd(self) -> None:
        if self._termios_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._termios_fd)
            self._termios_fd = None

    def unplug(self) -> None:
        """Simulate pulling the cable: the pty and its link disappear."""
        self._close_termios_fd()
        self.link.unplug()

    def replug(self) -> None:
        """Plug back in: a new pty behind the same link path."""
        self.link.replug()
        self._open_termios_fd()

    def start_control(self, port: int = 0) -> tuple[str, int]:
        """Serve the JSON-lines control channel on 127.0.0.1; returns (host, port)."""
        self._control = ControlServer(self.control_handlers(), port=port)
        self._control.start()
        return self._control.address

    def control_handlers(self) -> dict[str, Handler]:
        """The control-channel commands (paper, cover, offline, list_receipts, ...)."""
        return control_handlers(self)

    def stop(self) -> None:
        """Stop threads, close the pty and wait for pending receipt files."""
        self._running = False
        if self._control is not None:
            self._control.stop()
            self._control = None
        with self._cv:
            self._cv.notify_all()
        self.link.close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._close_termios_fd()
        self._saver.stop()

    def __enter__(self) -> PrinterEmulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- state helpers for tests -------------------------------------------------------------
    def set_paper(self, paper: Paper | str) -> None:
        """Paper ok / near_end / out."""
        self.state.update(paper=Paper(paper))
        self._wake()

    def set_cover_open(self, is_open: bool) -> None:
        """Open or close the cover."""
        self.state.update(cover_open=is_open)
        self._wake()

    def set_offline(self, offline: bool) -> None:
        """Take the printer offline (or back)."""
        self.state.update(offline=offline)
        self._wake()

    def set_answering(self, answering: Answering | str) -> None:
        """Answer status normally, not at all, or with garbage."""
        self.state.update(answering=Answering(answering))

    def _wake(self) -> None:
        with self._cv:
            self._cv.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until every received byte went through the mechanism (TimeoutError if not)."""
        with self._cv:
            if not self._cv.wait_for(lambda: not self._buffer and not self._busy, timeout):
                raise TimeoutError(f"{len(self._buffer)} bytes still buffered after {timeout} s")
        self._saver.flush(timeout)

    def receipts(self) -> list[SavedReceipt]:
        """Receipts saved so far, oldest first."""
        return self._saver.receipts()

    def wait_for_receipts(self, count: int, timeout: float = 10.0) -> list[SavedReceipt]:
        """Block until ``count`` receipts are saved; raises TimeoutError otherwise."""
        return self._saver.wait_for(count, timeout)

    # -- wire --------------------------------------------------------------------------------
    def _send(self, data: bytes) -> None:
        with self._write_lock:
            try:
                self.link.write(data)
            except LinkClosedError:
                log.debug("answer dropped: link closed")

    def _answer_realtime(self, data: bytes, tail: bytes) -> bytes:
        """Answer every ``DLE EOT n`` in ``tail + data``; returns the new 2-byte tail."""
        window = tail + data
        start = 0
        while (index := window.find(b"\x10\x04", start)) >= 0:
            if index + 2 >= len(window):
                break
            n = window[index + 2]
            if index + 2 >= len(tail) and n in (1, 2, 3, 4):
                condition = self.state.condition
                if condition.answering is Answering.NORMAL:
                    self._send(bytes((condition.status_byte(n),)))
                elif condition.answering is Answering.GARBLED:
                    self._send(b"\xff")
            start = index + 1
        return window[-2:]

    def _host_honours_handshake(self) -> bool:
        """True when the driver's port has XON/XOFF (and we send it) or RTS/CTS enabled."""
        if self._termios_fd is None:
            return False
        try:
            iflag, _, cflag = termios.tcgetattr(self._termios_fd)[:3]
        except termios.error:
            return False
        return bool((self.xonxoff and iflag & termios.IXON) or cflag & termios.CRTSCTS)

    def _wire_loop(self) -> None:
        chunk = max(16, self.baudrate // 10 // 100)  # ~10 ms of wire time per read
        next_free = time.monotonic()
        tail = b""
        while self._running:
            with self._cv:
                while self._holding and self._running:
                    self._cv.wait(timeout=0.1)
            try:
                data = self.link.read(chunk, timeout=0.1)
            except LinkClosedError:
                if not self._running:
                    return
                time.sleep(0.05)  # unplugged: wait for a replug
                continue
            if not data:
                continue
            now = time.monotonic()
            next_free = max(next_free, now) + wire_time(len(data), self.baudrate)
            delay = next_free - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # the last byte has not crossed the wire yet
            self.received_bytes += len(data)
            tail = self._answer_realtime(data, tail)
            self._receive(data)

    def _receive(self, data: bytes) -> None:
        with self._cv:
            room = self.buffer_size - len(self._buffer)
            if len(data) > room:
                self.overflow_bytes += len(data) - room
                self._overflow_in_job = True
                log.debug("receive buffer overflow: %d bytes lost", len(data) - room)
                data = data[: max(room, 0)]
            self._buffer += data
            # leave room for what is already in flight when the handshake goes up
            high = self.buffer_size - max(64, self.buffer_size // 4)
            if len(self._buffer) >= high and not self._holding:
                if self.xonxoff and not self._xoff_sent:
                    self._xoff_sent = True
                    self.xoff_count += 1
                    self._send(XOFF)
                self._holding = self._host_honours_handshake()
            self._cv.notify_all()

    # -- mechanism ---------------------------------------------------------------------------
    def _take(self) -> bytes:
        """Wait for bytes the mechanism may print now (respecting print_rate and condition)."""
        tick = 0.01
        with self._cv:
            while self._running and not (self._buffer and self.state.condition.can_print):
                self._cv.wait(timeout=0.1)
            if not self._running:
                return b""
            limit = len(self._buffer)
            if self.print_rate is not None:
                limit = max(1, int(self.print_rate * tick))
            data = bytes(self._buffer[:limit])
            del self._buffer[:limit]
            self._busy = True
            if len(self._buffer) <= self.buffer_size // 4:
                if self._xoff_sent:
                    self._xoff_sent = False
                    self._send(XON)
                if self._holding:
                    self._holding = False
                    self._cv.notify_all()
        if self.print_rate is not None:
            time.sleep(len(data) / self.print_rate)
        return data

    def _mechanism_loop(self) -> None:
        decoder = EscPosDecoder(self.profile)
        raw = bytearray()
        raw_start = 0
        items: list[PrintedItem] = []
        cuts_seen = 0
        while self._running:
            data = self._take()
            if not data:
                continue
            raw += data
            try:
                decoded = decoder.feed(data)
            except Exception:  # never let one bad job kill the emulated printer
                log.exception("decoder failed; dropping the current job")
                decoder, raw, items = EscPosDecoder(self.profile), bytearray(), []
                raw_start, cuts_seen = 0, 0
                continue
            for item in decoded:
                items.append(item)
                self._use_paper(item)
                if isinstance(item, PrintedCut):
                    end = decoder.cut_ends[cuts_seen]
                    cuts_seen += 1
                    job = self._job_bytes(raw[: end - raw_start], raw_start, decoder)
                    del raw[: end - raw_start]
                    raw_start = end
                    self._saver.submit(job, items, self._overflow_in_job)
                    items = []
                    self._overflow_in_job = False
            with self._cv:
                self._busy = False
                self._cv.notify_all()

    @staticmethod
    def _job_bytes(raw: bytearray, start: int, decoder: EscPosDecoder) -> bytes:
        """The receipt's bytes without the status requests that were interleaved with it."""
        end = start + len(raw)
        spans = decoder.realtime_spans
        keep: list[bytes] = []
        cursor = start
        while spans and spans[0][0] < end:
            span_start, span_end = spans.pop(0)
            keep.append(bytes(raw[cursor - start : span_start - start]))
            cursor = span_end
        keep.append(bytes(raw[cursor - start :]))
        return b"".join(keep)

    def _use_paper(self, item: PrintedItem) -> None:
        if self.paper_lines is None:
            return
        self.paper_lines -= _lines_used(item)
        if self.paper_lines <= 0:
            self.state.update(paper=Paper.OUT)
        elif self.paper_lines <= self.near_end_lines and self.state.condition.paper is Paper.OK:
            self.state.update(paper=Paper.NEAR_END)
