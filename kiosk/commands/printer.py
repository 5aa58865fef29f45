"""``kiosk printer status|test``: the technician's receipt printer tools.

Exit codes: 0 the printer answered and can print; 1 no answer, malformed answer or port
fault (the message says which); 3 the printer answered but cannot print (paper out, cover
open, offline, cutter error).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from typing import Any

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

EXIT_OK = 0
EXIT_FAULT = 1
EXIT_NOT_READY = 3


def register(subparsers: Any) -> None:
    """Add ``printer`` with its ``status`` and ``test`` sub-commands."""
    parser = subparsers.add_parser("printer", help="receipt printer tools")
    actions = parser.add_subparsers(dest="printer_action", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="ask the printer for its status (DLE EOT 1..4)")
    test = actions.add_parser("test", help="print a test page")
    known = ", ".join(available_profiles())
    for sub in (status, test):
        sub.add_argument("--port", required=True, help="serial port or pyserial URL")
        sub.add_argument(
            "--profile",
            default=DEFAULT_PROFILE,
            help=f"printer profile (default {DEFAULT_PROFILE}; known: {known})",
        )
        sub.add_argument("--baud", type=int, default=None, help="line speed (default: profile's)")
        sub.add_argument(
            "--timeout", type=float, default=1.0, help="seconds to wait for each status answer"
        )
    status.add_argument("--json", action="store_true", help="print one JSON object")
    status.set_defaults(func=run_status)
    test.set_defaults(func=run_test)


def describe_error(exc: PrinterError) -> str:
    """One line naming the cause for the technician."""
    if isinstance(exc, StatusTimeoutError):
        return f"printer does not answer: {exc}; check power, cable, port and baud rate"
    if isinstance(exc, MalformedStatusError):
        return f"printer answers garbage: {exc}; wrong baud rate or not an ESC/POS printer"
    if isinstance(exc, PrinterPortError):
        return f"port problem: {exc}"
    return str(exc)


def _printer(args: argparse.Namespace) -> SerialPrinter:
    profile = load_profile(args.profile)
    return SerialPrinter(args.port, profile, baudrate=args.baud, status_timeout=args.timeout)


def run_status(args: argparse.Namespace) -> int:
    """Read and print the status."""
    try:
        with _printer(args) as printer:
            status = printer.read_status()
    except PrinterError as exc:
        message = describe_error(exc)
        if args.json:
            print(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
        print(f"error: {message}", file=sys.stderr)
        return EXIT_FAULT
    data = {"ok": True, "port": args.port, "profile": args.profile, **status.as_dict()}
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(f"online: {'yes' if status.online else 'no'}")
        print(f"paper: {status.paper.value}")
        print(f"cover open: {'yes' if status.cover_open else 'no'}")
        print(f"cutter error: {'yes' if status.cutter_error else 'no'}")
        print(f"errors: {', '.join(status.errors) or 'none'}")
    return EXIT_OK if status.ready else EXIT_NOT_READY


def run_test(args: argparse.Namespace) -> int:
    """Print the test page."""
    from printer.testpage import build_test_page

    try:
        with _printer(args) as printer:
            document = build_test_page(printer.profile, dt.datetime.now())
            result = printer.print_document(document)
    except PrinterNotReadyError as exc:
        print(f"error: printer not ready: {exc}", file=sys.stderr)
        return EXIT_NOT_READY
    except PrintError as exc:
        print(f"error: test page may be incomplete: {exc}", file=sys.stderr)
        return EXIT_NOT_READY
    except PrinterError as exc:
        print(f"error: {describe_error(exc)}", file=sys.stderr)
        return EXIT_FAULT
    print(
        f"test page printed: {result.bytes_sent} bytes in {result.seconds:.2f} s, "
        f"paper {result.status_after.paper.value}"
    )
    return EXIT_OK
