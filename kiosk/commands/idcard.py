"""``kiosk idcard read``: the technician's tool to check a reader and a card.

It prints the full record on purpose (the technician is looking at the card anyway); the
logs still never contain personal data. Exit codes: 0 card read, 1 reader or card error,
3 no card placed before the timeout.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

from common.device_errors import DeviceError
from kiosk.commands.device_cli import Failure, add_port_options, fail, run_device, show
from kiosk.devices.idcard import (
    CardStatusError,
    ChecksumError,
    IdCard,
    NoAnswer,
    ReadFailed,
    SamFailure,
    SerialCardReader,
)
from kiosk.devices.idcard.poller import MIN_INTERVAL

log = logging.getLogger(__name__)

EXIT_NO_CARD = 3
COMMAND_TIMEOUT = 5.0


def register(subparsers: Any) -> None:
    """Add ``idcard`` with its ``read`` sub-command."""
    parser = subparsers.add_parser("idcard", help="ID card reader tools")
    actions = parser.add_subparsers(dest="idcard_action", required=True, metavar="ACTION")
    read = actions.add_parser("read", help="wait for a card and print what it holds")
    add_port_options(read, baud=115200)
    read.add_argument(
        "--timeout", type=float, default=30.0, help="seconds to wait for a card (default 30)"
    )
    read.set_defaults(func=run_read)


def describe_error(exc: DeviceError) -> Failure:
    """One line naming the cause, for the technician (never personal data)."""
    if isinstance(exc, NoAnswer):
        return Failure(f"no answer from the reader ({exc}); check the port, cable and baud rate")
    if isinstance(exc, ChecksumError):
        return Failure(
            f"checksum error in the reader's answer ({exc}); line noise or wrong baud rate"
        )
    if isinstance(exc, SamFailure):
        return Failure(f"SAM failure: {exc} / {exc.message_zh}")
    if isinstance(exc, ReadFailed):
        return Failure(
            f"card read failed: {exc} / {exc.message_zh}; lift the card and place it again"
        )
    if isinstance(exc, CardStatusError):
        return Failure(f"reader error: {exc} / {exc.message_zh}")
    return Failure(f"{exc.cause}: {exc}")


def read_one(reader: SerialCardReader, wait: float) -> IdCard | None:
    """Poll for a card for up to ``wait`` seconds; the card, or None when none came."""
    deadline = time.monotonic() + wait
    while True:
        started = time.monotonic()
        if reader.find_card():
            reader.select_card()
            return reader.read_card()
        if started + MIN_INTERVAL >= deadline:
            return None
        time.sleep(max(0.0, started + MIN_INTERVAL - time.monotonic()))


def run_read(args: argparse.Namespace) -> int:
    """Open the reader, wait for one card, print it."""
    reader = SerialCardReader(
        args.port, baudrate=args.baud, timeout=min(COMMAND_TIMEOUT, max(args.timeout, 0.1))
    )

    def work() -> int:
        with reader:
            card = read_one(reader, args.timeout)
        if card is None:
            return fail(args, Failure(f"no card placed within {args.timeout:g} s", EXIT_NO_CARD))
        show(args, card.to_json_dict())
        log.info("card read on %s (%s)", args.port, card.card_type.value)
        return 0

    return run_device(args, work, describe_error)
