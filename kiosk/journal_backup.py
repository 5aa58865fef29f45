"""A consistent copy of the live transaction journal, taken while the kiosk keeps writing.

SQLite's online backup API copies the database page by page under its own locking, so the copy
is a valid database as of one moment even if a transaction is journaled mid-copy; copying the
file with ``cp`` could catch half a write. The copy is written beside the destination, checked
with ``PRAGMA integrity_check`` and only then renamed into place, so a backup directory never
holds a torn file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BACKUP_PREFIX = "journal-"
BACKUP_SUFFIX = ".sqlite3"


class BackupError(RuntimeError):
    """The backup could not be made; the message says why (no personal data)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    entries: int
    pruned: tuple[Path, ...]


def backup_name(now: dt.datetime) -> str:
    """``journal-20261202T031500Z.sqlite3``: sorts by time, one per second at most."""
    return f"{BACKUP_PREFIX}{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}{BACKUP_SUFFIX}"


def backup_journal(
    source: Path, dest: Path, *, keep: int | None = None, now: dt.datetime | None = None
) -> BackupResult:
    """Copy ``source`` to ``dest`` (a file, or an existing directory that gets a timestamped
    file); in a directory, keep only the newest ``keep`` backups."""
    if not source.is_file():
        raise BackupError(f"no journal at {source}")
    stamp = now or dt.datetime.now(dt.UTC)
    target = dest / backup_name(stamp) if dest.is_dir() else dest
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        # Read-only URI: a backup must never create or change the live journal.
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(str(tmp))
            try:
                src.backup(out)
                (verdict,) = out.execute("PRAGMA integrity_check").fetchone()
                if verdict != "ok":
                    raise BackupError(f"copy failed its integrity check: {verdict}")
                entries = _count(out)
            finally:
                out.close()
        finally:
            src.close()
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"sqlite: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    pruned = _prune(target.parent, keep) if dest.is_dir() and keep else ()
    log.info("journal backed up: %d entries", entries)
    return BackupResult(target, entries, pruned)


def _count(db: sqlite3.Connection) -> int:
    row = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'"
    ).fetchone()
    if not row[0]:
        return 0
    return int(db.execute("SELECT count(*) FROM journal").fetchone()[0])


def _prune(directory: Path, keep: int) -> tuple[Path, ...]:
    backups = sorted(directory.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))
    old = tuple(backups[:-keep]) if len(backups) > keep else ()
    for path in old:
        path.unlink()
    return old
