"""Issue 13 item 9: smooth on slow hall hardware. A finger flicks a details-like table of 10,000+
rows (inside a touch-scrolled page, as on every screen) to the bottom through
``ui/widgets/touch_scroll.DragScroll`` (real mouse events on the viewport: press, five 16 ms
moves, release, then the flick runs until the next swipe), and the largest gap between 5 ms
timer ticks is the worst event-loop stall the customer could see.

The target run has another process keeping one core busy (a busy-loop subprocess this bench
spawns and kills); its baseline is the same run unloaded, measured just before it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from bench import Result
from bench.bench_bills import _spin_until

TICK_MS = 5


class _Gaps:
    """Every gap between 5 ms ticks, with the GUI thread's own CPU time inside it: a long gap
    with little CPU is the machine not running us (scheduling on a busy host), a long gap
    full of CPU is our own work blocking the loop."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.walls: list[float] = []
        self.cpus: list[float] = []
        self._wall, self._cpu = time.perf_counter(), time.thread_time()
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        wall, cpu = time.perf_counter(), time.thread_time()
        self.walls.append((wall - self._wall) * 1000)
        self.cpus.append((cpu - self._cpu) * 1000)
        self._wall, self._cpu = wall, cpu

    def summary(self) -> dict[str, float]:
        ordered = sorted(self.walls)
        worst = max(range(len(self.walls)), key=self.walls.__getitem__)
        return {
            "max_gap_ms": ordered[-1],
            "p99_gap_ms": ordered[int(len(ordered) * 0.99)],
            "cpu_in_max_gap_ms": self.cpus[worst],
            "max_cpu_gap_ms": max(self.cpus),
        }


ROWS = 10_000
SWIPE_PX = 120  # per 16 ms move: a brisk flick (7500 px/s, under DragScroll's cap)
SWIPE_MOVES = 5
FLICK_TICKS = 12  # ~200 ms of momentum before the finger swipes again
FRAME_MS = 16


def run() -> list[Result]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import create_application
    from ui.theme import stylesheet

    app = create_application(["bench-touch"])
    app.setStyleSheet(stylesheet(large_text=False))
    unloaded = _flick_to_the_end()
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])  # one core, busy
    try:
        loaded = _flick_to_the_end()
    finally:
        busy.kill()
        busy.wait()
    for label, stats in (("unloaded", unloaded), ("one core busy", loaded)):
        print(
            f"   {label}: max stall {stats['max_gap_ms']:.1f} ms (GUI-thread CPU in it "
            f"{stats['cpu_in_max_gap_ms']:.1f} ms), p99 gap {stats['p99_gap_ms']:.1f} ms, largest "
            f"CPU-bound gap {stats['max_cpu_gap_ms']:.1f} ms, {stats['rows']} rows in "
            f"{stats['seconds']:.1f} s, {stats['swipes']} swipes, {stats['flick_frames']} "
            f"momentum frames",
            flush=True,
        )
    return [
        Result(
            f"touch: max event-loop stall flicking {ROWS} rows, another process busy on a core",
            loaded["max_gap_ms"],
            "ms",
            unloaded["max_gap_ms"],
            "<= 50 ms (baseline: the same run unloaded)",
            loaded["max_gap_ms"] <= 50 and loaded["rows"] >= ROWS,
        ),
        Result(
            "touch: largest CPU-bound gap (GUI-thread CPU inside one gap), another process busy",
            loaded["max_cpu_gap_ms"],
            "ms",
            unloaded["max_cpu_gap_ms"],
            "<= 50 ms (baseline: the same run unloaded); the part of a stall the kiosk causes",
            loaded["max_cpu_gap_ms"] <= 50,
        ),
    ]


def _flick_to_the_end() -> dict[str, Any]:
    from PySide6.QtCore import (
        QAbstractTableModel,
        QModelIndex,
        QPersistentModelIndex,
        QPoint,
        Qt,
        QTimer,
    )
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QScrollArea, QTableView

    from ui import theme

    # the kiosk's 详单 rows: the theme's tap target (kiosk.qss sets the table's row height)
    ROW_HEIGHT = theme.size("target", False)  # noqa: N806
    from ui.widgets.touch_scroll import DragScroll, enable_touch_scroll

    Index = QModelIndex | QPersistentModelIndex  # noqa: N806

    class Records(QAbstractTableModel):
        """Cells made on demand in Python, as the kiosk's paged records model does."""

        def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
            return 0 if parent.isValid() else ROWS + 20

        def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
            return 0 if parent.isValid() else 5

        def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            row = index.row()
            return (
                f"2026-10-{row % 28 + 1:02d} {row % 24:02d}:{row % 60:02d}:{(row * 7) % 60:02d}",
                ("上海", "北京", "广州")[row % 3],
                ("主叫", "被叫")[row % 2],
                f"{row % 9}分{row % 60}秒",
                f"¥{row % 5}.{row % 100:02d}",
            )[index.column()]

    view = QTableView()
    model = Records()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    # inside a touch-scrolled page, as every screen's body is (ui/screen.py): the page's filter
    # sees every event on the table too
    page = QScrollArea()
    page.setWidgetResizable(True)
    page.setWidget(view)
    page.resize(1800, 900)
    enable_touch_scroll(page)
    scroller: DragScroll = enable_touch_scroll(view)
    page.show()
    # A finger cannot touch a list before it is on screen: the list arms its filters on the
    # turn after its first paint (ui/widgets/touch_scroll.py). Waiting only for isVisible let
    # the first synthetic press reach an unarmed table on a loaded machine and select its row.
    _spin_until(lambda: scroller.armed)
    NO_KEYS = Qt.KeyboardModifier.NoModifier  # noqa: N806
    glass, bar = view.viewport(), view.verticalScrollBar()
    target = ROWS * ROW_HEIGHT
    start = QPoint(900, 50 + SWIPE_PX * SWIPE_MOVES)
    state = {"tick": 0, "swipes": 0, "flick_frames": 0}

    def finger() -> None:
        """One 16 ms frame of a finger that swipes up, lets go, and swipes again."""
        phase = state["tick"] % (SWIPE_MOVES + 2 + FLICK_TICKS)
        state["tick"] += 1
        if phase == 0:
            QTest.mousePress(glass, Qt.MouseButton.LeftButton, NO_KEYS, start)
            state["swipes"] += 1
        elif phase <= SWIPE_MOVES:
            QTest.mouseMove(glass, start - QPoint(0, SWIPE_PX * phase))
        elif phase == SWIPE_MOVES + 1:
            end = start - QPoint(0, SWIPE_PX * SWIPE_MOVES)
            QTest.mouseRelease(glass, Qt.MouseButton.LeftButton, NO_KEYS, end)
        elif scroller.flick is not None:
            state["flick_frames"] += 1

    hand = QTimer()
    hand.setTimerType(Qt.TimerType.PreciseTimer)
    hand.setInterval(FRAME_MS)
    hand.timeout.connect(finger)
    ticker = _Gaps()
    ticker.start()
    started = time.perf_counter()
    hand.start()
    _spin_until(lambda: bar.value() >= target, timeout=600)
    hand.stop()
    seconds = time.perf_counter() - started
    ticker.stop()
    scroller.stop()
    rows = bar.value() // ROW_HEIGHT
    selected = len(view.selectionModel().selectedIndexes())
    page.close()
    page.deleteLater()
    if selected:
        raise RuntimeError(f"flicking selected {selected} cells: a drag must never select")
    return {
        **ticker.summary(),
        "rows": rows,
        "seconds": seconds,
        "swipes": state["swipes"],
        "flick_frames": state["flick_frames"],
    }
