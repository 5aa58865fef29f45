"""``python -m emulators cash``: serve an emulated ccTalk bill validator until killed.

stdout, line 1: the pty link path to open (a stable symlink); line 2: ``control: HOST:PORT``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from emulators.cash.emulator import BAUD, BillValidatorEmulator
from emulators.control import ControlServer
from emulators.stop_signal import StopSignal


def build_parser() -> argparse.ArgumentParser:
    """The ``cash`` emulator's options."""
    parser = argparse.ArgumentParser(
        prog="python -m emulators cash", description="emulated ccTalk bill validator (CNY)"
    )
    parser.add_argument("--link", type=Path, help="stable symlink path (default: a temp dir)")
    parser.add_argument("--baud", type=int, default=BAUD, help="emulated line speed")
    parser.add_argument("--echo", action="store_true", help="echo requests (single-wire bus)")
    parser.add_argument("--crc", action="store_true", help="CRC-16 instead of simple checksum")
    parser.add_argument("--latency", type=float, default=0.005, help="device reply latency, s")
    parser.add_argument("--transport", type=float, default=1.0, help="note transport time, s")
    parser.add_argument("--capacity", type=int, default=500, help="notes the cash box holds")
    parser.add_argument("--category", default="Bill Validator", help="equipment category")
    parser.add_argument(
        "--control-port", type=int, default=0, help="JSON-lines control port (0 = pick a free one)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM."""
    args = build_parser().parse_args(argv)
    emulator = BillValidatorEmulator(
        latency=args.latency,
        baudrate=args.baud,
        echo=args.echo,
        crc=args.crc,
        transport_s=args.transport,
        capacity=args.capacity,
        category=args.category,
        link_path=args.link,
    )
    stop = StopSignal()
    control = ControlServer(emulator.control_handlers(), port=args.control_port)
    with emulator, control:
        host, port = control.address
        print(emulator.port_path, flush=True)
        print(f"control: {host}:{port}", flush=True)
        stop.wait()
    return 0
