"""The A4 statement job: sent to CUPS when a queue is configured, and then not kept on disk."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest

from kiosk.backend.factors import Factor
from kiosk.config import Config, DevicesConfig
from kiosk.i18n import Translator
from kiosk.session import Customer, SessionManager
from tests.kiosk.test_bills import _five
from ui.background import SyncRunner
from ui.context import AppContext
from ui.screens.bills.output import StatementOutput
from ui.screens.bills.statement_job import statement_job


def _ctx(queue: str) -> AppContext:
    config = dataclasses.replace(Config(), devices=DevicesConfig(a4_printer=queue))
    sessions = SessionManager(lambda: 0.0)
    sessions.identify(Customer("13800138000", "张*峰", "全球通", {Factor.PASSWORD}))
    return AppContext(config, Translator(), SyncRunner(), sessions, lambda: 0.0)


def test_printed_statement_leaves_no_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir, spool, out = tmp_path / "bin", tmp_path / "spool", tmp_path / "statements"
    bin_dir.mkdir()
    spool.mkdir()
    lp = bin_dir / "lp"
    lp.write_text(f'#!/bin/sh\ncp "$6" {spool}/job.pdf\necho "request id is A4-7"\n')
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    saved = statement_job(_ctx("hall-a4"), StatementOutput(out), _five(), None, True)()
    assert saved.sent_to_printer
    assert (spool / "job.pdf").read_bytes().startswith(b"%PDF")
    assert list(out.iterdir()) == []


def test_without_a4_printer_the_statement_is_saved(tmp_path: Path) -> None:
    saved = statement_job(_ctx(""), StatementOutput(tmp_path), _five(), None, True)()
    assert not saved.sent_to_printer
    assert saved.path.read_bytes().startswith(b"%PDF")
    assert "13800138000" not in saved.path.name
