"""What the technician's device commands (``kiosk idcard|cash|printer ...``) share.

One shape for all three: ``--port`` (a serial port or pyserial URL), ``--baud`` and
``--json``; the answer is one JSON object (``--json``) or a ``key: value`` table; a device
failure is one line on stderr (``error: ...``, plus ``{"ok": false, "error": ...}`` on stdout
with ``--json``) and a non-zero exit code the command chooses.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from common.device_errors import DeviceError

EXIT_OK = 0
EXIT_FAILED = 1

E = TypeVar("E", bound=Exception)


@dataclass(frozen=True)
class Failure:
    """The technician's one line about a failure, and the exit code."""

    message: str
    code: int = EXIT_FAILED


def add_port_options(parser: argparse.ArgumentParser, *, baud: int | None) -> None:
    """``--port``, ``--baud`` (default ``baud``; None: the device's own) and ``--json``."""
    parser.add_argument("--port", required=True, help="serial port or pyserial URL")
    parser.add_argument(
        "--baud",
        type=int,
        default=baud,
        help=f"line speed (default {baud})" if baud else "line speed (default: the profile's)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def table(data: Mapping[str, Any]) -> list[str]:
    """``key: value`` lines."""
    return [f"{key}: {value}" for key, value in data.items()]


def show(args: argparse.Namespace, data: Mapping[str, Any], lines: Iterable[str] = ()) -> None:
    """One JSON object with ``--json``, else ``lines`` (or the ``key: value`` table)."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False))
        return
    print("\n".join(list(lines) or table(data)))


def fail(args: argparse.Namespace, failure: Failure) -> int:
    """Say what failed and return its exit code."""
    if getattr(args, "json", False):
        print(json.dumps({"ok": False, "error": failure.message}, ensure_ascii=False))
    print(f"error: {failure.message}", file=sys.stderr)
    return failure.code


def run_device(
    args: argparse.Namespace,
    work: Callable[[], int],
    explain: Callable[[E], Failure],
    errors: tuple[type[E], ...] = (DeviceError,),  # type: ignore[assignment]
) -> int:
    """``work()``'s exit code, or the explained failure of the error (by default any device
    error) it raised."""
    try:
        return work()
    except errors as exc:
        return fail(args, explain(exc))
