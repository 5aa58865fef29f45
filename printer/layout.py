"""Fit a :class:`~printer.document.Document` to a profile's line: the printed-item model.

:func:`layout` turns blocks into :data:`PrintedItem` values: lines already wrapped and padded
in display columns, plus QR codes, barcodes, images, feeds and cuts. The ESC/POS encoder
serialises these items, the decoder parses bytes back into the very same items, and the PNG
painter draws them, so screen previews show exactly what the printer prints.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image

from printer import text as ptext
from printer.document import (
    NORMAL,
    Align,
    Barcode,
    Block,
    Column,
    Columns,
    Cut,
    Document,
    Feed,
    KeyValue,
    Logo,
    QrCode,
    QrErrorLevel,
    Rule,
    Size,
    Text,
)
from printer.profiles import PrinterProfile

_ALIGN_NAMES = {Align.LEFT: "left", Align.CENTER: "center", Align.RIGHT: "right"}


@dataclass(frozen=True)
class PrintedLine:
    """One printed line of normalised text (fits ``columns // size.width``)."""

    text: str
    align: Align = Align.LEFT
    size: Size = NORMAL
    bold: bool = False


# An empty line has no visible attributes: layout and decoder both use this one form.
EMPTY_LINE = PrintedLine("")


@dataclass(frozen=True)
class PrintedQr:
    """A native QR code."""

    data: str
    module_size: int
    level: QrErrorLevel
    align: Align


@dataclass(frozen=True)
class PrintedBarcode:
    """A native CODE128 barcode with HRI text below."""

    data: str
    height: int
    module_width: int
    align: Align


@dataclass(frozen=True)
class PrintedImage:
    """A 1-bit raster image: rows of ``width_bytes`` bytes, MSB first, 1 = black dot."""

    width_bytes: int
    height: int
    bits: bytes
    align: Align


@dataclass(frozen=True)
class PrintedFeed:
    """Blank lines fed without text (``ESC d n``)."""

    lines: int


@dataclass(frozen=True)
class PrintedCut:
    """A cut (the end of one receipt)."""

    partial: bool


PrintedItem = PrintedLine | PrintedQr | PrintedBarcode | PrintedImage | PrintedFeed | PrintedCut


def image_to_raster(image: Image.Image, max_width: int, align: Align) -> PrintedImage:
    """Convert any Pillow image to a 1-bit raster no wider than ``max_width`` dots."""
    gray = image.convert("L")
    if gray.width > max_width:
        height = max(1, round(gray.height * max_width / gray.width))
        gray = gray.resize((max_width, height))
    mono = gray.point(lambda v: 255 if v < 128 else 0, mode="1")  # 1 = black on paper
    width_bytes = (mono.width + 7) // 8
    padded = Image.new("1", (width_bytes * 8, mono.height), 0)
    padded.paste(mono, (0, 0))
    return PrintedImage(width_bytes, mono.height, padded.tobytes(), align)


def _qr_raster(block: QrCode, profile: PrinterProfile) -> PrintedImage:
    import segno  # only needed for printers without native QR

    qr = segno.make(block.data, error=block.level.name.lower(), micro=False)
    rows = [
        bytes(0 if bit else 255 for bit in row)
        for row in qr.matrix_iter(scale=block.module_size, border=2)
    ]
    image = Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows))
    return image_to_raster(image, profile.dots_per_line, block.align)


def _key_value(block: KeyValue, columns: int) -> list[PrintedLine]:
    label = ptext.normalise(block.label)
    value = ptext.normalise(block.value)
    lw, vw = ptext.width(label), ptext.width(value)
    if lw + 1 + vw <= columns:
        line = label + " " * (columns - lw - vw) + value
        return [PrintedLine(line, bold=block.bold)]
    lines = [
        PrintedLine(part, bold=block.bold) if part else EMPTY_LINE
        for part in ptext.wrap(label, columns)
    ]
    for part in ptext.wrap(value, columns):
        padded = ptext.pad(part, columns, "right").rstrip()
        lines.append(PrintedLine(padded, bold=block.bold) if padded else EMPTY_LINE)
    return lines


