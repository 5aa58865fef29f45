"""Table columns that never cut their text: the first column (a record's date and time) is
as wide as its contents, the others share the rest (ui/screens/bills/details.py).

With equal stretched columns, large-text mode cut "10-01 08:00:00" to "10-01 08:00:0…" once
the screen's scroll bar took its width. The model resets its columns on every tab, which
resets the header's per-column modes, so the mode is set again on each reset.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView

# rows the header measures for the first column's width (all rows would cost a scan of 10,000)
MEASURED_ROWS = 60


def keep_first_column_whole(header: QHeaderView) -> None:
    """Stretch every column but the first, which fits its contents."""
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    header.setResizeContentsPrecision(MEASURED_ROWS)

    def fit(_old: int = 0, new: int = 0) -> None:
        if header.count() > 1:
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

    header.sectionCountChanged.connect(fit)
    fit()
