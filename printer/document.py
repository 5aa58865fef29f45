"""The receipt document model: what to print, independent of how.

A :class:`Document` is an immutable tuple of blocks. Back ends (ESC/POS bytes, a Pillow PNG
preview, a PDF) all go through :func:`printer.layout.layout`, which fits the blocks to a
profile's line width. Receipt builders in :mod:`printer.receipts` produce documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Align(Enum):
    """Horizontal alignment; values are the ``ESC a n`` argument."""

    LEFT = 0
    CENTER = 1
    RIGHT = 2


class QrErrorLevel(Enum):
    """QR error correction; values are the ``GS ( k ... 31 45 n`` argument."""

    L = 0x30
    M = 0x31
    Q = 0x32
    H = 0x33


@dataclass(frozen=True)
class Size:
    """Character magnification for ``GS ! n`` (1..8 each way)."""

    width: int = 1
    height: int = 1

    def __post_init__(self) -> None:
        if not (1 <= self.width <= 8 and 1 <= self.height <= 8):
            raise ValueError(f"size out of range: {self.width}x{self.height}")

    @property
    def gs_bang(self) -> int:
        """The ``GS !`` byte: high nibble width-1, low nibble height-1."""
        return ((self.width - 1) << 4) | (self.height - 1)


NORMAL = Size()
DOUBLE = Size(2, 2)
TALL = Size(1, 2)


@dataclass(frozen=True)
class Text:
    """A paragraph: wrapped to the line width (at its size), aligned, optionally bold."""

    text: str
    align: Align = Align.LEFT
    size: Size = NORMAL
    bold: bool = False


@dataclass(frozen=True)
class Column:
    """One column of a :class:`Columns` row: relative ``weight`` of the free width, alignment."""

    weight: int = 1
    align: Align = Align.LEFT


@dataclass(frozen=True)
class Columns:
    """A table row: cells share the line by weight, one space between cells.

    A cell that does not fit is wrapped within its column onto extra lines, so amounts and
    numbers are never silently cut off.
    """

    cells: tuple[str, ...]
    columns: tuple[Column, ...]
    bold: bool = False

    def __post_init__(self) -> None:
        if len(self.cells) != len(self.columns):
            raise ValueError("one Column spec per cell")


@dataclass(frozen=True)
class KeyValue:
    """``label ........ value``: label left, value right; the value wraps right when too long."""

    label: str
    value: str
    bold: bool = False


@dataclass(frozen=True)
class Rule:
    """A full-width line of one ASCII character."""

    char: str = "-"


@dataclass(frozen=True)
class Feed:
    """Blank lines."""

    lines: int = 1


@dataclass(frozen=True)
class QrCode:
    """A QR code printed natively by the printer (``GS ( k``)."""

    data: str
    module_size: int = 6
    level: QrErrorLevel = QrErrorLevel.M
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Barcode:
    """A CODE128 barcode (code set B, printable ASCII), HRI text below."""

    data: str
    height: int = 80
    module_width: int = 2
    align: Align = Align.CENTER

    def __post_init__(self) -> None:
        if not self.data or not all(0x20 <= ord(c) <= 0x7E for c in self.data):
            raise ValueError("CODE128-B data must be printable ASCII")


@dataclass(frozen=True)
class Logo:
    """A small monochrome raster image (PNG bytes) sent with ``GS v 0``; keep it small."""

    png: bytes
    align: Align = Align.CENTER


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter and cut (partial by default, as kiosk printers prefer)."""

    partial: bool = True


Block = Text | Columns | KeyValue | Rule | Feed | QrCode | Barcode | Logo | Cut


@dataclass(frozen=True)
class Document:
    """A receipt: an ordered tuple of blocks and a title for logs and file names."""

    blocks: tuple[Block, ...]
    title: str = ""

    def __add__(self, other: Document) -> Document:
        return Document(self.blocks + other.blocks, self.title or other.title)


@dataclass
class DocumentBuilder:
    """Mutable helper that collects blocks; :meth:`build` returns the frozen document."""

    title: str = ""
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> DocumentBuilder:
        """Append blocks; returns self for chaining."""
        self.blocks.extend(blocks)
        return self

    def text(
        self, text: str, align: Align = Align.LEFT, size: Size = NORMAL, bold: bool = False
    ) -> DocumentBuilder:
        """Append a :class:`Text` paragraph."""
        return self.add(Text(text, align, size, bold))

    def kv(self, label: str, value: str, bold: bool = False) -> DocumentBuilder:
        """Append a :class:`KeyValue` line."""
        return self.add(KeyValue(label, value, bold))

    def rule(self, char: str = "-") -> DocumentBuilder:
        """Append a :class:`Rule`."""
        return self.add(Rule(char))

    def build(self) -> Document:
        """The finished, immutable document."""
        return Document(tuple(self.blocks), self.title)
