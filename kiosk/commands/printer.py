"""``kiosk printer status|test``: the technician's receipt printer tools.

Exit codes: 0 the printer answered and can print; 1 no answer, malformed answer or port
fault (the message says which); 3 the printer answered but cannot print (paper out, cover
open, offline, cutter error).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from typing import Any

from kiosk.commands.device_cli import EXIT_OK, Failure, add_port_options, run_device, show
from kiosk.devices.printer.driver import SerialPrinter
from printer.errors import (
    MalformedStatusError,
    PrinterError,
    PrinterNotReadyError,
    PrinterPortError,
    PrintError,
    StatusTimeoutError,
)
from printer.profiles import DEFAULT_PROFILE, available_profiles, load_profile

log = logging.getLogger(__name__)

EXIT_NOT_READY = 3


def register(subparsers: Any) -> None:
    """Add ``printer`` with its ``status`` and ``test`` sub-commands."""
    parser = subparsers.add_parser("printer", help="receipt printer tools")
    actions = parser.add_subparsers(dest="printer_action", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="ask the printer for its status (DLE EOT 1..4)")
    test = actions.add_parser("test", help="print a test page")
    known = ", ".join(available_profiles())
    for sub in (status, test):
        add_port_options(sub, baud=None)
        sub.add_argument(
            "--profile",
            default=DEFAULT_PROFILE,
            help=f"printer profile (default {DEFAULT_PROFILE}; known: {known})",
        )
        sub.add_argument(
            "--timeout", type=float, default=1.0, help="seconds to wait for each status answer"
        )
    status.set_defaults(func=run_status)
    test.set_defaults(func=run_test)


def describe_error(exc: PrinterError) -> Failure:
    """One line naming the cause for the technician."""
    if isinstance(exc, StatusTimeoutError):
        return Failure(f"printer does not answer: {exc}; check power, cable, port and baud rate")
    if isinstance(exc, MalformedStatusError):
        return Failure(f"printer answers garbage: {exc}; wrong baud rate or not an ESC/POS printer")
    if isinstance(exc, PrinterPortError):
        return Failure(f"port problem: {exc}")
    if isinstance(exc, PrinterNotReadyError):
        return Failure(f"printer not ready: {exc}", EXIT_NOT_READY)
    if isinstance(exc, PrintError):
        return Failure(f"test page may be incomplete: {exc}", EXIT_NOT_READY)
    return Failure(str(exc))


def _printer(args: argparse.Namespace) -> SerialPrinter:
    profile = load_profile(args.profile)
    return SerialPrinter(args.port, profile, baudrate=args.baud, status_timeout=args.timeout)


def run_status(args: argparse.Namespace) -> int:
    """Read and print the status."""

    def work() -> int:
        with _printer(args) as printer:
            status = printer.read_status()
        data = {"ok": True, "port": args.port, "profile": args.profile, **status.as_dict()}
        show(
            args,
            data,
            [
                f"online: {'yes' if status.online else 'no'}",
                f"paper: {status.paper.value}",
                f"cover open: {'yes' if status.cover_open else 'no'}",
                f"cutter error: {'yes' if status.cutter_error else 'no'}",
                f"errors: {', '.join(status.errors) or 'none'}",
            ],
        )
        return EXIT_OK if status.ready else EXIT_NOT_READY

    return run_device(args, work, describe_error, (PrinterError,))


def run_test(args: argparse.Namespace) -> int:
    """Print the test page."""
    from printer.testpage import build_test_page

    def work() -> int:
        with _printer(args) as printer:
            document = build_test_page(printer.profile, dt.datetime.now())
            result = printer.print_document(document)
        print(
            f"test page printed: {result.bytes_sent} bytes in {result.seconds:.2f} s, "
            f"paper {result.status_after.paper.value}"
        )
        return EXIT_OK

    return run_device(args, work, describe_error, (PrinterError,))
