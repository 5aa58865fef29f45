"""``kiosk doctor`` against the emulators on real ptys and the live backend, one fault at a
time through the emulators' control channels: each fault fails exactly its row."""

from __future__ import annotations

import datetime as dt
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from emulators.cash.emulator import BillValidatorEmulator
from emulators.control import ControlServer, send_control
from emulators.idcard.emulator import IdCardEmulator
from emulators.printer.emulator import PrinterEmulator
from kiosk.cli import main
from kiosk.config import hash_pin
from kiosk.doctor import CheckResult, Verdict, all_pass, run_checks
from tests.fixtures.live_backend import LiveBackend, start_backend
from tests.fixtures.throwaway_ca import ThrowawayCA, make_ca
from tests.ops.run_config import PLAIN_HTTP_KEY

PIN_HASH = hash_pin("7531")
PLAIN_HTTP = f"{PLAIN_HTTP_KEY} = true\n"
FONTS = lambda: ["WenQuanYi Micro Hei"]  # noqa: E731 - the font check has its own test


@dataclass
class Bench:
    tmp: Path
    backend: LiveBackend
    reader_control: tuple[str, int]
    printer_control: tuple[str, int]
    reader_port: str
    printer_port: str

    terminal: tuple[str, str]  # provisioned for these tests: a real id and token

    def config(self, **overrides: str) -> Path:
        values = {
            "url": self.backend.url,
            "token": self.terminal[1],
            "terminal": self.terminal[0],
            "reader": self.reader_port,
            "printer": self.printer_port,
            **overrides,
        }
        path = self.tmp / "kiosk.toml"
        ca = f'ca_file = "{values["ca_file"]}"\n' if "ca_file" in values else ""
        cash = f'cash_acceptor = "{values["cash"]}"\n' if "cash" in values else ""
        path.write_text(
            f'[terminal]\nid = "{values["terminal"]}"\n'
            f'[backend]\nurl = "{values["url"]}"\nterminal_token = "{values["token"]}"\n{ca}'
            f"connect_timeout = 1.0\nread_timeout = 2.0\n{PLAIN_HTTP}"
            f'[devices]\ncard_reader = "{values["reader"]}"\nprinter = "{values["printer"]}"\n'
            f"{cash}"
            f'[admin]\npin_hash = "{PIN_HASH}"\n',
            encoding="utf-8",
        )
        return path

    def reader(self, **message: Any) -> None:
        answer = send_control(*self.reader_control, message)
        assert answer["ok"], answer

    def printer(self, **message: Any) -> None:
        answer = send_control(*self.printer_control, message)
        assert answer["ok"], answer


TERMINAL = ("BJ-DOC-0001", "doctor-token-" + secrets.token_hex(8))


