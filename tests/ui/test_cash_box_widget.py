"""The admin's cash box widget: rows per value, total, fill against the capacity, counting."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from kiosk.i18n import Translator
from ui.widgets.cash_box import CashBoxWidget, fill_pct


def test_fill_level_is_whole_per_cent_and_never_above_full() -> None:
    assert fill_pct(0, 1000) == 0
    assert fill_pct(805, 1000) == 80  # whole per cent
    assert fill_pct(1200, 1000) == 100
    assert fill_pct(10, None) is None and fill_pct(10, 0) is None


def test_rows_total_and_fill(app: QApplication) -> None:
    widget = CashBoxWidget(Translator("zh_CN"))
    widget.show_box({1000: 2, 5000: 1, 100: 0}, 5)
    assert widget.rows[1000].text() == "¥10.00 × 2 张  ¥20.00"
    assert widget.rows[100].text() == "¥1.00 × 0 张  ¥0.00"
    assert widget.total.text() == "合计 3 张，¥70.00"
    assert (widget.fill.value(), widget.fill.property("level")) == (60, "ok")
    assert widget.fill.format() == "容量 3/5 张（60%）"
    widget.show_box({1000: 4}, 5)
    assert widget.fill.property("level") == "warn"
    widget.show_box({1000: 5}, 5)
    assert widget.fill.property("level") == "full"
    widget.show_box({1000: 5}, None)
    assert widget.fill.isHidden()  # no capacity configured: no bar to misread


def test_counting_steps_one_value_and_never_below_zero(app: QApplication) -> None:
    widget = CashBoxWidget(Translator("en"))
    changes: list[tuple[int, int]] = []
    widget.count_changed.connect(lambda v, c: changes.append((v, c)))
    widget.show_box({2000: 1}, 100)
    widget.plus[2000].click()  # not counting: the buttons are hidden and do nothing
    assert changes == [] and widget.counts == {2000: 1}
    widget.set_counting(True)
    assert widget.title.text().startswith("Counting")
    widget.plus[2000].click()
    widget.minus[5000].click()  # disabled at zero
    widget.minus[2000].click()
    widget.minus[2000].click()
    assert changes == [(2000, 2), (2000, 1), (2000, 0)]
    assert widget.counts == {2000: 0} and not widget.minus[2000].isEnabled()
    assert widget.total.text() == "Total 0 notes, ¥0.00"
