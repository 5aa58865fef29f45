"""``kiosk demo``: the kiosk windowed with the reference backend and emulated devices, the
operator's device panel beside it, or ``--tour OUTDIR``: the scripted journey, headless."""

from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from demo.stack import DemoEndpoints


def register(subparsers: Any) -> None:
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
    demo.add_argument(
        "--locale",
        choices=("zh_CN", "en"),
        help="the kiosk's language (the tour in English checks no screen shows Chinese)",
    )
    demo.add_argument(
        "--receipts",
        type=Path,
        metavar="DIR",
        help="save printed slips (.bin, .txt, .png) here and keep them (default: a new folder)",
    )
    demo.set_defaults(func=cmd_demo)


def demo_config(base: Config, endpoints: DemoEndpoints) -> Config:
    """The demo's configuration: the embedded backend (as the demo terminal, the only one it
    knows), the emulators' ports."""
    from kiosk.config import DEMO_TERMINAL_ID, DEMO_TERMINAL_TOKEN

    devices = dataclasses.replace(
        base.devices,
        card_reader=endpoints.card_reader.port if endpoints.card_reader else "",
        printer=endpoints.printer.port if endpoints.printer else "",
        cash_acceptor=endpoints.cash_acceptor.port if endpoints.cash_acceptor else "",
    )
    backend = dataclasses.replace(
        base.backend, url=endpoints.backend_url, terminal_token=DEMO_TERMINAL_TOKEN
    )
    ui = dataclasses.replace(base.ui, fullscreen=False)
    return dataclasses.replace(
        base,
        terminal=dataclasses.replace(base.terminal, id=DEMO_TERMINAL_ID),
        backend=backend,
        devices=devices,
        ui=ui,
        journal_path=str(endpoints.workdir / "journal.sqlite3"),
    )


def receipts_dir(args: argparse.Namespace) -> Path | None:
    """Where the printer emulator saves slips: ``--receipts``, else a new folder that outlives
    the demo (the tour keeps its own under OUTDIR unless given one)."""
    if args.receipts is not None:
        return Path(args.receipts).expanduser().resolve()
    if args.tour is not None:
        return None
    import tempfile

    return Path(tempfile.mkdtemp(prefix="kiosk-demo-receipts-"))


def cmd_demo(args: argparse.Namespace) -> int:
    from demo.stack import DemoStack, DemoStackError
    from ui.app import run_interactive
    from ui.fonts import MissingCjkFontError

    try:
        base = load_config(args.config)
    except ConfigError as exc:
        print(f"kiosk: configuration error: {exc}")
        return 2
    if args.tour is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    receipts = receipts_dir(args)
    try:
        with DemoStack(today=args.today, receipts=receipts) as endpoints:
            config = demo_config(base, endpoints)
            if args.locale:
                config = dataclasses.replace(
                    config, ui=dataclasses.replace(config.ui, locale=args.locale)
                )
            if args.tour is not None:
                from demo.tour import run_tour

                return run_tour(config, endpoints, args.tour)
            from demo.device_panel import open_device_panel

            print(f"demo backend: {endpoints.backend_url}")
            print(f"receipts are saved in {endpoints.receipts_dir} (kept after the demo)")
            code = run_interactive(config, lambda shell: open_device_panel(shell, endpoints))
            print(f"receipts of this demo: {endpoints.receipts_dir}")
            return code
    except DemoStackError as exc:
        print(f"kiosk demo: {exc}")
        return 1
    except MissingCjkFontError as exc:
        print(f"kiosk demo: {exc}")
        return 3
