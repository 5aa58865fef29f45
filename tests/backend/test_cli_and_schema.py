"""Command line contracts (serve/seed) and migrations that match the schema in code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from backend.db.engine import is_empty, make_engine, migrate
from backend.db.tables import metadata
from tests.fixtures.live_backend import REPO


def test_migrations_produce_exactly_the_schema_in_code(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    try:
        migrate(engine)
        migrate(engine)  # a second run is a no-op
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
        assert is_empty(engine)
    finally:
        engine.dispose()


def _backend(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend", *args],
        cwd=REPO,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_seed_refuses_a_database_with_customers(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.sqlite3'}"
    args = ("seed", "--db", db, "--customers", "1", "--today", "2026-11-25")
    first = _backend(*args, "--heavy-per-month", "20")
    assert first.returncode == 0, first.stderr
    second = _backend(*args)
    assert second.returncode == 2
    assert "refusing" in second.stderr


def test_openapi_command_prints_the_document() -> None:
    result = _backend("openapi")
    assert result.returncode == 0
    assert result.stdout == (REPO / "docs" / "openapi.json").read_text("utf-8")


@pytest.mark.slow
def test_serve_seed_demo_starts_from_an_empty_database(tmp_path: Path) -> None:
    """What `kiosk demo` relies on: one subprocess migrates, seeds and serves."""
    fresh = tmp_path
    port_file = fresh / "port"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backend",
            "serve",
            "--db",
            f"sqlite:///{fresh / 'db.sqlite3'}",
            "--port",
            "0",
            "--port-file",
            str(port_file),
            "--demo",
            "--seed-demo",
            "--today",
            "2026-11-25",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:  # blocks on the pipe until the server reports readiness
            if "backend listening on port" in line:
                break
        else:
            pytest.fail("server exited before listening")
        port = int(port_file.read_text().strip())
        assert line.strip().endswith(str(port))
        engine = make_engine(f"sqlite:///{fresh / 'db.sqlite3'}")
        try:
            assert not is_empty(engine)
        finally:
            engine.dispose()
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        if proc.stderr is not None:
            proc.stderr.close()
