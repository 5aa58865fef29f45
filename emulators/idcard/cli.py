"""``python -m emulators idcard``: serve an emulated ID card reader until killed.

stdout, line 1: the pty link path to open (a stable symlink); line 2: ``control: HOST:PORT``;
line 3 (with ``--tcp``): ``tcp: HOST:PORT`` (open it as ``socket://HOST:PORT``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from emulators.control import ControlServer
from emulators.idcard.emulator import IdCardEmulator
from emulators.stop_signal import StopSignal


def build_parser() -> argparse.ArgumentParser:
    """The ``idcard`` emulator's options."""
    parser = argparse.ArgumentParser(
        prog="python -m emulators idcard", description="emulated SAM ID card reader"
    )
    parser.add_argument("--link", type=Path, help="stable symlink path (default: a temp dir)")
    parser.add_argument("--tcp", type=int, metavar="PORT", help="also serve on 127.0.0.1:PORT")
    parser.add_argument("--latency", type=float, default=0.0, help="reader processing time, s")
    parser.add_argument("--baud", type=int, default=115200, help="emulated line speed")
    parser.add_argument(
        "--control-port", type=int, default=0, help="JSON-lines control port (0 = pick a free one)"
    )
    parser.add_argument("--card", help="card placed at start: index (0..8) or phone number")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGINT/SIGTERM."""
    args = build_parser().parse_args(argv)
    emulator = IdCardEmulator(
        latency=args.latency, baudrate=args.baud, link_path=args.link, tcp_port=args.tcp
    )
    if args.card is not None:
        try:
            emulator.place(args.card)
        except KeyError:
            print(f"error: no demo card {args.card!r}; use 0..{len(emulator.cards) - 1}")
            return 2
    stop = StopSignal()
    control = ControlServer(emulator.control_handlers(), port=args.control_port)
    with emulator, control:
        host, port = control.address
        print(emulator.port_path, flush=True)
        print(f"control: {host}:{port}", flush=True)
        if emulator.tcp_address is not None:
            print("tcp: {}:{}".format(*emulator.tcp_address), flush=True)
        stop.wait()
    return 0
