"""Compile the kiosk's sources to bytecode before the kiosk under test runs.

An installed kiosk runs from compiled bytecode (pip compiles packages at install). This
checkout may not (``PYTHONDONTWRITEBYTECODE``), and then every import compiles source while
holding the GIL: the kiosk's deliberately lazy imports, done on worker threads after start-up,
stalled the GUI thread for 50-100 ms each and the event-loop probe saw the harness, not the
kiosk. ``bench/bench_startup.py`` measures from compiled bytecode for the same reason.
"""

from __future__ import annotations

import compileall
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PACKAGES = ("common", "kiosk", "ui", "printer", "emulators", "tests")


def compile_sources() -> None:
    for package in PACKAGES:
        compileall.compile_dir(REPO / package, quiet=1)
