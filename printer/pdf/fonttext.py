"""Fast CJK text on a reportlab canvas: cached glyph encodings written as raw PDF operators.

``canvas.drawString`` re-encodes every string into TrueType subsets and re-measures it; a
10,000-row statement has ~80,000 cells, most of them repeated ("主叫", "本地", plan names).
:class:`FastText` caches each distinct string's subset pieces and width once per document
and writes one ``BT ... ET`` block per page with ``canvas.addLiteral``. The font is still a
reportlab ``TTFont``, so it is embedded as subsets with a ToUnicode map (text extraction works).
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from printer.fonts import find_cjk_font

FONT_NAME = "KioskCJK"


@lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Register the CJK TrueType font with reportlab once; returns its name.

    TTC collections need ``subfontIndex``; raises FontNotFoundError when no font exists.
    """
    face = find_cjk_font()
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(face.path), subfontIndex=face.index))
    return FONT_NAME


def _num(value: float) -> str:
    return f"{value:.2f}"


def _escape_ascii(text: str) -> str:
    """PDF string escaping for printable ASCII (only backslash and parentheses matter)."""
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def cell_column(
    room: float, right_edge: float, right: bool, left: float
) -> tuple[float, float, bool, str, str]:
    """A pre-measured column for :meth:`FastText.row`."""
    return (room, right_edge, right, f"{left:.2f} 0 Td ", f" {-left:.2f} 0 Td")


