"""``python -m emulators printer``: run the receipt printer emulator until interrupted.

Prints one JSON line on stdout when ready (``{"device": "printer", "link": ..., "control":
[host, port], "out": ...}``) so scripts and the demo can find it.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from emulators.printer.emulator import PrinterEmulator
from emulators.stop_signal import StopSignal
from printer.errors import ProfileError
from printer.profiles import DEFAULT_PROFILE, load_profile

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    """Options of the printer emulator."""
    parser = argparse.ArgumentParser(prog="python -m emulators printer")
    parser.add_argument("--link", type=Path, help="stable symlink path to the pty (default: temp)")
    parser.add_argument("--out", type=Path, default=Path("receipts"), help="folder for receipts")
    parser.add_argument("--baud", type=int, default=115200, help="simulated line speed")
    parser.add_argument("--control-port", type=int, default=0, help="TCP port (0: any free)")
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help="printer profile name")
    parser.add_argument("--buffer", type=int, default=4096, help="receive buffer in bytes")
    parser.add_argument(
        "--print-rate", type=float, default=None, help="mechanism speed in bytes/s (default: fast)"
    )
    parser.add_argument("--no-xonxoff", action="store_true", help="never send XON/XOFF")
    parser.add_argument("--paper-lines", type=int, default=None, help="lines left on the roll")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        profile = load_profile(args.profile)
    except ProfileError as exc:
        print(f"error: {exc}")
        return 2
    emulator = PrinterEmulator(
        args.out,
        profile=profile,
        baudrate=args.baud,
        link_path=args.link,
        buffer_size=args.buffer,
        print_rate=args.print_rate,
        xonxoff=not args.no_xonxoff,
        paper_lines=args.paper_lines,
    )
    stop = StopSignal()
    with emulator:
        host, port = emulator.start_control(args.control_port)
        ready = {
            "device": "printer",
            "link": str(emulator.port_path),
            "control": [host, port],
            "out": str(args.out.resolve()),
            "profile": profile.name,
            "baud": args.baud,
        }
        print(json.dumps(ready, ensure_ascii=False), flush=True)
        stop.wait()
    return 0
