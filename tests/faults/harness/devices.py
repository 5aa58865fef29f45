"""The device emulators in processes of their own, steered over their control channels.

Out of process as real devices are: a reader or printer emulator living in the kiosk's own
process would share its GIL, and its pty work would show up as the kiosk's event-loop stalls.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from emulators.control import send_control
from tests.fixtures.live_backend import REPO


class EmulatorProcess:
    """``python -m emulators <device> --link ... --control-port 0``; ``control(cmd=...)``."""

    def __init__(self, device: str, workdir: Path, *args: str) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.link = str(workdir / f"tty-{device}")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "emulators",
                device,
                "--link",
                self.link,
                "--control-port",
                "0",
                *args,
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.process.stdout is not None
        # The printer announces itself as JSON, the reader as "control: host:port".
        for line in self.process.stdout:
            if line.startswith("{"):
                ready = json.loads(line)
                self.host, self.port = ready["control"][0], int(ready["control"][1])
                break
            if line.startswith("control:"):
                host, _, port = line.split(":", 1)[1].strip().rpartition(":")
                self.host, self.port = host, int(port)
                break
        else:
            raise RuntimeError(f"the {device} emulator did not start")

    def control(self, **message: Any) -> dict[str, Any]:
        answer = send_control(self.host, self.port, message)
        assert answer.get("ok", True), answer
        return answer

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()
