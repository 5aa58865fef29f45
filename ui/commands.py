"""``kiosk run``: the kiosk in production (``kiosk demo`` lives in demo/commands.py)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError, Mode, load_config

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="run the kiosk fullscreen (production)")
    run.add_argument("--config", type=Path, required=True, help="terminal TOML configuration")
    run.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    """A hall terminal: the file must carry its own credentials (no demo value passes)."""
    try:
        config = load_config(args.config, Mode.RUN)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}")
        return 2
    from ui.heap import pause_collection, resume_collection

    pause_collection()  # from here to the first frame (ui/heap.py)
    from ui.app import run_interactive
    from ui.fonts import MissingCjkFontError

    try:
        return run_interactive(config)
    except MissingCjkFontError as exc:
        print(f"kiosk: {exc}")
        return 3
    finally:
        resume_collection()
