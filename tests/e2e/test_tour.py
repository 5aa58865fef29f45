"""The whole demo, headless: backend, emulators and the real screens, as `kiosk demo --tour`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_tour_passes_and_writes_a_screenshot_per_step(tmp_path: Path) -> None:
    out = tmp_path / "tour"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo", "--tour", str(out), "--today", "2026-11-25"],
        capture_output=True,
        text=True,
        env=env,
        timeout=540,
        check=False,
    )
    report = json.loads((out / "tour.json").read_text(encoding="utf-8"))
    failed = [s for s in report["steps"] if not s["passed"]]
    assert proc.returncode == 0, (failed, proc.stdout[-2000:], proc.stderr[-2000:])
    assert report["passed"] and not failed
    names = [s["name"] for s in report["steps"]]
    assert {"home", "identify-password", "overview", "idle-warning", "identify-card-read"} <= set(
        names
    )
    for step in report["steps"]:
        with Image.open(out / step["screenshot"]) as shot:
            assert shot.size == (1920, 1080), step["name"]
            # not a blank frame: a screen has many colours (text, cards, header)
            assert len(shot.convert("RGB").getcolors(1 << 20) or []) > 50
