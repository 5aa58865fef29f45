"""Draw printed items as a PNG the way a thermal printer would (Pillow, no Qt).

The grid is the printer's: Font A columns of ``dots_per_column`` dots, 24-dot glyph rows
plus line spacing, ASCII one column, hanzi two. Used for previews on screen, the admin
"last receipts" view and the emulator's saved receipts. Barcodes are drawn as a bar
pattern derived from the data with the HRI text below (a preview, not a scannable code).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from printer import text as ptext
from printer.document import Align
from printer.fonts import find_cjk_font
from printer.layout import (
    PrintedBarcode,
    PrintedCut,
    PrintedFeed,
    PrintedImage,
    PrintedItem,
    PrintedLine,
    PrintedQr,
)
from printer.profiles import PrinterProfile

GLYPH = 24  # Font A glyph height in dots
LINE = 30  # default line spacing (ESC 2) in dots
MARGIN = 8


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont:
    face = find_cjk_font()
    return ImageFont.truetype(str(face.path), size=size, index=face.index)


def _x_for(align: Align, width: int, paper: int) -> int:
    if align is Align.CENTER:
        return max(0, (paper - width) // 2)
    if align is Align.RIGHT:
        return max(0, paper - width)
    return 0


@lru_cache(maxsize=8192)
def _glyph(ch: str, width: int, bold: bool) -> Image.Image:
    """One character cell drawn once; lines are pasted together from these.

    A glyph wider than its cell (``M``, ``W``, ``@`` of the 22 px face in a 12-dot Font A
    column) is drawn whole and narrowed into the cell, as the printer's own 12x24 font is:
    drawn centred in the cell, its sides were cut off and ``M`` read as ``V``
    (KIOSK-DEMO-01 came out as KIOSK-DEVO-01).
    """
    font = _font(GLYPH - 2)
    stroke = 1 if bold else 0
    room = max(1, width - 2)  # a dot of white on each side, as between printed characters
    natural = int(font.getlength(ch) + 0.999) + 2 * stroke
    canvas = max(width, natural)
    image = Image.new("L", (canvas, LINE), 255)
    ImageDraw.Draw(image).text(
        (canvas / 2, GLYPH / 2 + 2), ch, fill=0, font=font, anchor="mm", stroke_width=stroke
    )
    if natural <= room:
        return image if canvas == width else image.crop((0, 0, width, LINE))
    box = _ink_box(image)
    glyph = image.crop((box[0], 0, box[2], LINE)).resize((room, LINE), Image.Resampling.LANCZOS)
    cell = Image.new("L", (width, LINE), 255)
    cell.paste(glyph, ((width - room) // 2, 0))
    return cell


def _ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The box around the dark pixels (Pillow's getbbox finds non-zero, i.e. white, ones)."""
    inverted = image.point(lambda v: 255 - v)
    box = inverted.getbbox()
    return box if box is not None else (0, 0, image.width, image.height)


def _line_image(item: PrintedLine, col: int) -> Image.Image:
    cols = ptext.width(item.text)
    image = Image.new("L", (max(1, cols * col), LINE), 255)
    x = 0
    for ch in item.text:
        w = ptext.char_width(ch) * col
        if ch != " ":
            image.paste(_glyph(ch, w, item.bold), (x, 0))
        x += w
    if item.size.width != 1 or item.size.height != 1:
        image = image.resize((image.width * item.size.width, LINE * item.size.height))
    return image


def _qr_image(item: PrintedQr) -> Image.Image:
    import segno

    qr = segno.make(item.data, error=item.level.name.lower(), micro=False)
    rows = [
        bytes(0 if bit else 255 for bit in row)
        for row in qr.matrix_iter(scale=item.module_size, border=2)
    ]
    return Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows))


