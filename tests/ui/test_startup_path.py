"""The path to the first frame stays light (bench_startup): no ``Qt`` namespace, no
application-wide Python event filters until the home screen is on screen."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Each script defines ``shell``, ``seen`` and ``first_frame``; this runs the kiosk to its end.
RUN = """
after_first_paint(shell.home_screen, first_frame)
show(shell, fullscreen=False)
shell.app.exec()
stop_shell(shell)
print(seen)
"""

SCRIPT = (
    """
import PySide6.QtCore as core
from kiosk.config import Config
from ui.app import start_shell, stop_shell
from ui.first_paint import after_first_paint
from ui.app import show

shell = start_shell(Config())
seen = []

def first_frame():
    seen.append((core.__dict__.get("Qt") is not None, shell.watching_input))
    shell.lockdown.allow_exit()
    shell.app.quit()
"""
    + RUN
)


def _last_line(script: str) -> str:
    """Run ``script`` in a fresh offscreen kiosk process; its last line of output."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=50,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.timeout(60)
def test_first_frame_needs_neither_the_qt_namespace_nor_input_filters() -> None:
    # Both callbacks run on the turn after the first paint; ours was queued first.
    assert _last_line(SCRIPT) == "[(False, False)]"


LATER_SCRIPT = (
    """
import sys
from kiosk.config import Config
from ui.app import show, start_shell, stop_shell
from ui.first_paint import after_first_paint
from PySide6.QtCore import QTimer

LATER = (
    "kiosk.voice.guide", "kiosk.voice.player", "subprocess", "ui.status_reporter", "socket",
    "kiosk.backend.models", "json",
)
shell = start_shell(Config())
seen = {}

def first_frame():
    seen["at_first_frame"] = sorted(m for m in LATER if m in sys.modules)
    QTimer.singleShot(50, after)

def after():
    attached = (shell.voice, shell.ctx.services.voice, shell.status_reporter)
    seen["attached"] = (
        *(thing is not None for thing in attached),
        not shell.window.header.voice_button.isHidden(),
        shell.voice_pending,
    )
    shell.lockdown.allow_exit()
    shell.app.quit()
"""
    + RUN
)


@pytest.mark.timeout(60)
def test_voice_and_the_status_reporter_come_after_the_first_frame() -> None:
    # Nothing of either on the way to the first frame; both in place right after it.
    assert _last_line(LATER_SCRIPT) == (
        "{'at_first_frame': [], 'attached': (True, True, True, True, False)}"
    )


GC_SCRIPT = (
    """
import gc
from ui.heap import pause_collection

pause_collection()  # as ``kiosk run`` does (ui/commands.py)
collections = []

def count(phase, info):
    if phase == "start":
        collections.append(info["generation"])

gc.callbacks.append(count)
from kiosk.config import Config
from ui.app import show, start_shell, stop_shell
from ui.first_paint import after_first_paint
from PySide6.QtCore import QTimer

shell = start_shell(Config())
seen = []

def first_frame():  # queued before the composition root's resume (the later filter runs first)
    seen.append((len(collections), gc.isenabled()))
    QTimer.singleShot(0, after)

def after():
    seen.append(gc.isenabled())
    shell.lockdown.allow_exit()
    shell.app.quit()
"""
    + RUN
)


@pytest.mark.timeout(60)
def test_nothing_is_collected_before_the_first_frame_and_collection_resumes_after_it() -> None:
    # The import of the kiosk alone used to run ~8 collections, the build and paint ~25 more.
    assert _last_line(GC_SCRIPT) == "[(0, False), True]"
