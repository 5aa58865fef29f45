"""``kiosk cash status``: the technician's check of a banknote acceptor.

Prints the device's category, manufacturer, product, serial number, software revision, the
bill table (channel -> value) and the current event counter. It reads events (159) but never
resets the device (header 1 would clear the counter and any buffered credit). Exit codes:
0 a bill validator answered, 1 silent / bad checksum / malformed / refused, 2 it answers but is
not a bill validator.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from common.device_errors import DeviceError
from kiosk.commands.device_cli import Failure, add_port_options, run_device, show
from kiosk.devices.cash import (
    ChecksumError,
    ChecksumMode,
    NakReply,
    NoReply,
    NotABillValidator,
    SerialBanknoteAcceptor,
)

log = logging.getLogger(__name__)

EXIT_NOT_A_BILL_VALIDATOR = 2


def register(subparsers: Any) -> None:
    """Add ``cash`` with its ``status`` sub-command."""
    parser = subparsers.add_parser("cash", help="banknote acceptor (ccTalk) tools")
    actions = parser.add_subparsers(dest="cash_action", required=True, metavar="ACTION")
    status = actions.add_parser("status", help="identify the acceptor and print its bill table")
    add_port_options(status, baud=9600)
    status.add_argument(
        "--echo", action="store_true", help="the link echoes our bytes (single-wire bus)"
    )
    status.add_argument("--crc", action="store_true", help="CRC-16 checksums (default simple)")
    status.add_argument("--timeout", type=float, default=0.5, help="reply timeout, s")
    status.set_defaults(func=run_status)


def describe_error(exc: DeviceError) -> Failure:
    """One line naming the cause, for the technician."""
    if isinstance(exc, NoReply):
        return Failure(
            f"the acceptor is silent ({exc}); check the port, cable, baud rate, the echo "
            "setting and the device address (40)"
        )
    if isinstance(exc, ChecksumError):
        return Failure(
            f"bad checksum in the acceptor's reply ({exc}); line noise or CRC-16 vs simple"
        )
    if isinstance(exc, NotABillValidator):
        return Failure(
            f"not a bill validator: the device says it is {exc.category!r}",
            EXIT_NOT_A_BILL_VALIDATOR,
        )
    if isinstance(exc, NakReply):
        return Failure(f"the acceptor refused a command ({exc})")
    return Failure(f"{exc.cause}: {exc}")


def read_status(acceptor: SerialBanknoteAcceptor) -> dict[str, Any]:
    """Everything the command prints, as one JSON-able dict."""
    info = acceptor.identify()
    table = acceptor.bill_table()
    events = acceptor.read_events()
    return {
        "category": info.category,
        "manufacturer": info.manufacturer,
        "product": info.product,
        "serial_number": info.serial_number,
        "software_revision": info.software_revision,
        "bills": [
            {"channel": b.channel, "bill_id": b.bill.bill_id, "value_fen": b.value_fen}
            for b in table.values()
        ],
        "event_counter": events.counter,
    }


def _lines(status: dict[str, Any]) -> list[str]:
    keys = ("category", "manufacturer", "product", "serial_number", "software_revision")
    lines = [f"{key}: {status[key]}" for key in keys]
    lines += [
        f"channel {bill['channel']:>2}: {bill['bill_id']} = {bill['value_fen']} fen"
        for bill in status["bills"]
    ]
    return [*lines, f"event_counter: {status['event_counter']}"]


def run_status(args: argparse.Namespace) -> int:
    """Open, identify, print."""
    acceptor = SerialBanknoteAcceptor(
        args.port,
        baudrate=args.baud,
        timeout=args.timeout,
        echo=args.echo,
        checksum=ChecksumMode.CRC16 if args.crc else ChecksumMode.SIMPLE,
    )

    def work() -> int:
        with acceptor:
            status = read_status(acceptor)
        show(args, status, _lines(status))
        log.info("cash acceptor status read on %s", args.port)
        return 0

    return run_device(args, work, describe_error)
