"""``kiosk run`` (production) and ``kiosk demo`` (everything embedded, optionally a tour)."""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError, Mode, load_config

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="run the kiosk fullscreen (production)")
    run.add_argument("--config", type=Path, required=True, help="terminal TOML configuration")
    run.set_defaults(func=cmd_run)
    demo = subparsers.add_parser(
        "demo", help="run windowed with the reference backend and emulated devices"
    )
    demo.add_argument("--config", type=Path, help="optional TOML to override demo defaults")
    demo.add_argument(
        "--tour",
        type=Path,
        metavar="OUTDIR",
        help="headless scripted journey; screenshots and tour.json into OUTDIR",
    )
    demo.add_argument("--today", help="pin the demo business date (YYYY-MM-DD)")
    demo.set_defaults(func=cmd_demo)


def cmd_run(args: argparse.Namespace) -> int:
    """A hall terminal: the file must carry its own credentials (no demo value passes)."""
    try:
        config = load_config(args.config, Mode.RUN)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}")
        return 2
    from ui.app import run_interactive
    from ui.fonts import MissingCjkFontError
    try:
        return run_interactive(config)
    except MissingCjkFontError as exc:
        print(f"kiosk: {exc}")
        return 3


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.demo_stack import DemoStack, DemoStackError
    from ui.app import demo_config, run_interactive
    from ui.fonts import MissingCjkFontError

    try:
        base = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}")
        return 2
    if args.tour is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        with DemoStack(today=args.today) as endpoints:
            config = demo_config(base, endpoints)
            if args.tour is not None:
                from ui.tour import run_tour

                return run_tour(config, endpoints, args.tour)
            from ui.demo.device_panel import open_device_panel

            print(f"demo backend: {endpoints.backend_url}")
            return run_interactive(config, lambda shell: open_device_panel(shell, endpoints))
    except DemoStackError as exc:
        print(f"kiosk demo: {exc}")
        return 1
    except MissingCjkFontError as exc:
        print(f"kiosk demo: {exc}")
        return 3
