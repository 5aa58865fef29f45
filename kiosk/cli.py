"""The ``kiosk`` command line: one sub-command module per feature under ``kiosk.commands``.

Each module in ``COMMAND_MODULES`` exposes ``register(subparsers)`` which adds its parser and
sets ``func`` (taking the parsed namespace, returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from kiosk.logsetup import configure_logging
from kiosk.version import app_version

log = logging.getLogger(__name__)

# Each feature adds its module here (one line); order is the order in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "ui.commands",  # run: the Qt front end, found by name (kiosk never imports ui)
    "demo.commands",  # demo (and the tour): found by name, no runtime module imports demo
    "kiosk.commands.idcard",
    "kiosk.commands.printer",
    "kiosk.commands.cash",
    "kiosk.commands.admin",
    "kiosk.commands.journal",
    "kiosk.commands.doctor",
    "kiosk.commands.voice",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every available sub-command."""
    parser = argparse.ArgumentParser(prog="kiosk", description="营业厅自助服务终端 / hall kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {app_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # a feature not built yet: its command is simply absent
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(verbose=args.verbose)
    try:
        code: int = args.func(args)
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
