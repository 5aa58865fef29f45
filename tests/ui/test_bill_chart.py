"""Plain words on the bills screens (issue 13 minors): the median line never strikes through a
bar's total, no "中位数" and no "-0%" in the change line, data in GB from 1024 MB on."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from kiosk import bills as kb
from kiosk.i18n import Translator
from ui.screens.bills.overview import change_text
from ui.widgets.bill_chart import BillChart, line_segments


def test_line_segments_leave_out_what_the_line_would_cross() -> None:
    boxes = [QRectF(10, 90, 20, 20), QRectF(50, 0, 20, 20), QRectF(60, 95, 30, 10)]
    assert line_segments(0, 100, 100, boxes) == [(0, 10), (30, 60), (90, 100)]
    assert line_segments(0, 100, 50, boxes) == [(0, 100)]


def test_the_median_line_breaks_around_a_bar_total(app: QApplication) -> None:
    chart = BillChart()
    chart.resize(1200, 420)
    fixed = kb.ChartGroup.FIXED
    totals = (10000, 12000, 11000, 9000, 13000)
    bars = [kb.ChartBar(f"2026-0{i + 1}", t, ((fixed, t),)) for i, t in enumerate(totals)]
    # The median (11000) runs right through the total written above the 2026-02 bar (12000).
    chart.set_data(bars, 11500, {fixed: "套餐及固定费"}, "通常水平 ¥115.00")
    chart.grab()  # paints
    crossed = [r for r in chart.label_rects if r.top() <= chart.median_y <= r.bottom()]
    assert crossed, "the case under test: a total sits on the median line"
    for x1, x2 in chart.median_segments:
        for r in crossed:
            assert x2 <= r.left() or x1 >= r.right(), (x1, x2, r)
    assert chart.median_segments  # the line is still drawn elsewhere


def _screen(locale: str) -> SimpleNamespace:
    return SimpleNamespace(tr=Translator(locale).tr)


def test_the_change_line_says_usual_and_never_minus_zero_percent() -> None:
    for locale in ("zh_CN", "en"):
        screen = _screen(locale)
        small = change_text(screen, kb.MonthChange("2026-10", 12470, 12500, -30))  # type: ignore[arg-type]
        assert "0%" not in small and "中位数" not in small and "median" not in small
        big = change_text(screen, kb.MonthChange("2026-10", 15000, 12500, 2500))  # type: ignore[arg-type]
        assert "+20%" in big and "中位数" not in big
    assert (
        change_text(
            _screen("zh_CN"),
            kb.MonthChange("2026-10", 12470, 12500, -30),  # type: ignore[arg-type]
        )
        == "比近5个月通常水平 ¥125.00 略低 ¥0.30"
    )
