"""``kiosk admin hash-pin``: make the ``admin.pin_hash`` value for a terminal's file.

The PIN is read from the terminal without echo (asked twice), or as one line from standard
input when that is not a terminal (``printf '%s\n' "$PIN" | kiosk admin hash-pin``), never from
the command line, where it would sit in the shell history and in ``ps``. Only the hash is
printed.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from kiosk.config import DEMO_ADMIN_PIN
from kiosk.pinhash import check_pin_format, hash_pin

EXIT_OK = 0
EXIT_REFUSED = 2


def register(subparsers: Any) -> None:
    """Add ``admin`` with its ``hash-pin`` sub-command."""
    parser = subparsers.add_parser("admin", help="hall staff access: the admin PIN")
    actions = parser.add_subparsers(dest="admin_action", required=True, metavar="ACTION")
    hash_cmd = actions.add_parser(
        "hash-pin", help="read a PIN (tty or stdin) and print its admin.pin_hash value"
    )
    hash_cmd.set_defaults(func=run_hash_pin)


def run_hash_pin(args: argparse.Namespace, stdin: TextIO | None = None) -> int:
    source = stdin if stdin is not None else sys.stdin
    if source.isatty():
        pin = getpass.getpass("new admin PIN (4-8 digits): ")
        if getpass.getpass("again: ") != pin:
            print("kiosk admin hash-pin: the two PINs differ", file=sys.stderr)
            return EXIT_REFUSED
    else:
        pin = source.readline().rstrip("\r\n")
    try:
        check_pin_format(pin)
    except ValueError as exc:
        print(f"kiosk admin hash-pin: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if pin == DEMO_ADMIN_PIN:
        print("kiosk admin hash-pin: that is the published demo PIN", file=sys.stderr)
        return EXIT_REFUSED
    print(hash_pin(pin))
    return EXIT_OK
