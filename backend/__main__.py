"""``python -m backend``: serve, seed, openapi, add-terminal, add-staff (see docs/api.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

DEFAULT_DB = "sqlite:///backend.db"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m backend", description="reference backend")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP API")
    serve.add_argument(
        "--db", default=DEFAULT_DB, help="SQLAlchemy URL (sqlite:///x.db, postgresql://...)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8600, help="0 picks a free port")
    serve.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    serve.add_argument("--demo", action="store_true", help="enable demo-only endpoints")
    serve.add_argument("--today", type=_date, help="pin the business date (YYYY-MM-DD)")
    serve.add_argument(
        "--workers", type=int, default=1, help="worker processes sharing the socket"
    )
    serve.add_argument(
        "--seed-demo",
        action="store_true",
        help="seed demo data if the DB is empty (with the demo terminal when --demo)",
    )
    serve.add_argument(
        "--config", type=Path, help="TOML: [timeouts] session_max, [limits], [http], [secrets]"
    )
    serve.add_argument(
        "--sms-resend-after",
        type=int,
        default=60,
        metavar="S",
        help="seconds before an SMS code may be re-sent (tests may use 0)",
    )

    serve.add_argument("--tls-cert", type=Path, help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, help="the certificate's private key (PEM)")
    serve.add_argument(
        "--tls-client-ca",
        type=Path,
        help="require client certificates signed by this CA (mutual TLS)",
    )

    seed = sub.add_parser("seed", help="fill an empty database with demo data")
    seed.add_argument("--db", default=DEFAULT_DB)
    seed.add_argument(
        "--customers", type=int, default=20, help="random customers besides the demo cardholders"
    )
    seed.add_argument("--seed", type=int, default=2026)
    seed.add_argument("--today", type=_date)
    seed.add_argument(
        "--heavy-per-month", type=int, default=10_800, help="data sessions of the heavy user"
    )
    seed.add_argument(
        "--demo",
        action="store_true",
        help="also provision the demo terminal KIOSK-DEMO-01 / demo-terminal-token",
    )

    sub.add_parser("openapi", help="print the OpenAPI document")

    fleet = sub.add_parser("terminals", help="every terminal's health, worst first")
    fleet.add_argument("--db", default=DEFAULT_DB)

    term = sub.add_parser("add-terminal", help="provision a terminal (id + token)")
    term.add_argument("--db", default=DEFAULT_DB)
    term.add_argument("--id", required=True, dest="terminal_id")
    term.add_argument("--token", required=True)
    term.add_argument("--name", default="")
    term.add_argument("--hall", default="", help="the business hall it stands in")

    staff = sub.add_parser(
        "add-staff", help="create a staff login for the fleet page (password read from stdin)"
    )
    staff.add_argument("--db", default=DEFAULT_DB)
    staff.add_argument("--username", required=True)
    staff.add_argument("--hall", default="", help="their hall; empty: every hall (IT)")
    return parser


def _read_password() -> str:
    """From a terminal: asked twice without echo; otherwise the first line of stdin."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve" and (
        bool(args.tls_cert) != bool(args.tls_key) or (args.tls_client_ca and not args.tls_cert)
    ):
        parser.error("--tls-cert and --tls-key go together; --tls-client-ca needs both")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic announces every plugin at INFO; only its problems matter here.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from backend.clock import Clock
    from backend.db.engine import is_empty, make_engine, migrate

    if args.command == "openapi":
        from backend.api.app import create_app

        engine = make_engine("sqlite://")
        doc = create_app(engine, demo_mode=True).openapi()
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
        return 0
    engine = make_engine(args.db)
    migrate(engine)
    clock = Clock(getattr(args, "today", None))  # add-terminal has no business date
    if args.command == "seed" or (args.command == "serve" and args.seed_demo and is_empty(engine)):
        from backend.seed.seeder import seed_database

        if not is_empty(engine):
            print("database already holds customers; refusing to seed", file=sys.stderr)
            return 2
        seed_database(
            engine,
            customers=getattr(args, "customers", 20),
            seed=getattr(args, "seed", 2026),
            today=clock.today(),
            heavy_per_month=getattr(args, "heavy_per_month", 10_800),
            demo_terminal=bool(getattr(args, "demo", False)),
        )
        if args.command == "seed":
            return 0
    if args.command == "terminals":
        from backend.ops.terminals import fleet, format_fleet

        now = clock.now()
        print(format_fleet(fleet(engine, now), now))
        return 0
    if args.command == "add-terminal":
        from backend.ops.terminals import add_terminal

        add_terminal(
            engine, args.terminal_id, args.token, args.name or args.terminal_id, args.hall
        )
        return 0
    if args.command == "add-staff":
        from backend.ops.staff import add_staff

        try:
            add_staff(engine, args.username, _read_password(), args.hall)
        except ValueError as exc:
            print(f"add-staff: {exc}", file=sys.stderr)
            return 2
        return 0
    from backend.api.app import create_app
    from backend.config import ConfigError, load_config
    from backend.server import TlsFiles, serve, serve_workers

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 2

    def build() -> FastAPI:
        return create_app(
            make_engine(args.db) if args.workers > 1 else engine,
            clock,
            demo_mode=args.demo,
            sms_resend_after=dt.timedelta(seconds=max(0, args.sms_resend_after)),
            config=config,
        )

    tls = TlsFiles(args.tls_cert, args.tls_key, args.tls_client_ca) if args.tls_cert else None
    if args.workers > 1:
        engine.dispose()  # each worker opens its own connections after the fork
        return serve_workers(build, args.host, args.port, args.port_file, args.workers, tls)
    serve(build(), args.host, args.port, args.port_file, tls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
