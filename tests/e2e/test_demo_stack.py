"""The demo's child processes never outlive the kiosk, however it ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = """
import sys, time
from demo.stack import DemoStack
stack = DemoStack(today="2026-11-25")
endpoints = stack.start()
print(" ".join(str(c.proc.pid) for c in stack._children), flush=True)
print(endpoints.backend_url, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is gone for our purpose
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


@pytest.mark.timeout(180)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_children_die_when_the_kiosk_is_killed() -> None:
    parent = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    pids = [int(p) for p in parent.stdout.readline().split()]
    url = parent.stdout.readline().strip()
    assert len(pids) == 4 and url.startswith("http://127.0.0.1:")
    assert all(_alive(pid) for pid in pids)
    parent.send_signal(signal.SIGKILL)  # no chance to clean up: the children must still go
    parent.wait(10)
    parent.stdout.close()
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def test_receipts_go_where_asked_and_outlive_the_demo(tmp_path: Path) -> None:
    """Issue 13 Deliver 8: ``kiosk demo --receipts DIR``; without it a new folder, kept."""
    import argparse

    from demo.commands import receipts_dir, register
    from demo.stack import DemoStack

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    asked = receipts_dir(parser.parse_args(["demo", "--receipts", str(tmp_path / "slips")]))
    assert asked == (tmp_path / "slips").resolve()
    default = receipts_dir(parser.parse_args(["demo"]))
    assert default is not None and default.is_dir() and "kiosk-demo-receipts-" in default.name
    default.rmdir()
    assert receipts_dir(parser.parse_args(["demo", "--tour", str(tmp_path / "t")])) is None
    stack = DemoStack(today="2026-11-25", devices=False, receipts=asked)
    with stack as endpoints:
        assert endpoints.receipts_dir == asked and asked.is_dir()
        (asked / "0001-test.txt").write_text("清机凭条", encoding="utf-8")
        workdir = endpoints.workdir
    assert not workdir.exists()  # the demo's own folder goes ...
    assert (asked / "0001-test.txt").read_text(encoding="utf-8") == "清机凭条"  # ... slips stay