def _provision(backend: LiveBackend) -> None:
    """The way IT does it (``python -m backend add-terminal``): the doctor reads the file as
    ``kiosk run`` does, which takes no demo credentials."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "backend",
            "add-terminal",
            "--db",
            backend.db_url,
            "--id",
            TERMINAL[0],
            "--token",
            TERMINAL[1],
        ],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def terminal(live_backend: LiveBackend) -> tuple[str, str]:
    _provision(live_backend)
    return TERMINAL


@dataclass
class TlsBackend:
    backend: LiveBackend
    ca: ThrowawayCA  # the operator's CA, which signed the backend's certificate


@pytest.fixture(scope="module")
def tls_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsBackend]:
    base = tmp_path_factory.mktemp("tls-backend")
    ca = make_ca(base, "operator")
    leaf = ca.issue("backend")
    args = ("--tls-cert", str(leaf.cert), "--tls-key", str(leaf.key))
    with start_backend(base / "backend", serve_args=args) as backend:
        _provision(backend)
        yield TlsBackend(backend, ca)


@pytest.fixture
def bench(tmp_path: Path, live_backend: LiveBackend, terminal: tuple[str, str]) -> Iterator[Bench]:
    reader = IdCardEmulator(link_path=tmp_path / "ttyIDR")
    reader.start()
    reader_ctl = ControlServer(reader.control_handlers())
    reader_ctl.start()
    with PrinterEmulator(tmp_path / "receipts", link_path=tmp_path / "ttyPRN") as printer:
        printer_ctl = printer.start_control()
        try:
            yield Bench(
                tmp_path,
                live_backend,
                reader_ctl.address,
                printer_ctl,
                reader.port_path,
                str(printer.port_path),
                terminal,
            )
        finally:
            reader_ctl.stop()
            reader.stop()


def _rows(results: list[CheckResult]) -> dict[str, tuple[Verdict, str]]:
    return {r.name: (r.verdict, r.detail) for r in results}


def _failed(results: list[CheckResult]) -> list[str]:
    return [r.name for r in results if r.verdict is Verdict.FAIL]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_healthy_terminal_passes(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    results = run_checks(bench.config(), font_finder=FONTS)
    rows = _rows(results)
    assert _failed(results) == []
    assert rows["reader SAM"] == (Verdict.PASS, "SAM status 90 (self-test passed)")
    assert rows["printer status"] == (Verdict.PASS, "online, paper ok")
    assert rows["backend"][1].endswith(f"(plain HTTP, terminal {bench.terminal[0]} accepted)")
    assert rows["clock"][0] is Verdict.PASS and "the backend" in rows["clock"][1]
    assert rows["port cash_acceptor"][0] is Verdict.SKIP
    assert all_pass(results)
    assert main(["doctor", "--config", str(bench.config())]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["check", "result", "detail"]
    assert out[-1] == "all checks passed"


def test_reader_unplugged(bench: Bench, capsys: pytest.CaptureFixture[str]) -> None:
    bench.reader(cmd="unplug")
    results = run_checks(bench.config(), font_finder=FONTS)
    assert _failed(results) == ["port card_reader"]
    assert _rows(results)["reader SAM"] == (Verdict.SKIP, "port does not open")
    assert main(["doctor", "--config", str(bench.config())]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "1 check(s) failed"


def test_sam_self_test_failure(bench: Bench) -> None:
    bench.reader(cmd="fault", name="sam_selftest_fail")
    results = run_checks(bench.config(), font_finder=FONTS)
    assert _failed(results) == ["reader SAM"]
    assert "SamFailure" in _rows(results)["reader SAM"][1]


def test_printer_out_of_paper(bench: Bench) -> None:
    bench.printer(cmd="paper", state="out")
    results = run_checks(bench.config(), font_finder=FONTS)
    assert _failed(results) == ["printer status"]
    assert "paper_out" in _rows(results)["printer status"][1]


def test_printer_paper_near_end_still_passes(bench: Bench) -> None:
    bench.printer(cmd="paper", state="near_end")
    rows = _rows(run_checks(bench.config(), font_finder=FONTS))
    assert rows["printer status"] == (Verdict.PASS, "paper_near_end")


def test_printer_silent(bench: Bench) -> None:
    bench.printer(cmd="answering", mode="silent")
    results = run_checks(bench.config(), font_finder=FONTS)
    assert _failed(results) == ["printer status"]
    assert "StatusTimeoutError" in _rows(results)["printer status"][1]


def test_printer_unplugged(bench: Bench) -> None:
    bench.printer(cmd="unplug")
    assert _failed(run_checks(bench.config(), font_finder=FONTS)) == ["port printer"]


def test_backend_down(bench: Bench) -> None:
    results = run_checks(bench.config(url=f"http://127.0.0.1:{_closed_port()}"), font_finder=FONTS)
    assert _failed(results) == ["backend", "clock"]
    assert "unreachable" in _rows(results)["backend"][1]


def test_wrong_terminal_token(bench: Bench) -> None:
    results = run_checks(bench.config(token="not-the-token-0123456789"), font_finder=FONTS)
    assert _failed(results) == ["backend"]  # the clock still compares with the 401's Date
    assert "refused (HTTP 401)" in _rows(results)["backend"][1]


def test_tls_expected_but_the_server_speaks_plain_http(bench: Bench, tmp_path: Path) -> None:
    url = bench.backend.url.replace("http://", "https://")
    ca = make_ca(tmp_path / "ca", "operator")
    results = run_checks(bench.config(url=url, ca_file=str(ca.cert)), font_finder=FONTS)
    assert _failed(results) == ["backend", "clock"]
    assert "TLS failed: WRONG_VERSION_NUMBER" in _rows(results)["backend"][1]


def test_tls_backend_with_the_pinned_ca_passes(bench: Bench, tls_backend: TlsBackend) -> None:
    url, ca = tls_backend.backend.url, str(tls_backend.ca.cert)
    assert url.startswith("https://")
    rows = _rows(run_checks(bench.config(url=url, ca_file=ca), font_finder=FONTS))
    assert rows["backend"] == (Verdict.PASS, f"{url} (TLS, terminal {TERMINAL[0]} accepted)")
    assert rows["clock"][0] is Verdict.PASS


def test_backend_certificate_from_another_ca_fails(
    bench: Bench, tls_backend: TlsBackend, tmp_path: Path
) -> None:
    rogue = make_ca(tmp_path / "rogue", "rogue")  # pinned: not the CA that signed the backend
    url = tls_backend.backend.url
    results = run_checks(bench.config(url=url, ca_file=str(rogue.cert)), font_finder=FONTS)
    assert _failed(results) == ["backend", "clock"]
    assert _rows(results)["backend"] == (
        Verdict.FAIL,
        f"{url} TLS failed: CERTIFICATE_VERIFY_FAILED",
    )


def test_clock_off_by_more_than_a_minute(bench: Bench) -> None:
    late = lambda: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)  # noqa: E731
    results = run_checks(bench.config(), now=late, font_finder=FONTS)
    assert _failed(results) == ["clock"]
    assert "behind the backend" in _rows(results)["clock"][1]


def test_bad_config_and_no_font(tmp_path: Path) -> None:
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[timeouts]\nidle = -1\n", encoding="utf-8")
    results = run_checks(bad, font_finder=list)
    assert _rows(results) == {
        "config": (Verdict.FAIL, "timeouts.idle: must be a positive number"),
        "cjk font": (Verdict.FAIL, "none installed: apt-get install fonts-wqy-microhei"),
    }
    assert not all_pass(results)


def test_real_font_lookup_finds_the_installed_cjk_font() -> None:
    from kiosk.doctor import find_cjk_fonts

    assert any("WenQuanYi" in f or "wqy" in f for f in find_cjk_fonts())


def test_cash_acceptor_answers_and_a_silent_one_fails(bench: Bench, tmp_path: Path) -> None:
    emulator = BillValidatorEmulator(link_path=tmp_path / "ttyCASH")
    emulator.start()
    control = ControlServer(emulator.control_handlers())
    control.start()
    try:
        rows = _rows(run_checks(bench.config(cash=emulator.port_path), font_finder=FONTS))
        assert rows["port cash_acceptor"][0] is Verdict.PASS
        assert rows["cash acceptor"] == (Verdict.PASS, "simple poll 254 ACK (bill validator)")
        assert send_control(*control.address, {"cmd": "silent", "on": True})["ok"]
        results = run_checks(bench.config(cash=emulator.port_path), font_finder=FONTS)
        assert _failed(results) == ["cash acceptor"]
    finally:
        control.stop()
        emulator.stop()
