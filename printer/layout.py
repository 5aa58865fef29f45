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

from PIL import Image

from printer import text as ptext
from printer.document import (
    NORMAL,
    Align,
    Barcode,
    Block,
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

    def __post_init__(self) -> None:
        if not self.text:  # an empty line has no visible attributes: one canonical form
            object.__setattr__(self, "align", Align.LEFT)
            object.__setattr__(self, "size", NORMAL)
            object.__setattr__(self, "bold", False)


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
    lines = [PrintedLine(part, bold=block.bold) for part in ptext.wrap(label, columns)]
    for part in ptext.wrap(value, columns):
        lines.append(PrintedLine(ptext.pad(part, columns, "right"), bold=block.bold))
    return lines


def column_widths(weights: Iterable[int], columns: int) -> list[int]:
    """Split ``columns`` (minus one space between cells) by weight; the last takes the rest."""
    weights = list(weights)
    free = columns - (len(weights) - 1)
    total = sum(weights)
    widths = [max(1, free * w // total) for w in weights[:-1]]
    widths.append(max(1, free - sum(widths)))
    return widths


def _columns(block: Columns, columns: int) -> list[PrintedLine]:
    widths = column_widths((c.weight for c in block.columns), columns)
    wrapped = [
        ptext.wrap(ptext.normalise(cell), w) for cell, w in zip(block.cells, widths, strict=True)
    ]
    height = max(len(parts) for parts in wrapped)
    lines: list[PrintedLine] = []
    for row in range(height):
        cells = [
            ptext.pad(parts[row] if row < len(parts) else "", w, _ALIGN_NAMES[spec.align])
            for parts, w, spec in zip(wrapped, widths, block.columns, strict=True)
        ]
        lines.append(PrintedLine(" ".join(cells).rstrip(), bold=block.bold))
    return lines


def layout_block(block: Block, profile: PrinterProfile) -> list[PrintedItem]:
    """The printed items of one block on ``profile``."""
    columns = profile.columns
    if isinstance(block, Text):
        room = max(1, columns // block.size.width)
        return [
            PrintedLine(part.rstrip(), block.align, block.size, block.bold)
            for part in ptext.wrap(ptext.normalise(block.text), room)
        ]
    if isinstance(block, KeyValue):
        return list(_key_value(block, columns))
    if isinstance(block, Columns):
        return list(_columns(block, columns))
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
    for block in document.blocks:
        items.extend(layout_block(block, profile))
    return items
