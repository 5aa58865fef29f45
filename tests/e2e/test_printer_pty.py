"""End to end: ``python -m emulators printer`` in its own process, the ``kiosk printer`` CLI
and the driver talking to it over a real pty; state changed through the control channel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from emulators.control import send_control
from kiosk.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningEmulator:
    link: str
    host: str
    port: int
    out: Path

    def control(self, **message: object) -> dict[str, object]:
        return send_control(self.host, self.port, message)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    base = tmp_path_factory.mktemp("printer-e2e")
    out = base / "receipts"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulators",
            "printer",
            "--link",
            str(base / "ttyPRN"),
            "--out",
            str(out),
            "--baud",
            "115200",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        ready = json.loads(process.stdout.readline())  # blocks until the emulator is up
        assert ready["device"] == "printer"
        host, port = ready["control"]
        yield RunningEmulator(ready["link"], host, port, out)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def kiosk(*argv: str) -> int:
    """The real parser and command function, without reconfiguring the test's logging."""
    args = build_parser().parse_args(list(argv))
    code: int = args.func(args)
    return code


def test_status_json_healthy(emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    emulator.control(cmd="reset")
    assert kiosk("printer", "status", "--port", emulator.link, "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["online"] is True and data["paper"] == "ok" and data["errors"] == []
    assert data["cover_open"] is False and data["cutter_error"] is False


def test_status_reflects_the_device_panel(
    emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.control(cmd="reset")
    emulator.control(cmd="paper", state="near_end")
    assert kiosk("printer", "status", "--port", emulator.link, "--json") == 0
    assert json.loads(capsys.readouterr().out)["paper"] == "near_end"
    emulator.control(cmd="cover", open=True)
    emulator.control(cmd="paper", state="out")
    assert kiosk("printer", "status", "--port", emulator.link, "--json") == 3
    data = json.loads(capsys.readouterr().out)
    assert data["paper"] == "out" and data["cover_open"] is True and not data["online"]
    emulator.control(cmd="reset")


def test_silent_printer_exits_non_zero_with_a_clear_message(
    emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.control(cmd="answering", mode="silent")
    try:
        code = kiosk("printer", "status", "--port", emulator.link, "--timeout", "0.3")
    finally:
        emulator.control(cmd="answering", mode="normal")
    assert code == 1
    assert "printer does not answer" in capsys.readouterr().err


def test_missing_port(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert kiosk("printer", "status", "--port", str(tmp_path / "none"), "--json") == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["ok"] is False
    assert "cannot open printer port" in captured.err


def test_test_page_is_printed_and_saved(emulator: RunningEmulator) -> None:
    emulator.control(cmd="reset")
    before = len(emulator.control(cmd="list_receipts")["receipts"])  # type: ignore[arg-type]
    result = subprocess.run(
        [str(Path(sys.executable).with_name("kiosk")), "printer", "test", "--port", emulator.link],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test page printed" in result.stdout
    receipts = emulator.control(cmd="wait_receipts", count=before + 1, timeout=10)["receipts"]
    assert isinstance(receipts, list) and len(receipts) == before + 1
    latest = receipts[-1]
    text = Path(latest["txt"]).read_text(encoding="utf-8")
    assert "打印测试页" in text and "￥12.34" in text and "[QR https://www.10086.cn/]" in text
    assert Path(latest["png"]).stat().st_size > 1000
    assert Path(latest["bin"]).read_bytes().startswith(b"\x1b@\x1c&")
    assert Path(latest["bin"]).parent == emulator.out


def test_test_page_refused_when_paper_is_out(
    emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.control(cmd="paper", state="out")
    try:
        assert kiosk("printer", "test", "--port", emulator.link) == 3
    finally:
        emulator.control(cmd="reset")
    assert "out of paper" in capsys.readouterr().err


def test_cutter_error_in_plain_output(
    emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    emulator.control(cmd="reset")
    emulator.control(cmd="cutter", error=True)
    try:
        assert kiosk("printer", "status", "--port", emulator.link) == 3
    finally:
        emulator.control(cmd="reset")
    out = capsys.readouterr().out
    assert "cutter error: yes" in out and "online: no" in out and "cutter_error" in out
