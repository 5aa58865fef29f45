"""The whole demo, headless: backend, emulators and the real screens, as `kiosk demo --tour`.

Run on two business dates so a calendar break fails CI (issue 10): the real date (no
``--today``: the demo as it runs today) and an edge date that rotates with the real date —
the 1st or the last day of this month, 1 January, 29 February of the next leap year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from common.hall_time import hall_now


def _next_leap_day(after: dt.date) -> dt.date:
    year = after.year + (1 if after >= dt.date(after.year, 3, 1) else 0)
    while not calendar.isleap(year):
        year += 1
    return dt.date(year, 2, 29)


def edge_dates(today: dt.date) -> list[dt.date]:
    """The edges a month counted from the business date can fall over."""
    first = today.replace(day=1)
    last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    return [first, last, dt.date(today.year + 1, 1, 1), _next_leap_day(today)]


def rotating_edge(today: dt.date) -> dt.date:
    """One edge per CI run, a different one each day."""
    edges = edge_dates(today)
    return edges[today.toordinal() % len(edges)]


def test_edge_dates_cover_the_calendar_traps() -> None:
    edges = edge_dates(dt.date(2026, 12, 2))
    assert edges == [
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
        dt.date(2028, 2, 29),
    ]
    assert _next_leap_day(dt.date(2028, 2, 29)) == dt.date(2028, 2, 29)
    assert _next_leap_day(dt.date(2028, 3, 1)) == dt.date(2032, 2, 29)
    assert {rotating_edge(dt.date(2026, 12, 2) + dt.timedelta(days=n)) for n in range(4)} == set(
        edge_dates(dt.date(2026, 12, 2))
    )


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("business_date", ["real-date", "edge-date"])
def test_tour_passes_and_writes_a_screenshot_per_step(tmp_path: Path, business_date: str) -> None:
    out = tmp_path / "tour"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("KIOSK_DEMO_TODAY", None)  # the real date means the real date
    args = [sys.executable, "-m", "kiosk", "demo", "--tour", str(out)]
    if business_date == "edge-date":
        args += ["--today", rotating_edge(hall_now().date()).isoformat()]
    proc = subprocess.run(args, capture_output=True, text=True, env=env, timeout=540, check=False)
    report = json.loads((out / "tour.json").read_text(encoding="utf-8"))
    failed = [s for s in report["steps"] if not s["passed"]]
    assert proc.returncode == 0, (args[-1], failed, proc.stdout[-2000:], proc.stderr[-2000:])
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
