"""Issue 2: cold start of the kiosk to the first painted home screen, beside a bare PySide6
window started the same way in the same run. Target (issue 12): ≤ 1.5× the bare window."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import Result

# Interleaved pairs. This 2-core VM runs a process at one of two speeds a third apart (bare:
# ~145 or ~200 ms), switching from one run to the next. A median of such a sample sits in either
# mode or between them: four runs of 21 pairs of one tree gave 1.43 to 1.62. The geometric mean
# of every run (= the geometric mean of the pairs' ratios) weighs both modes as they came, and
# four runs of 31 pairs of one tree gave 1.45-1.50.
RUNS = 31


def _time_to_paint(args: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.startup_probe", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - started
    proc.wait(30)
    if line.strip() != "painted":
        raise RuntimeError(f"probe {args} did not paint (exit {proc.returncode})")
    return elapsed * 1000


def run() -> list[Result]:
    # A deployed kiosk runs from compiled bytecode (pip compiles on install); so do we.
    root = Path(__file__).resolve().parents[1]
    for package in ("common", "kiosk", "ui", "printer"):
        compileall.compile_dir(root / package, quiet=1)
    _time_to_paint([])  # warm the OS file cache once for both
    kiosk: list[float] = []
    bare: list[float] = []
    for _ in range(RUNS):  # interleaved so both see the same machine load
        bare.append(_time_to_paint(["--bare"]))
        kiosk.append(_time_to_paint([]))
    k, b = statistics.geometric_mean(kiosk), statistics.geometric_mean(bare)
    return [
        Result(
            f"startup: kiosk to first painted home screen (geometric mean of {RUNS})",
            k,
            "ms",
            b,
            "<= 1.5x bare PySide6 window",
            k <= 1.5 * b,
        )
    ]