class FastText:
    """Collects text for one document; :meth:`flush` writes the current page's text."""

    def __init__(self, canvas: Any, font_name: str) -> None:
        self._canvas = canvas
        self._font = pdfmetrics.getFont(font_name)
        # the document object keeps the subset assignments; reportlab exposes no accessor
        self._doc = canvas._doc
        self._pieces: dict[str, list[tuple[int, str]]] = {}
        self._widths: dict[str, float] = {}
        self._char_widths: dict[str, float] = {}
        self._ascii_widths = {chr(c): self._font.stringWidth(chr(c), 1.0) for c in range(32, 127)}
        self._font_ops: dict[tuple[int, float], str] = {}
        self._row_caches: dict[tuple[int, float], tuple[object, list[dict[str, Any]]]] = {}
        self._ops: list[str] = []
        # with reportlab's asciiReadable subsets, printable ASCII is itself in subset 0:
        # such strings (times, numbers, amounts) then need no per-string subset work
        self._ascii_identity = self._font.splitString("A(~", self._doc) == [(0, b"A(~")]
        self._subset = -1
        self._size = 0.0
        self._gray = 0.0

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` in points at ``size`` (cached per string at size 1)."""
        unit = self._widths.get(text)
        if unit is None and text.isascii() and text.isprintable():
            unit = self._widths[text] = sum(map(self._ascii_widths.__getitem__, text))
        if unit is None:
            cw = self._char_widths
            unit = 0.0
            for ch in text:
                w = cw.get(ch)
                if w is None:
                    w = cw[ch] = self._font.stringWidth(ch, 1.0)
                unit += w
            self._widths[text] = unit
        return unit * size

    def fit(self, text: str, size: float, room: float) -> str:
        """``text`` cut with an ellipsis so it fits ``room`` points."""
        if self.width(text, size) <= room:
            return text
        out = text
        while out and self.width(out + "…", size) > room:
            out = out[:-1]
        return out + "…"

    def _encoded(self, text: str) -> list[tuple[int, str]]:
        pieces = self._pieces.get(text)
        if pieces is None and self._ascii_identity and text.isascii() and text.isprintable():
            pieces = self._pieces[text] = [(0, _escape_ascii(text))]
        if pieces is None:
            pieces = []
            for subset, data in self._font.splitString(text, self._doc):
                escaped = escapePDF(data)
                if isinstance(escaped, bytes):
                    escaped = escaped.decode("latin-1")
                pieces.append((subset, escaped))
            self._pieces[text] = pieces
        return pieces

    def draw(self, x: float, y: float, text: str, size: float, gray: float = 0.0) -> None:
        """Draw ``text`` with its baseline starting at (x, y)."""
        if not text:
            return
        ops = self._ops
        if gray != self._gray:
            ops.append(f"{_num(gray)} g")
            self._gray = gray
        ops.append(f"1 0 0 1 {_num(x)} {_num(y)} Tm")
        for subset, escaped in self._encoded(text):
            if subset != self._subset or size != self._size:
                self._set_font(subset, size)
            ops.append(f"({escaped}) Tj")

    def draw_grid(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        advances: list[float],
        hscale: float = 1.0,
        stroke: float = 0.0,
    ) -> None:
        """Draw ``text`` with each character advancing exactly ``advances[i]`` points.

        One ``TJ`` run per font subset with per-glyph adjustments, so characters sit on a
        printer's column grid yet stay one word for text extraction. ``hscale`` stretches
        glyphs horizontally (printer sizes like 3x1); ``stroke`` > 0 emboldens (fill+stroke).
        """
        if not text:
            return
        ops = self._ops
        ops.append(f"{_num(hscale)} 0 0 1 {_num(x)} {_num(y)} Tm")
        if stroke:
            ops.append(f"2 Tr {_num(stroke)} w")
        run: list[str] = []
        run_subset = -1
        for ch, advance in zip(text, advances, strict=True):
            ((subset, escaped),) = self._encoded(ch) or [(0, "")]
            if subset != run_subset:
                if run:
                    ops.append("[" + " ".join(run) + "] TJ")
                    run = []
                if subset != self._subset or size != self._size:
                    self._set_font(subset, size)
                run_subset = subset
            natural = self.width(ch, size) * hscale
            adjust = -(advance - natural) / (size * hscale) * 1000
            run.append(f"({escaped}) {adjust:.1f}")
        if run:
            ops.append("[" + " ".join(run) + "] TJ")
        if stroke:
            ops.append("0 Tr")

    def row(
        self,
        y: float,
        cells: tuple[str, ...],
        columns: tuple[tuple[float, float, bool, str, str], ...],
        size: float,
    ) -> None:
        """Draw one table row; ``columns`` holds per column (room, right edge, right-aligned,
        ``"<left x> 0 Td "``, ``" -<left x> 0 Td"``). The hot path: one call per row.

        The row sets its line origin once (``Tm``); each cell is ``x 0 Td (...) Tj -x 0 Td``,
        so a left-aligned cell's whole operator string depends only on its column and text
        and is cached: repeated values cost one dictionary lookup, and unique printable ASCII
        values (times, numbers) take a short path without subset bookkeeping.
        """
        append = self._ops.append
        if self._gray:
            append("0 g")
            self._gray = 0.0
        if size != self._size:
            self._size = size
            self._subset = -1  # forces a font operator before the first cell
        caches = self._column_caches(columns, size)
        ascii_widths = self._ascii_widths if self._ascii_identity else None
        append(f"1 0 0 1 0 {y:.2f} Tm")
        for cell, cache, (room, right_edge, right, td_in, td_out) in zip(
            cells, caches, columns, strict=True
        ):
            if not cell:
                continue
            hit = None if right else cache.get(cell)
            if hit is None:
                plain = ascii_widths is not None and cell.isascii() and cell.isprintable()
                w = (
                    sum(map(ascii_widths.__getitem__, cell)) * size
                    if plain and ascii_widths is not None
                    else self.width(cell, size)
                )
                if plain and w <= room:
                    body = "(" + _escape_ascii(cell) + ") Tj"
                    first = last = 0
                else:
                    shown = self.fit(cell, size, room) if w > room else cell
                    w = self.width(shown, size)
                    first, last, body = self._body(shown, size)
                if right:
                    x = right_edge - w
                    hit = (first, last, f"{x:.2f} 0 Td {body} {-x:.2f} 0 Td")
                else:
                    hit = cache[cell] = (first, last, td_in + body + td_out)
            first, last, fragment = hit
            if first != self._subset:
                append(self._font_op(first, size))
            append(fragment)
            self._subset = last

    def _column_caches(
        self, columns: tuple[tuple[float, float, bool, str, str], ...], size: float
    ) -> list[dict[str, tuple[int, int, str]]]:
        key = (id(columns), size)
        hit = self._row_caches.get(key)
        if hit is None or hit[0] is not columns:
            hit = self._row_caches[key] = (columns, [{} for _ in columns])
        return hit[1]

    def _body(self, text: str, size: float) -> tuple[int, int, str]:
        """(first subset, last subset, ``(...) Tj`` ops with any inner font switches)."""
        pieces = self._encoded(text)
        parts = [f"({pieces[0][1]}) Tj"]
        for previous, (subset, escaped) in itertools.pairwise(pieces):
            if subset != previous[0]:
                parts.append(self._font_op(subset, size))
            parts.append(f"({escaped}) Tj")
        return pieces[0][0], pieces[-1][0], " ".join(parts)

    def _font_op(self, subset: int, size: float) -> str:
        op = self._font_ops.get((subset, size))
        if op is None:
            name = self._font.getSubsetInternalName(subset, self._doc)
            op = self._font_ops[(subset, size)] = f"{name} {_num(size)} Tf"
        return op

    def _set_font(self, subset: int, size: float) -> None:
        self._ops.append(self._font_op(subset, size))
        self._subset, self._size = subset, size

    def draw_right(self, x_right: float, y: float, text: str, size: float) -> None:
        """Draw ``text`` ending at ``x_right``."""
        self.draw(x_right - self.width(text, size), y, text, size)

    def draw_centred(self, x_mid: float, y: float, text: str, size: float) -> None:
        """Draw ``text`` centred on ``x_mid``."""
        self.draw(x_mid - self.width(text, size) / 2, y, text, size)

    def flush(self) -> None:
        """Write the collected text into the current page (call before ``showPage``)."""
        if self._ops:
            self._canvas.addLiteral("BT\n" + "\n".join(self._ops) + "\nET")
        self._ops = []
        self._subset = -1
        self._size = 0.0
        self._gray = 0.0
