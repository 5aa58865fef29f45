"""ESC/POS bytes -> printed items (the same model the encoder writes), incrementally.

Used for screen previews, the admin "last receipts" view, the emulator and tests. The
decoder behaves like a printer: it tracks alignment, size, emphasis and Chinese mode,
wraps text that overflows the line, and skips commands it does not draw (recorded in
:attr:`EscPosDecoder.unknown`). Real-time status requests (``DLE EOT n``) are skipped: the
emulator answers them as they arrive on the wire, as a printer does.
"""

from __future__ import annotations

from collections.abc import Iterable

from printer.document import NORMAL, Align, QrErrorLevel, Size
from printer.escpos.commands import CR, DLE, ESC, FS, GS, LF
from printer.layout import (
    EMPTY_LINE,
    PrintedBarcode,
    PrintedCut,
    PrintedFeed,
    PrintedImage,
    PrintedItem,
    PrintedLine,
    PrintedQr,
)
from printer.profiles import PrinterProfile

# Commands with a fixed number of argument bytes that the decoder accepts and ignores.
_ESC_IGNORED_ARGS = {
    0x20: 1,  # ESC SP n  right-side character spacing
    0x2D: 1,  # ESC - n   underline
    0x32: 0,  # ESC 2     default line spacing
    0x33: 1,  # ESC 3 n   line spacing
    0x4D: 1,  # ESC M n   font
    0x52: 1,  # ESC R n   international set
    0x74: 1,  # ESC t n   code page
    0x7B: 1,  # ESC { n   upside down
    0x4A: 1,  # ESC J n   feed dots
    0x63: 2,  # ESC c 5 n panel buttons (ESC c 5 n)
    0x70: 3,  # ESC p m t1 t2 drawer pulse
}
_GS_IGNORED_ARGS = {0x42: 1, 0x61: 1, 0x66: 1, 0x4C: 2, 0x57: 2, 0x65: 1}
_FS_IGNORED_ARGS = {0x21: 1, 0x2D: 1, 0x43: 1, 0x53: 2, 0x57: 1}


class _IncompleteError(Exception):
    """The buffer ends inside a command: wait for more bytes."""


