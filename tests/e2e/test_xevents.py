"""Real-input journeys (issue 13 item 7): the real kiosk shell in its own Xvfb server, driven by
REAL X events from xdotool (pointer down / moves / up, as a touchscreen's single touch arrives
under X), screenshots of the X root with ImageMagick's ``import``, and assertions on the
kiosk's state (tests/e2e/xkiosk.py writes it every 100 ms) and on the screenshots' pixels.

Screenshots are kept in pytest's tmp dir (``xevents-*.png``) for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from emulators.idcard.emulator import IdCardEmulator
from tests.fixtures.live_backend import LiveBackend, start_backend

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "import")),
        reason="needs Xvfb, xdotool and ImageMagick (DEBS in the Makefile)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # each journey's kiosk identifies the same number afresh: SMS codes may be re-sent at once
    workdir = tmp_path_factory.mktemp("xevents-backend")
    with start_backend(workdir, customers=1, sms_resend_after_s=0) as live:
        yield live


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A fresh Xvfb on a free display number (``-displayfd``: the server picks and tells)."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()  # blocks until the server is ready
    assert number.isdigit(), "Xvfb did not start"
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


class Kiosk:
    """The kiosk subprocess on ``display`` and the X tools aimed at it."""

    def __init__(self, display: str, state: Path, shots: Path) -> None:
        self.display, self.state_path, self.shots = display, state, shots
        self.env = {**os.environ, "DISPLAY": display}

    def state(self) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}
        return data

    def wait_for(self, what: str, check: Callable[[dict[str, Any]], bool], timeout: float = 60):
        """The kiosk's state once ``check`` holds (it is rewritten every 100 ms)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.state()
            if state and check(state):
                return state
            time.sleep(0.05)  # polling a file another process writes; no event to wait on
        raise AssertionError(f"kiosk never reached: {what}; last state {self.state()}")

    def settled(
        self, what: str, check: Callable[[dict[str, Any]], bool], timeout: float = 60
    ) -> dict[str, Any]:
        """Like ``wait_for``, and the screen's layout unchanged over 0.5 s (five dumps): a label
        filled in after loading moves the list down by a row, and a tap aimed at the old
        position would land on the next row."""
        deadline = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            state = self.wait_for(what, check, timeout)
            layout = json.dumps([state.get("dispute", {}).get("visible_rows"), state["buttons"]])
            if layout != last:
                last, since = layout, time.monotonic()
            elif time.monotonic() - since >= 0.5:
                return state
            time.sleep(0.05)
        raise AssertionError(f"the layout never settled: {what}")

    def xdotool(self, *args: object) -> None:
        subprocess.run(["xdotool", *map(str, args)], env=self.env, check=True, timeout=30)

    def tap(self, x: int, y: int, hold_s: float = 0.1) -> None:
        self.xdotool("mousemove", x, y, "sleep", 0.05, "mousedown", 1)
        self.xdotool("sleep", hold_s, "mouseup", 1)

    def tap_rect(self, rect: list[int], hold_s: float = 0.1) -> None:
        x, y, width, height = rect
        self.tap(x + width // 2, y + height // 2, hold_s)

    def button(self, state: dict[str, Any], text: str) -> list[int]:
        found = [b["rect"] for b in state["buttons"] if b["text"] == text]
        assert found, f"no button {text!r} on {state.get('screen')}"
        rect: list[int] = found[0]
        return rect

    def drag(self, x: int, y0: int, y1: int, steps: int = 12, step_s: float = 0.02) -> None:
        """Finger down at (x, y0), moving to (x, y1) in ``steps`` real motion events, up."""
        args: list[object] = ["mousemove", x, y0, "mousedown", 1]
        for step in range(1, steps + 1):
            args += ["sleep", step_s, "mousemove", x, y0 + (y1 - y0) * step // steps]
        args += ["mouseup", 1]
        self.xdotool(*args)

    def screenshot(self, name: str) -> Path:
        path = self.shots / f"xevents-{name}.png"
        subprocess.run(
            ["import", "-window", "root", str(path)], env=self.env, check=True, timeout=60
        )
        assert path.stat().st_size > 10_000
        return path


@pytest.fixture
def kiosk_on(
    backend: LiveBackend, display: str, tmp_path: Path
) -> Iterator[Callable[..., Kiosk]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(first_screen: str, reader_port: str = "") -> Kiosk:
        state = tmp_path / "state.json"
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        command = [sys.executable, "-m", "tests.e2e.xkiosk", backend.url, str(state), first_screen]
        if reader_port:
            command.append(reader_port)
        with (tmp_path / "kiosk.log").open("wb") as log:  # the child keeps its own copy
            started.append(
                subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        return Kiosk(display, state, tmp_path)

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _pixel(path: Path, x: int, y: int) -> tuple[int, int, int]:
    """One pixel of a screenshot, read with ImageMagick (no image library in the kiosk)."""
    out = subprocess.run(
        ["convert", str(path), "-crop", f"1x1+{x}+{y}", "-depth", "8", "txt:-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    colour = out.splitlines()[-1].split("#")[1][:6]
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def test_a_drag_over_the_dispute_list_selects_nothing(kiosk_on: Callable[[str], Kiosk]) -> None:
    kiosk = kiosk_on("dispute")
    ready = kiosk.settled(
        "the dispute list, long enough to scroll",
        lambda s: (
            bool(s.get("dispute"))
            and not s["dispute"]["loading"]
            and s["dispute"]["scroll_max"] > 0
            and len(s["dispute"]["visible_rows"]) >= 3
        ),
    )["dispute"]
    assert ready["current_row"] == -1 and ready["selected"] == []
    print("dispute list when ready:", ready)
    before = kiosk.screenshot("dispute-before")
    # a finger lands on the second row and drags the list up by 240 px, then lifts
    row = ready["visible_rows"][1]
    kiosk.drag(row["x"], row["y"], row["y"] - 240)
    after = kiosk.settled(
        "the list moved (to its end if shorter) and came to rest",
        lambda s: (
            s["dispute"]["scroll"] >= min(200, s["dispute"]["scroll_max"])
            and not s["dispute"]["moving"]
        ),
        timeout=20,
    )["dispute"]
    shot = kiosk.screenshot("dispute-dragged")
    assert after["current_row"] == -1, "the drag selected the row it started on"
    assert after["selected"] == []
    assert not after["confirm_enabled"]
    assert shot.read_bytes() != before.read_bytes()  # the screen shows the list moved
    # then a plain tap on a visible row selects exactly that row
    target = after["visible_rows"][1]
    kiosk.tap(target["x"], target["y"])
    tapped = kiosk.wait_for("the tapped row selected", lambda s: s["dispute"]["selected"] != [])
    assert tapped["dispute"]["selected"] == [target["row"]]
    assert tapped["dispute"]["current_row"] == target["row"]
    assert tapped["dispute"]["scroll"] == after["scroll"]  # a tap does not scroll
    selected_shot = kiosk.screenshot("dispute-tapped")
    # the selected row is painted in the selection colour, not the list's white
    assert _pixel(selected_shot, target["x"], target["y"]) != _pixel(shot, target["x"], target["y"])


def test_taps_walk_from_home_to_the_bills_and_back(kiosk_on: Callable[[str], Kiosk]) -> None:
    kiosk = kiosk_on("home")
    home = kiosk.settled("home with its tiles", lambda s: "overview" in s.get("tiles", {}))
    home_shot = kiosk.screenshot("home")
    kiosk.tap_rect(home["tiles"]["overview"])
    overview = kiosk.settled("the overview", lambda s: s["screen"] == "overview")
    kiosk.screenshot("overview")
    kiosk.tap_rect(kiosk.button(overview, "首页"))
    home = kiosk.settled("home again", lambda s: s["screen"] == "home" and "tiles" in s)
    kiosk.tap_rect(home["tiles"]["bills"])
    kiosk.wait_for("the bills", lambda s: s["screen"] == "bills")
    assert kiosk.screenshot("bills").read_bytes() != home_shot.read_bytes()


def test_long_presses_pick_a_charge_and_a_reason_and_file_it(
    kiosk_on: Callable[[str], Kiosk], backend: LiveBackend
) -> None:
    # a slow finger: every press held for 1.2 s before it lifts, still a tap every time
    before = backend.query("SELECT count(*) FROM disputes")[0][0]
    kiosk = kiosk_on("dispute")
    ready = kiosk.settled(
        "the dispute list",
        lambda s: (
            bool(s.get("dispute"))
            and not s["dispute"]["loading"]
            and len(s["dispute"]["visible_rows"]) >= 3
        ),
    )
    row = ready["dispute"]["visible_rows"][2]
    kiosk.tap(row["x"], row["y"], hold_s=1.2)
    picked = kiosk.settled("the charge picked", lambda s: s["dispute"]["selected"] != [])
    assert picked["dispute"]["selected"] == [row["row"]]
    kiosk.tap_rect(kiosk.button(picked, "未使用此业务"), hold_s=1.2)
    ready_to_file = kiosk.settled("confirm enabled", lambda s: s["dispute"]["confirm_enabled"])
    kiosk.screenshot("dispute-long-press-picked")
    confirm = [b["rect"] for b in ready_to_file["buttons"] if b["name"] == "disputeConfirm"]
    kiosk.tap_rect(confirm[0], hold_s=1.2)
    filed = kiosk.wait_for("the dispute filed", lambda s: s["dispute"]["dispute_number"])
    kiosk.screenshot("dispute-filed")
    number = filed["dispute"]["dispute_number"]
    assert backend.query("SELECT count(*) FROM disputes")[0][0] == before + 1
    rows = backend.query("SELECT reason FROM disputes WHERE number = ?", number)
    assert rows == [("未使用此业务",)]


def test_a_card_already_on_the_reader_starts_card_first_and_x_taps_finish_it(
    kiosk_on: Callable[..., Kiosk], backend: LiveBackend
) -> None:
    # The card lies on the reader before the kiosk even starts: nobody lifts and places it.
    with IdCardEmulator() as reader:
        reader.place("13800138000")
        kiosk = kiosk_on("home", reader.port_path)
        numbers = kiosk.settled(
            "the card's numbers to pick from",
            lambda s: s.get("identify_page") == "NumberPage" and len(s["buttons"]) > 0,
        )
        assert numbers["customer"] == ""  # nobody is identified by a card alone
        kiosk.screenshot("card-first-numbers")
        kiosk.tap_rect(kiosk.button(numbers, "138****8000（全球通）"))
        sms = kiosk.settled(
            "the code sent to the picked number",
            lambda s: s.get("identify_page") == "SmsPage" and s.get("sms_sent") is True,
        )
        assert sms["customer"] == "138****8000"  # the card's factor is held
        for digit in backend.latest_sms_code("13800138000"):
            kiosk.tap_rect(kiosk.button(sms, digit))
        typed = kiosk.wait_for(
            "six digits typed: 确定 enabled",
            lambda s: any(b["text"] == "确定" for b in s["buttons"]),
            timeout=20,
        )
        kiosk.tap_rect(kiosk.button(typed, "确定"))
        home = kiosk.wait_for(
            "home, identified by card and code",
            lambda s: s["screen"] == "home" and s["customer"] == "138****8000",
        )
        assert any(b["text"] == "结束服务" for b in home["buttons"])
        kiosk.screenshot("card-first-home")