def _barcode_image(item: PrintedBarcode, col: int) -> Image.Image:
    bars = (len(item.data) * 11 + 35) * item.module_width
    height = item.height + LINE
    image = Image.new("L", (bars, height), 255)
    draw = ImageDraw.Draw(image)
    seed = zlib.crc32(item.data.encode("ascii", "replace"))
    x = 0
    while x < bars:
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        w = (1 + seed % 3) * item.module_width
        if (seed >> 8) & 1:
            draw.rectangle((x, 0, x + w - 1, item.height - 1), fill=0)
        x += w
    draw.text(
        (bars / 2, item.height + LINE / 2), item.data, fill=0, font=_font(GLYPH - 4), anchor="mm"
    )
    return image


def _raster_image(item: PrintedImage) -> Image.Image:
    mono = Image.frombytes("1", (item.width_bytes * 8, item.height), item.bits)
    return mono.point(lambda v: 0 if v else 255, mode="L")


def render_png(items: Sequence[PrintedItem], profile: PrinterProfile) -> bytes:
    """PNG bytes of ``items`` on a strip of paper ``profile.dots_per_line`` wide."""
    paper = profile.dots_per_line
    col = profile.dots_per_column
    pieces: list[tuple[Image.Image | None, Align, int]] = []  # image, align, height
    for item in items:
        if isinstance(item, PrintedLine):
            pieces.append(
                (_line_image(item, col) if item.text else None, item.align, LINE * item.size.height)
            )
        elif isinstance(item, PrintedFeed):
            pieces.append((None, Align.LEFT, LINE * item.lines))
        elif isinstance(item, PrintedQr):
            image = _qr_image(item)
            pieces.append((image, item.align, image.height))
        elif isinstance(item, PrintedBarcode):
            image = _barcode_image(item, col)
            pieces.append((image, item.align, image.height))
        elif isinstance(item, PrintedImage):
            image = _raster_image(item)
            pieces.append((image, item.align, image.height))
        elif isinstance(item, PrintedCut):
            pieces.append((None, Align.LEFT, -1))
    total = MARGIN * 2 + sum(max(h, 12) for _, _, h in pieces)
    page = Image.new("L", (paper + MARGIN * 2, max(total, LINE)), 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for piece, align, height in pieces:
        if height < 0:  # cut: a dashed line across the strip
            for x in range(0, page.width, 12):
                draw.line((x, y + 6, x + 6, y + 6), fill=128)
            y += 12
            continue
        if piece is not None:
            page.paste(
                piece.crop((0, 0, min(piece.width, paper), piece.height)),
                (MARGIN + _x_for(align, piece.width, paper), y),
            )
        y += height
    buffer = io.BytesIO()
    page.convert("1").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def render_bytes(data: bytes, profile: PrinterProfile) -> tuple[str, bytes]:
    """Text and PNG of raw ESC/POS bytes (e.g. a saved ``.bin`` for the "last receipts" view)."""
    from printer.escpos.decoder import decode

    items = decode(data, profile)
    return render_text(items, profile), render_png(items, profile)


def render_text(items: Sequence[PrintedItem], profile: PrinterProfile) -> str:
    """A plain-text rendering (the emulator's ``.txt``): aligned lines, markers for graphics."""
    columns = profile.columns
    lines: list[str] = []
    for item in items:
        if isinstance(item, PrintedLine):
            shown = item.text
            w = ptext.width(shown) * item.size.width
            lines.append((" " * _x_for(item.align, w, columns) + shown).rstrip())
        elif isinstance(item, PrintedFeed):
            lines.extend([""] * item.lines)
        elif isinstance(item, PrintedQr):
            lines.append(f"[QR {item.data}]")
        elif isinstance(item, PrintedBarcode):
            lines.append(f"[CODE128 {item.data}]")
        elif isinstance(item, PrintedImage):
            lines.append(f"[IMAGE {item.width_bytes * 8}x{item.height}]")
        elif isinstance(item, PrintedCut):
            lines.append("[CUT]" if not item.partial else "[PARTIAL CUT]")
    return "\n".join(lines) + "\n"
