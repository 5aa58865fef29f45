"""A throw-away PostgreSQL cluster for tests (skipped where PostgreSQL is not installed)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_binary(name: str) -> str | None:
    """On PATH, else where Debian's postgresql package puts it (/usr/lib/postgresql/N/bin,
    the newest N first): a fresh Debian has the server binaries only there."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
        reverse=True,
    )
    return str(candidates[0]) if candidates else None


@contextmanager
def temp_postgres() -> Iterator[str]:
    """initdb + pg_ctl start on a free loopback port; yields a SQLAlchemy URL."""
    initdb, pg_ctl = _server_binary("initdb"), _server_binary("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL server binaries not installed")
    # PostgreSQL refuses to run as root: run it as 'nobody' then.
    prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if prefix and not shutil.which("runuser"):
        pytest.skip("running as root without runuser")
    # Own directory directly under /tmp: pytest's tmp dirs are private to root.
    workdir = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    if prefix:
        shutil.chown(workdir, "nobody")
    data, port = workdir / "data", _free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "kiosk", "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=workdir,
    )
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [
            *prefix,
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(workdir / "pg.log"),
            "-o",
            options,
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
        timeout=120,
        cwd=workdir,
    )
    try:
        yield f"postgresql://kiosk@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False,
            capture_output=True,
            timeout=60,
            cwd=workdir,
        )
        shutil.rmtree(workdir, ignore_errors=True)
