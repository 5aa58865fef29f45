"""A receipt as PDF: the third back end of the document model (beside ESC/POS and PNG).

The page is the paper's width; characters sit on the printer's column grid (ASCII one column,
hanzi two) so the PDF looks like the slip. QR codes are vector squares, barcodes real CODE128
(reportlab), logos raster images. Long slips continue on further pages.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from printer import text as ptext
from printer.document import Align, Document
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
from printer.pdf.fonttext import FastText, register_cjk_font
from printer.profiles import PrinterProfile

INCH = 72.0
MM = INCH / 25.4
MAX_PAGE_HEIGHT = 1000 * MM  # PDF viewers cope badly with very tall pages


class _Geometry:
    """Printer dots to PDF points for one profile."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.dot = INCH / profile.dpi
        self.paper = profile.paper_width_mm * MM
        self.printable = profile.dots_per_line * self.dot
        self.left = (self.paper - self.printable) / 2
        self.col = profile.dots_per_column * self.dot
        self.line = 30 * self.dot  # 24-dot glyph + default spacing
        self.font = 22 * self.dot
        self.margin = 4 * MM

    def x_for(self, align: Align, width: float) -> float:
        if align is Align.CENTER:
            return self.left + (self.printable - width) / 2
        if align is Align.RIGHT:
            return self.left + self.printable - width
        return self.left


def _height(item: PrintedItem, g: _Geometry) -> float:
    if isinstance(item, PrintedLine):
        return g.line * item.size.height
    if isinstance(item, PrintedFeed):
        return g.line * item.lines
    if isinstance(item, PrintedQr):
        return (_qr_matrix_size(item) + 4) * item.module_size * g.dot
    if isinstance(item, PrintedBarcode):
        return item.height * g.dot + g.line
    if isinstance(item, PrintedImage):
        return item.height * g.dot
    return g.line / 2  # cut mark


def _qr_matrix_size(item: PrintedQr) -> int:
    import segno

    qr = segno.make(item.data, error=item.level.name.lower(), micro=False)
    return int(qr.symbol_size(scale=1, border=0)[0])


def _draw(canvas: Any, text: FastText, item: PrintedItem, top: float, g: _Geometry) -> None:
    if isinstance(item, PrintedLine) and item.text:
        w_scale, h_scale = item.size.width, item.size.height
        advances = [ptext.char_width(ch) * g.col * w_scale for ch in item.text]
        x = g.x_for(item.align, sum(advances))
        baseline = top - g.line * h_scale + 6 * g.dot * h_scale
        text.draw_grid(
            x,
            baseline,
            item.text,
            g.font * h_scale,
            advances,
            hscale=w_scale / h_scale,
            stroke=0.3 if item.bold else 0.0,
        )
    elif isinstance(item, PrintedQr):
        import segno

        qr = segno.make(item.data, error=item.level.name.lower(), micro=False)
        module = item.module_size * g.dot
        side = float(qr.symbol_size(scale=1, border=0)[0]) * module
        x0 = g.x_for(item.align, side)
        y0 = top - 2 * module
        canvas.setFillGray(0)
        for r, row in enumerate(qr.matrix):
            for c, bit in enumerate(row):
                if bit:
                    canvas.rect(x0 + c * module, y0 - (r + 1) * module, module, module, 0, 1)
    elif isinstance(item, PrintedBarcode):
        barcode = Code128(
            item.data,
            barHeight=item.height * g.dot,
            barWidth=item.module_width * g.dot * 0.5,
            humanReadable=False,
            quiet=False,
        )
        x = g.x_for(item.align, barcode.width)
        barcode.drawOn(canvas, x, top - item.height * g.dot)
        text.draw_centred(
            x + barcode.width / 2,
            top - item.height * g.dot - g.line + 8 * g.dot,
            item.data,
            g.font * 0.9,
        )
    elif isinstance(item, PrintedImage):
        bits = Image.frombytes("1", (item.width_bytes * 8, item.height), item.bits)
        picture = bits.point(lambda v: 0 if v else 255, mode="L")
        width = picture.width * g.dot
        canvas.drawImage(
            ImageReader(picture),
            g.x_for(item.align, width),
            top - item.height * g.dot,
            width,
            item.height * g.dot,
        )
    elif isinstance(item, PrintedCut):
        canvas.setDash(3, 3)
        canvas.setStrokeGray(0.5)
        canvas.line(0, top - g.line / 4, g.paper, top - g.line / 4)
        canvas.setDash()


def render_receipt_pdf(receipt: Document | Sequence[PrintedItem], profile: PrinterProfile) -> bytes:
    """PDF bytes of a receipt document (or already laid-out items) on ``profile``'s paper."""
    items = layout(receipt, profile) if isinstance(receipt, Document) else list(receipt)
    g = _Geometry(profile)
    pages: list[list[tuple[PrintedItem, float]]] = [[]]
    used = 0.0
    for item in items:
        h = _height(item, g)
        if used + h > MAX_PAGE_HEIGHT - 2 * g.margin and pages[-1]:
            pages.append([])
            used = 0.0
        pages[-1].append((item, h))
        used += h
    font = register_cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1, initialFontName=font)
    if isinstance(receipt, Document) and receipt.title:
        canvas.setTitle(receipt.title)
    text = FastText(canvas, font)
    for page in pages:
        height = sum(h for _, h in page) + 2 * g.margin
        canvas.setPageSize((g.paper, height))
        top = height - g.margin
        for item, h in page:
            _draw(canvas, text, item, top, g)
            top -= h
        text.flush()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