def column_widths(weights: Iterable[int], columns: int) -> list[int]:
    """Split ``columns`` (minus one space between cells) by weight; the last takes the rest."""
    weights = list(weights)
    free = columns - (len(weights) - 1)
    total = sum(weights)
    widths = [max(1, free * w // total) for w in weights[:-1]]
    widths.append(max(1, free - sum(widths)))
    return widths


@lru_cache(maxsize=256)
def _plan_by_value(specs: tuple[Column, ...], columns: int) -> tuple[tuple[int, Align], ...]:
    widths = column_widths((c.weight for c in specs), columns)
    return tuple(zip(widths, (c.align for c in specs), strict=True))


_plans_by_identity: dict[tuple[int, int], tuple[object, tuple[tuple[int, Align], ...]]] = {}


def _column_plan(specs: tuple[Column, ...], columns: int) -> tuple[tuple[int, Align], ...]:
    """Widths and alignments of a column spec on a line.

    Builders reuse one spec tuple for thousands of rows; looking it up by identity avoids
    hashing the dataclasses on every row (the entry keeps ``specs`` alive, so ids stay valid).
    """
    key = (id(specs), columns)
    hit = _plans_by_identity.get(key)
    if hit is not None and hit[0] is specs:
        return hit[1]
    plan = _plan_by_value(specs, columns)
    if len(_plans_by_identity) > 1024:
        _plans_by_identity.clear()
    _plans_by_identity[key] = (specs, plan)
    return plan


def _columns(block: Columns, columns: int) -> list[PrintedItem]:
    plan = _column_plan(block.columns, columns)
    normalise, width = ptext.normalise, ptext.width
    parts: list[str] = []
    fits = True
    # fast path (nearly every row of a detail slip): each cell fits its column
    for raw, (limit, align) in zip(block.cells, plan, strict=True):
        cell = normalise(raw)
        gap = limit - (len(cell) if cell.isascii() else width(cell))
        if gap < 0:
            fits = False
            break
        if align is Align.LEFT:
            parts.append(cell + " " * gap)
        elif align is Align.RIGHT:
            parts.append(" " * gap + cell)
        else:
            parts.append(" " * (gap // 2) + cell + " " * (gap - gap // 2))
    if fits:
        line = " ".join(parts).rstrip()
        return [PrintedLine(line, Align.LEFT, NORMAL, block.bold) if line else EMPTY_LINE]
    cells = [normalise(raw) for raw in block.cells]
    wrapped = [ptext.wrap(cell, limit) for cell, (limit, _) in zip(cells, plan, strict=True)]
    height = max(len(lines) for lines in wrapped)
    out: list[PrintedItem] = []
    for row in range(height):
        row_cells = [
            ptext.pad(lines[row] if row < len(lines) else "", limit, _ALIGN_NAMES[align])
            for lines, (limit, align) in zip(wrapped, plan, strict=True)
        ]
        line = " ".join(row_cells).rstrip()
        out.append(PrintedLine(line, Align.LEFT, NORMAL, block.bold) if line else EMPTY_LINE)
    return out


def layout_block(block: Block, profile: PrinterProfile) -> list[PrintedItem]:
    """The printed items of one block on ``profile``."""
    columns = profile.columns
    if isinstance(block, Columns):  # first: detail slips are thousands of these
        return _columns(block, columns)
    if isinstance(block, Text):
        room = max(1, columns // block.size.width)
        return [
            PrintedLine(part, block.align, block.size, block.bold) if part else EMPTY_LINE
            for part in (p.rstrip() for p in ptext.wrap(ptext.normalise(block.text), room))
        ]
    if isinstance(block, KeyValue):
        return list(_key_value(block, columns))
    if isinstance(block, Rule):
        char = ptext.normalise(block.char)[:1] or "-"
        return [PrintedLine(char * (columns // ptext.char_width(char)))]
    if isinstance(block, Feed):
        return [PrintedFeed(block.lines)] if block.lines > 0 else []
    if isinstance(block, QrCode):
        if profile.native_qr:
            return [PrintedQr(block.data, block.module_size, block.level, block.align)]
        return [_qr_raster(block, profile)]
    if isinstance(block, Barcode):
        if profile.native_barcode:
            return [PrintedBarcode(block.data, block.height, block.module_width, block.align)]
        return [PrintedLine(ptext.truncate(block.data, columns), block.align)]
    if isinstance(block, Logo):
        with Image.open(io.BytesIO(block.png)) as image:
            return [image_to_raster(image, profile.dots_per_line, block.align)]
    if isinstance(block, Cut):
        feed: list[PrintedItem] = (
            [PrintedFeed(profile.feed_before_cut)] if profile.feed_before_cut else []
        )
        return [*feed, PrintedCut(block.partial)]
    raise TypeError(f"unknown block {block!r}")


def layout(document: Document, profile: PrinterProfile) -> list[PrintedItem]:
    """All printed items of ``document`` on ``profile``."""
    items: list[PrintedItem] = []
    extend = items.extend
    columns = profile.columns
    for block in document.blocks:
        if type(block) is Columns:  # the bulk of detail slips: skip the dispatch
            extend(_columns(block, columns))
        else:
            extend(layout_block(block, profile))
    return items
