"""The 5-month bar chart of monthly totals, drawn straight onto the canvas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from common.money import format_yuan
from printer.pdf.fonttext import FastText


def draw_month_chart(
    canvas: Any,
    text: FastText,
    box: tuple[float, float, float, float],
    months: Sequence[tuple[str, int]],
) -> None:
    """Bars of ``(month, total_fen)`` inside ``box`` = (x, y, width, height), values on top."""
    x, y, width, height = box
    canvas.saveState()
    canvas.setStrokeGray(0.3)
    canvas.setLineWidth(0.6)
    base = y + 16  # room for month labels under the axis
    top = y + height - 14  # room for the value labels
    canvas.line(x, base, x + width, base)
    peak = max((max(fen, 0) for _, fen in months), default=0) or 1
    slot = width / max(len(months), 1)
    bar = slot * 0.5
    canvas.setFillColorRGB(0.16, 0.45, 0.75)
    for index, (month, fen) in enumerate(months):
        left = x + index * slot + (slot - bar) / 2
        bar_height = (top - base) * max(fen, 0) / peak
        if bar_height > 0:
            canvas.rect(left, base, bar, bar_height, stroke=0, fill=1)
        mid = left + bar / 2
        text.draw_centred(mid, y + 4, month, 8)
        text.draw_centred(mid, base + bar_height + 3, "¥" + format_yuan(fen), 8)
    canvas.restoreState()
