"""Printed items -> ESC/POS bytes for a profile, emitting only the state changes needed.

Output shape: ``ESC @`` and (per profile) ``FS &`` and the profile's ``init`` bytes once, then
per line only the alignment, size and emphasis commands that differ from the current state,
the GB18030 text and ``LF``.
"""

from __future__ import annotations

from collections.abc import Sequence

from printer import text as ptext
from printer.document import NORMAL, Align, Document, Size
from printer.escpos import commands as cmd
from printer.layout import (
    PrintedBarcode,
    PrintedCut,
    PrintedFeed,
    PrintedImage,
    PrintedItem,
    PrintedLine,
    PrintedQr,
    layout,
)
from printer.profiles import PrinterProfile

_LF = b"\n"


class _State:
    """Printer modes as the encoder last set them."""

    __slots__ = ("align", "bold", "size")

    def __init__(self) -> None:
        self.align = Align.LEFT
        self.size: Size = NORMAL
        self.bold = False


def _set_align(state: _State, out: list[bytes], align: Align) -> None:
    if state.align is not align:
        out.append(cmd.align(align.value))
        state.align = align


def encode_items(items: Sequence[PrintedItem], profile: PrinterProfile) -> bytes:
    """ESC/POS bytes of ``items``, starting with an initialise (and Chinese mode on)."""
    out: list[bytes] = [cmd.INIT]
    if profile.chinese_mode:
        out.append(cmd.CHINESE_ON)
    if profile.init:
        out.append(profile.init)  # model-specific set-up (character set, code page ...)
    state = _State()
    append = out.append
    encoding = profile.encoding
    for item in items:
        if isinstance(item, PrintedLine):
            if item.text:
                # alignment, size and emphasis only matter for lines that carry text
                if state.align is not item.align:
                    _set_align(state, out, item.align)
                if state.size != item.size:
                    append(cmd.size(item.size.gs_bang))
                    state.size = item.size
                if state.bold is not item.bold:
                    append(cmd.bold(item.bold))
                    state.bold = item.bold
                append(item.text.encode(encoding))
            append(_LF)
        elif isinstance(item, PrintedFeed):
            append(cmd.feed(item.lines))
        elif isinstance(item, PrintedQr):
            _set_align(state, out, item.align)
            append(cmd.qr(item.data.encode("utf-8"), item.module_size, item.level.value))
        elif isinstance(item, PrintedBarcode):
            _set_align(state, out, item.align)
            append(cmd.code128(item.data.encode("ascii"), item.height, item.module_width))
        elif isinstance(item, PrintedImage):
            _set_align(state, out, item.align)
            append(cmd.raster(item.width_bytes, item.height, item.bits))
        elif isinstance(item, PrintedCut):
            append(profile.cut_partial if item.partial else profile.cut_full)
        else:
            raise TypeError(f"unknown printed item {item!r}")
    return b"".join(out)


def encode_document(document: Document, profile: PrinterProfile) -> bytes:
    """Lay ``document`` out on ``profile`` and encode it."""
    return encode_items(layout(document, profile), profile)


def minimal_text_size(items: Sequence[PrintedItem], profile: PrinterProfile) -> int:
    """Bytes of the items' text alone (GB18030 + LF per line): the floor any encoder pays."""
    return sum(len(ptext.encode(i.text)) + 1 if isinstance(i, PrintedLine) else 0 for i in items)
