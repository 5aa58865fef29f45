"""The whole demo tour in English: every step passes and no screen shows Chinese (issue 13
major 8). ``kiosk demo --tour OUT --locale en`` checks each step's visible text itself
(ui/visible_text.py); customers' names and addresses are shown as registered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_english_tour_shows_no_chinese(tmp_path: Path) -> None:
    out = tmp_path / "tour"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = [sys.executable, "-m", "kiosk", "demo", "--tour", str(out), "--locale", "en"]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=540, check=False)
    report = json.loads((out / "tour.json").read_text(encoding="utf-8"))
    chinese = {s["name"]: s["chinese"] for s in report["steps"] if s["chinese"]}
    failed = [(s["name"], s["error"]) for s in report["steps"] if not s["passed"]]
    assert not chinese
    assert proc.returncode == 0, (failed, proc.stdout[-2000:], proc.stderr[-2000:])
    names = {s["name"] for s in report["steps"]}
    # the check saw the screens with backend data: bills, records, plans, services, payment
    assert {"overview", "bill-month", "details-paging", "plan-list", "services-ordered"} <= names
    assert {"pay-qr", "dispute-pick", "line-status"} <= names
