"""``kiosk doctor``: is this terminal fit to serve? One row per check, all or nothing.

The technician runs it after an install, a device swap or an update (docs/operations.md):
configuration, the CJK font, every configured serial port, the reader's SAM, the printer's
status, the cash acceptor, the backend with this terminal's own TLS settings and token, and
the clock against the backend's. A device that is not configured is skipped, not failed: not
every terminal has every device.

Devices are a table (:data:`DEVICES`): a new kind of device adds one :class:`DeviceCheck`
(port key in ``[devices]``, baud key, and the function that asks it to answer).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.config import Config, ConfigError, Mode, load_config

log = logging.getLogger(__name__)

CLOCK_TOLERANCE = dt.timedelta(minutes=1)
DEVICE_TIMEOUT_S = 2.0
# The same fonts ui/fonts.py loads (it needs Qt; the doctor must not).
CJK_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
)


class Verdict(StrEnum):
    PASS = "ok"
    FAIL = "FAIL"
    SKIP = "skip"


@dataclass(frozen=True)
class CheckResult:
    name: str
    verdict: Verdict
    detail: str


def _ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, Verdict.PASS, detail)


def _fail(name: str, detail: str) -> CheckResult:
    return CheckResult(name, Verdict.FAIL, detail)


def _skip(name: str, detail: str) -> CheckResult:
    return CheckResult(name, Verdict.SKIP, detail)


# -- devices ----------------------------------------------------------------------------------


def open_port(url: str, baud: int) -> str:
    """Open and close the port; raises OSError/SerialException with the reason."""
    import serial

    port = serial.serial_for_url(url, baudrate=baud, timeout=DEVICE_TIMEOUT_S)
    port.close()
    return url


def reader_answers(url: str, baud: int, _config: Config) -> str:
    """The SAM status command (11 FF) must answer 90 (SerialCardReader.open does it)."""
    from kiosk.devices.idcard import SerialCardReader

    with SerialCardReader(url, baud, timeout=DEVICE_TIMEOUT_S):
        return "SAM status 90 (self-test passed)"


def printer_answers(url: str, baud: int, config: Config) -> str:
    """DLE EOT 1..4; paper near end still passes (it prints), anything that stops it fails."""
    from kiosk.devices.printer.driver import SerialPrinter
    from printer.profiles import load_profile

    profile = load_profile(config.devices.printer_profile)
    with SerialPrinter(url, profile, baudrate=baud, status_timeout=DEVICE_TIMEOUT_S) as printer:
        status = printer.read_status()
    if not status.ready:
        raise DeviceNotReadyError(", ".join(status.errors) or "not ready")
    return ", ".join(status.errors) or "online, paper ok"


class DeviceNotReadyError(Exception):
    """The device answered but cannot serve (paper out, cover open...)."""


@dataclass(frozen=True)
class DeviceCheck:
    label: str  # "reader SAM"
    port_key: str  # attribute of config.devices holding the pyserial URL
    baud_key: str
    answers: Callable[[str, int, Config], str] | None  # None: the driver is not built yet
    todo: str = ""


def cash_answers(url: str, baud: int, config: Config) -> str:
    """ccTalk simple poll (header 254) must be ACKed; the driver's open() also checks the
    equipment category is a bill validator."""
    from kiosk.devices.cash import SerialBanknoteAcceptor

    echo = config.devices.cash_acceptor_echo  # single-wire bus: our own bytes come back first
    with SerialBanknoteAcceptor(url, baud, timeout=DEVICE_TIMEOUT_S, echo=echo):
        return "simple poll 254 ACK (bill validator)"


def device_checks() -> tuple[DeviceCheck, ...]:
    return (
        DeviceCheck("reader SAM", "card_reader", "card_reader_baud", reader_answers),
        DeviceCheck("printer status", "printer", "printer_baud", printer_answers),
        DeviceCheck("cash acceptor", "cash_acceptor", "cash_acceptor_baud", cash_answers),
    )


def check_device(config: Config, device: DeviceCheck) -> Iterator[CheckResult]:
    url = str(getattr(config.devices, device.port_key, "") or "")
    if not url:
        yield _skip(
            f"port {device.port_key}", "; ".join(filter(None, ("not configured", device.todo)))
        )
        return
    baud = int(getattr(config.devices, device.baud_key, 115200) or 115200)
    try:
        open_port(url, baud)
    except Exception as exc:  # pyserial raises several unrelated types
        yield _fail(f"port {device.port_key}", f"{url}: does not open ({_reason(exc)})")
        yield _skip(device.label, "port does not open")
        return
    yield _ok(f"port {device.port_key}", f"{url} opens at {baud} baud")
    if device.answers is None:
        yield _skip(device.label, device.todo)
        return
    try:
        yield _ok(device.label, device.answers(url, baud, config))
    except DeviceNotReadyError as exc:
        yield _fail(device.label, f"answers but cannot serve: {exc}")
    except Exception as exc:  # a driver error of any kind is the finding
        yield _fail(device.label, _reason(exc))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# -- font, backend, clock -----------------------------------------------------------------------


def find_cjk_fonts() -> list[str]:
    """Families fontconfig knows for Simplified Chinese, else the known files present."""
    if shutil.which("fc-list"):
        out = subprocess.run(
            ["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
        ).stdout
        families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line})
        if families:
            return families
    return [str(path) for path in CJK_FONT_FILES if path.exists()]


def check_font(finder: Callable[[], list[str]]) -> CheckResult:
    fonts = finder()
    if not fonts:
        return _fail("cjk font", "none installed: apt-get install fonts-wqy-microhei")
    return _ok("cjk font", ", ".join(fonts[:2]))


def check_backend(config: Config, now: Callable[[], dt.datetime]) -> Iterator[CheckResult]:
    from kiosk.backend.client import BackendClient
    from kiosk.backend.models import ProbeOutcome

    url = config.backend.url
    scheme = "TLS" if url.startswith("https://") else "plain HTTP"
    with BackendClient(
        url,
        config.terminal.id,
        config.backend.terminal_token,
        connect_timeout=config.backend.connect_timeout,
        read_timeout=config.backend.read_timeout,
        ca_file=config.backend.ca_file,
        client_cert=config.backend.client_cert,
        client_key=config.backend.client_key,
    ) as client:
        probe = client.probe()
    messages = {
        ProbeOutcome.OK: f"{url} ({scheme}, terminal {config.terminal.id} accepted)",
        ProbeOutcome.UNREACHABLE: f"{url} unreachable: {probe.detail}",
        ProbeOutcome.TLS_FAILED: f"{url} TLS failed: {probe.detail}",
        ProbeOutcome.AUTH_REFUSED: f"terminal {config.terminal.id} refused ({probe.detail}):"
        " check terminal.id and backend.terminal_token",
        ProbeOutcome.ERROR: f"{url} answered {probe.detail}",
    }
    ok = probe.outcome is ProbeOutcome.OK
    yield CheckResult("backend", Verdict.PASS if ok else Verdict.FAIL, messages[probe.outcome])
    if probe.server_time is None:
        yield _fail("clock", "no Date from the backend to compare with")
        return
    skew = now() - probe.server_time
    seconds = int(skew.total_seconds())
    text = f"{abs(seconds)} s {'ahead of' if seconds >= 0 else 'behind'} the backend"
    if abs(skew) > CLOCK_TOLERANCE:
        yield _fail("clock", f"{text} (more than a minute: check NTP, timedatectl)")
    else:
        yield _ok("clock", text)


def load_run_config(path: Path) -> Config:
    """The file read exactly as ``kiosk run`` reads it (no demo values, TLS rules)."""
    return load_config(path, Mode.RUN)


# -- the whole run --------------------------------------------------------------------------


def run_checks(
    config_path: Path,
    *,
    now: Callable[[], dt.datetime] | None = None,
    font_finder: Callable[[], list[str]] = find_cjk_fonts,
) -> list[CheckResult]:
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    results: list[CheckResult] = []
    try:
        config = load_run_config(config_path)
    except ConfigError as exc:
        results.append(_fail("config", str(exc)))
        results.append(check_font(font_finder))
        return results
    results.append(_ok("config", f"{config_path} (terminal {config.terminal.id})"))
    results.append(check_font(font_finder))
    for device in device_checks():
        results.extend(check_device(config, device))
    results.extend(check_backend(config, clock))
    return results


def all_pass(results: Sequence[CheckResult]) -> bool:
    return all(r.verdict is not Verdict.FAIL for r in results) and any(
        r.name == "config" and r.verdict is Verdict.PASS for r in results
    )


def format_table(results: Sequence[CheckResult]) -> str:
    width = max(len("check"), *(len(r.name) for r in results))
    lines = [f"{'check':<{width}}  result  detail"]
    lines += [f"{r.name:<{width}}  {r.verdict.value:<6}  {r.detail}" for r in results]
    failed = sum(r.verdict is Verdict.FAIL for r in results)
    lines.append("all checks passed" if all_pass(results) else f"{failed} check(s) failed")
    return "\n".join(lines)