class EscPosDecoder:
    """Feed bytes in any chunking; :meth:`feed` returns the items completed so far."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.unknown: list[str] = []
        # absolute stream offsets just past each cut command (the emulator splits raw bytes)
        self.cut_ends: list[int] = []
        # absolute [start, end) of real-time requests in the stream (not part of any receipt)
        self.realtime_spans: list[tuple[int, int]] = []
        self._base = 0
        self._buf = bytearray()
        self._reset()
        self._line: list[str] = []
        self._line_width = 0
        self._qr_data = b""
        self._qr_size = 3
        self._qr_level = QrErrorLevel.L
        self._bc_height = 162
        self._bc_width = 3

    def _reset(self) -> None:
        self.align = Align.LEFT
        self.size: Size = NORMAL
        self.bold = False
        self.chinese = self.profile.chinese_mode

    # -- text -------------------------------------------------------------------------------
    def _capacity(self) -> int:
        return max(1, self.profile.columns // self.size.width)

    def _add_char(self, ch: str, width: int, out: list[PrintedItem]) -> None:
        if self._line_width + width > self._capacity():
            self._flush_line(out)  # the printer wraps an overfull line by itself
        self._line.append(ch)
        self._line_width += width

    def _flush_line(self, out: list[PrintedItem]) -> None:
        text = "".join(self._line)
        out.append(PrintedLine(text, self.align, self.size, self.bold) if text else EMPTY_LINE)
        self._line = []
        self._line_width = 0

    def _pending_text(self, out: list[PrintedItem]) -> None:
        if self._line:
            self._flush_line(out)

    # -- parsing ----------------------------------------------------------------------------
    def feed(self, data: bytes) -> list[PrintedItem]:
        """Consume ``data``; return the items it completed (a trailing partial command waits)."""
        self._buf += data
        out: list[PrintedItem] = []
        pos = 0
        buf = self._buf
        n = len(buf)
        while pos < n:
            try:
                pos = self._step(buf, pos, out)
            except _IncompleteError:
                break
        del self._buf[:pos]
        self._base += pos
        return out

    def finish(self) -> list[PrintedItem]:
        """Flush text not yet ended by LF (the job ended without one)."""
        out: list[PrintedItem] = []
        if self._buf:
            self.unknown.append(f"truncated command {bytes(self._buf[:8]).hex(' ')}")
            self._buf.clear()
        self._pending_text(out)
        return out

    @staticmethod
    def _need(buf: bytearray, end: int) -> None:
        if end > len(buf):
            raise _IncompleteError

    def _step(self, buf: bytearray, pos: int, out: list[PrintedItem]) -> int:
        b = buf[pos]
        if b >= 0x20 and b != 0x7F:
            if b < 0x80:
                self._add_char(chr(b), 1, out)
                return pos + 1
            if self.chinese and b >= 0x81:
                self._need(buf, pos + 2)
                try:
                    ch = bytes(buf[pos : pos + 2]).decode("gb18030")
                except UnicodeDecodeError:
                    ch = "?"
                self._add_char(ch if len(ch) == 1 else "?", 2, out)
                return pos + 2
            self._add_char("?", 1, out)
            return pos + 1
        if b == LF:
            self._flush_line(out)
            return pos + 1
        if b == CR:
            return pos + 1
        if b == ESC:
            return self._esc(buf, pos, out)
        if b == GS:
            return self._gs(buf, pos, out)
        if b == FS:
            return self._fs(buf, pos)
        if b == DLE:
            self._need(buf, pos + 3)
            if buf[pos + 1] == 0x04:
                self.realtime_spans.append((self._base + pos, self._base + pos + 3))
                return pos + 3  # real-time status request, answered on arrival
            if buf[pos + 1] == 0x14:
                return pos + 5
            self.unknown.append(f"DLE {buf[pos + 1]:02x}")
            return pos + 2
        self.unknown.append(f"control {b:02x}")
        return pos + 1

    def _esc(self, buf: bytearray, pos: int, out: list[PrintedItem]) -> int:
        self._need(buf, pos + 2)
        c = buf[pos + 1]
        if c == 0x40:  # ESC @
            self._pending_text(out)
            self._reset()
            return pos + 2
        self._need(buf, pos + 3)
        arg = buf[pos + 2]
        if c == 0x61:  # ESC a n (ASCII '0'..'2' accepted too)
            self.align = Align(arg & 0x03 if arg < 3 or 0x30 <= arg <= 0x32 else 0)
            return pos + 3
        if c == 0x45:  # ESC E n
            self.bold = bool(arg & 1)
            return pos + 3
        if c == 0x21:  # ESC ! n: single-byte sizes; approximated for the whole line
            self.size = Size(2 if arg & 0x20 else 1, 2 if arg & 0x10 else 1)
            self.bold = bool(arg & 0x08)
            return pos + 3
        if c == 0x64:  # ESC d n
            self._pending_text(out)
            if arg:
                out.append(PrintedFeed(arg))
            return pos + 3
        if c in _ESC_IGNORED_ARGS:
            count = _ESC_IGNORED_ARGS[c]
            self._need(buf, pos + 2 + count)
            return pos + 2 + count
        self.unknown.append(f"ESC {c:02x}")
        return pos + 2

    def _gs(self, buf: bytearray, pos: int, out: list[PrintedItem]) -> int:
        self._need(buf, pos + 3)
        c, arg = buf[pos + 1], buf[pos + 2]
        if c == 0x21:  # GS ! n
            # bits 4-6 width, 0-2 height (x1..x8); printers ignore bits 3 and 7
            self.size = Size(((arg >> 4) & 0x07) + 1, (arg & 0x07) + 1)
            return pos + 3
        if c == 0x56:  # GS V m [n]
            end = pos + 4 if arg in (65, 66) else pos + 3
            self._need(buf, end)
            self._pending_text(out)
            out.append(PrintedCut(partial=arg in (1, 49, 66)))
            self.cut_ends.append(self._base + end)
            return end
        if c == 0x68:
            self._bc_height = arg
            return pos + 3
        if c == 0x77:
            self._bc_width = arg
            return pos + 3
        if c == 0x48:
            return pos + 3
        if c == 0x6B:
            return self._barcode(buf, pos, out)
        if c == 0x28 and arg == 0x6B:
            return self._qr(buf, pos, out)
        if c == 0x76 and arg == 0x30:
            self._need(buf, pos + 8)
            width_bytes = buf[pos + 4] | (buf[pos + 5] << 8)
            height = buf[pos + 6] | (buf[pos + 7] << 8)
            end = pos + 8 + width_bytes * height
            self._need(buf, end)
            self._pending_text(out)
            bits = bytes(buf[pos + 8 : end])
            out.append(PrintedImage(width_bytes, height, bits, self.align))
            return end
        if c in _GS_IGNORED_ARGS:
            count = _GS_IGNORED_ARGS[c]
            self._need(buf, pos + 2 + count)
            return pos + 2 + count
        self.unknown.append(f"GS {c:02x}")
        return pos + 2

    def _barcode(self, buf: bytearray, pos: int, out: list[PrintedItem]) -> int:
        self._need(buf, pos + 4)
        kind, length = buf[pos + 2], buf[pos + 3]
        if kind < 65:  # function A: NUL-terminated
            end = buf.find(0, pos + 3)
            if end < 0:
                raise _IncompleteError
            data = bytes(buf[pos + 3 : end])
            nxt = end + 1
        else:
            nxt = pos + 4 + length
            self._need(buf, nxt)
            data = bytes(buf[pos + 4 : nxt])
        if kind == 73 and data[:1] == b"{":
            data = data[2:]
        self._pending_text(out)
        text = data.decode("ascii", errors="replace")
        out.append(PrintedBarcode(text, self._bc_height, self._bc_width, self.align))
        return nxt

    def _qr(self, buf: bytearray, pos: int, out: list[PrintedItem]) -> int:
        self._need(buf, pos + 7)
        length = buf[pos + 3] | (buf[pos + 4] << 8)
        end = pos + 5 + length
        self._need(buf, end)
        cn, fn = buf[pos + 5], buf[pos + 6]
        params = bytes(buf[pos + 7 : end])
        if cn == 0x31 and fn == 0x43 and params:
            self._qr_size = params[0]
        elif cn == 0x31 and fn == 0x45 and params:
            level = params[0]
            self._qr_level = QrErrorLevel(level) if 0x30 <= level <= 0x33 else QrErrorLevel.L
        elif cn == 0x31 and fn == 0x50:
            self._qr_data = params[1:]
        elif cn == 0x31 and fn == 0x51:
            self._pending_text(out)
            data = self._qr_data.decode("utf-8", errors="replace")
            out.append(PrintedQr(data, self._qr_size, self._qr_level, self.align))
        return end

    def _fs(self, buf: bytearray, pos: int) -> int:
        self._need(buf, pos + 2)
        c = buf[pos + 1]
        if c == 0x26:
            self.chinese = True
            return pos + 2
        if c == 0x2E:
            self.chinese = False
            return pos + 2
        if c in _FS_IGNORED_ARGS:
            count = _FS_IGNORED_ARGS[c]
            self._need(buf, pos + 2 + count)
            return pos + 2 + count
        self.unknown.append(f"FS {c:02x}")
        return pos + 2


def decode(data: bytes, profile: PrinterProfile) -> list[PrintedItem]:
    """Decode a whole job at once."""
    decoder = EscPosDecoder(profile)
    return decoder.feed(data) + decoder.finish()


def split_receipts(items: Iterable[PrintedItem]) -> list[list[PrintedItem]]:
    """Group items into receipts, each ending at (and including) a cut."""
    receipts: list[list[PrintedItem]] = [[]]
    for item in items:
        receipts[-1].append(item)
        if isinstance(item, PrintedCut):
            receipts.append([])
    return [r for r in receipts if r]
