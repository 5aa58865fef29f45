"""Qt enum properties set by name, through Qt's meta-object.

The first use of ``PySide6.QtCore.Qt`` makes PySide build every enum of the Qt namespace
(about 90 of them, 25-45 ms here), which is more than the whole bare window takes to paint.
The widgets of the first frame (header, navigation bar, home screen, tiles, idle cover) set
their few enum properties with these helpers instead, so the home screen paints without the
``Qt`` namespace (bench_startup). Anything built later may use ``Qt`` freely.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import QLabel, QWidget

Alignment = Literal["AlignCenter", "AlignRight|AlignVCenter", "AlignLeft|AlignVCenter"]


def _set(widget: QWidget, name: str, value: str) -> None:
    if not widget.setProperty(name, value):
        raise ValueError(f"{type(widget).__name__}.{name} cannot be {value!r}")


def no_focus(widget: QWidget) -> None:
    """Touch-only controls never take keyboard focus (no focus frame, no Space/Enter)."""
    _set(widget, "focusPolicy", "NoFocus")


def align(label: QLabel, alignment: Alignment) -> None:
    _set(label, "alignment", alignment)
