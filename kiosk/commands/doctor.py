"""``kiosk doctor [--config PATH] [--json]``: the terminal's fitness table (kiosk/doctor.py).

Exit 0 only when every check passed (skipped devices are not configured on this terminal);
1 when any failed.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kiosk.doctor import all_pass, format_table, run_checks

DEFAULT_CONFIG = Path("/etc/kiosk/kiosk.toml")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("doctor", help="check config, font, devices, backend, clock")
    parser.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help=f"default {DEFAULT_CONFIG}"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per check")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    results = run_checks(args.config)
    if args.json:
        for r in results:
            print(json.dumps({"check": r.name, "result": r.verdict.value, "detail": r.detail}))
    else:
        print(format_table(results))
    return 0 if all_pass(results) else 1
