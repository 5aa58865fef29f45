"""Table columns that never cut their text: each column is as wide as its contents (measured
over the first rows), and the last one takes what is left (ui/screens/bills/details.py).

Equal stretched columns cut "10-01 08:00:00" and "Domestic long distance" in large text and in
English while a narrow column (上海, ¥0.30) kept room it did not need.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView

# rows the header measures for a column's width (all rows would cost a scan of 10,000)
MEASURED_ROWS = 60


def fit_columns(header: QHeaderView) -> None:
    """Every column fits its contents; the last stretches over the rest of the width."""
    header.setResizeContentsPrecision(MEASURED_ROWS)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
