"""``kiosk journal backup DEST``: a consistent copy of the live journal (kiosk/journal_backup.py).

The journal's path comes from the terminal's configuration (``journal_path``, on a deployed
terminal ``/var/lib/kiosk/journal.sqlite3``) or ``--journal``. Exit codes: 0 copied, 1 failed,
2 configuration error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.config import ConfigError, load_config
from kiosk.journal_backup import BackupError, backup_journal

DEFAULT_CONFIG = Path("/etc/kiosk/kiosk.toml")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("journal", help="transaction journal tools")
    actions = parser.add_subparsers(dest="journal_action", required=True, metavar="ACTION")
    backup = actions.add_parser("backup", help="copy the live journal safely (sqlite backup API)")
    backup.add_argument("dest", type=Path, help="a file, or a directory for timestamped copies")
    backup.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help=f"default {DEFAULT_CONFIG}"
    )
    backup.add_argument("--journal", type=Path, help="the journal file (overrides the config)")
    backup.add_argument(
        "--keep", type=int, default=None, help="in a directory, keep only the newest N copies"
    )
    backup.set_defaults(func=run_backup)


def run_backup(args: argparse.Namespace) -> int:
    source: Path = args.journal
    if source is None:
        try:
            config = load_config(args.config)
        except ConfigError as exc:
            print(f"kiosk journal: configuration error: {exc}")
            return 2
        source = Path(config.journal_path).expanduser()
    try:
        result = backup_journal(source, args.dest, keep=args.keep)
    except BackupError as exc:
        print(f"kiosk journal backup: {exc}")
        return 1
    print(f"{result.path}: {result.entries} entries")
    for path in result.pruned:
        print(f"removed old backup {path.name}")
    return 0
