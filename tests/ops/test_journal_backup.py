"""``kiosk journal backup``: a consistent copy of a journal that is being written meanwhile."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.journal import Journal
from kiosk.journal_backup import BackupError, backup_journal, backup_name


def _rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        query = "SELECT idempotency_key, masked_phone FROM journal ORDER BY id"
        return db.execute(query).fetchall()


def test_backup_while_the_kiosk_writes(tmp_path: Path) -> None:
    live = tmp_path / "journal.sqlite3"
    journal = Journal(live)
    for i in range(50):
        journal.begin("pay", f"key-{i}", "13800138000", 5000)
    stop = threading.Event()

    def writer() -> None:
        i = 50
        while not stop.is_set():
            journal.begin("pay", f"key-{i}", "13800138000", 100)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = backup_journal(live, tmp_path / "copy.sqlite3")
    finally:
        stop.set()
        thread.join()
    rows = _rows(result.path)
    assert result.entries == len(rows) >= 50
    assert rows[:2] == [("key-0", "138****8000"), ("key-1", "138****8000")]
    with sqlite3.connect(result.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    journal.close()
    assert not list(tmp_path.glob("*.partial"))


def test_directory_backups_are_timestamped_and_pruned(tmp_path: Path) -> None:
    live = tmp_path / "journal.sqlite3"
    Journal(live).close()
    out = tmp_path / "backups"
    out.mkdir()
    start = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)
    for day in range(4):
        result = backup_journal(live, out, keep=2, now=start + dt.timedelta(days=day))
    assert result.path.name == backup_name(start + dt.timedelta(days=3))
    assert result.path.name == "journal-20260304T020000Z.sqlite3"
    assert sorted(p.name for p in out.iterdir()) == [
        "journal-20260303T020000Z.sqlite3",
        "journal-20260304T020000Z.sqlite3",
    ]


def test_a_missing_journal_is_an_error_not_an_empty_copy(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no journal"):
        backup_journal(tmp_path / "absent.sqlite3", tmp_path / "copy.sqlite3")
    assert not (tmp_path / "absent.sqlite3").exists()  # read-only: never created


def test_command_reads_the_journal_path_from_the_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = tmp_path / "state" / "journal.sqlite3"
    journal = Journal(live)
    journal.begin("dispute", "k1", "13900139000")
    journal.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(f'journal_path = "{live}"\n', encoding="utf-8")
    dest = tmp_path / "b.sqlite3"
    assert main(["journal", "backup", str(dest), "--config", str(config)]) == 0
    assert capsys.readouterr().out.strip() == f"{dest}: 1 entries"
    assert _rows(dest) == [("k1", "139****9000")]
    assert main(["journal", "backup", str(dest), "--journal", str(tmp_path / "nope")]) == 1
