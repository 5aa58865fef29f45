"""Backend benchmarks, measured through HTTP on loopback against a real server subprocess.

1. One page (100 rows) of itemised records for a customer with ~50,000 records over 5 closed
   months (the heavy demo user): p95 <= 20 ms with keyset (cursor) pagination on SQLite.
   Baseline, same run, same pages: OFFSET pagination.
2. 200 simulated kiosks running mixed journeys (identify, overview, bills, record pages, end)
   with human think time (2-6 s per screen) for 60 s: p99 <= 200 ms and zero errors.
   Baseline: the same journeys from 1 kiosk, back to back, on the otherwise idle server.

SMS codes can only be re-sent after 60 s, so each line's details session (password + SMS) is
opened once at setup and shared by the kiosks serving that line; every journey still starts
with a password identification of its own.

The seed and the server are pinned to the real business date of the run (the 5 closed months
before it). The load generator uses bench.http1 (cheap in CPU: it shares the machine with the
server). Run it alone with ``python -m bench backend``; ``BENCH_BACKEND_VERBOSE=1`` keeps the
server's per-request route timings (bench_backend.log in ``BENCH_BACKEND_LOG_DIR``), which
tell the time spent inside the app from the time queued before it.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from backend.clock import Clock, closed_months
from bench import Result
from bench.http1 import Connection, HttpError

REPO = Path(__file__).resolve().parents[1]
# The real business date (Asia/Shanghai), pinned on the seed and the server of one run; the
# heavy line's records and the pages read are the 5 closed months before it.
TODAY = Clock().today().isoformat()
TERMINAL = {"Authorization": "Bearer demo-terminal-token", "X-Terminal-Id": "KIOSK-DEMO-01"}
PASSWORD = "864213"
HEAVY = "15800001111"
MONTHS = tuple(sorted(closed_months(Clock().today())))
LOAD_SECONDS = float(os.environ.get("BENCH_BACKEND_LOAD_S", "60"))
BASELINE_SECONDS = float(os.environ.get("BENCH_BACKEND_BASELINE_S", "10"))
KIOSKS = int(os.environ.get("BENCH_BACKEND_KIOSKS", "200"))
# BENCH_BACKEND_VERBOSE=1: the server logs every request's route and duration into
# BENCH_BACKEND_LOG_DIR (default: the run's temporary directory) as bench_backend.log.
VERBOSE = ["-v"] if os.environ.get("BENCH_BACKEND_VERBOSE") else []


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


class Server:
    """``python -m backend serve`` on a seeded temp database."""

    @staticmethod
    def _config(workdir: Path) -> Path:
        """Throttling lifted: the 200 simulated kiosks all share the one demo terminal id."""
        path = workdir / "backend.toml"
        path.write_text(
            "[limits]\n"
            + "".join(
                f"{name} = {{ count = 1000000, window_s = 60 }}\n"
                for name in (
                    "identify_per_terminal",
                    "identify_overall",
                    "sms_per_terminal",
                    "sms_overall",
                )
            ),
            "utf-8",
        )
        return path

    def __init__(self, workdir: Path) -> None:
        db = f"sqlite:///{workdir / 'bench.sqlite3'}"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "backend",
                "seed",
                "--demo",
                "--db",
                db,
                "--customers",
                "20",
                "--seed",
                "2026",
                "--today",
                TODAY,
            ],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        self.seed_seconds = time.perf_counter() - started
        port_file = workdir / "port"
        log_dir = Path(os.environ.get("BENCH_BACKEND_LOG_DIR", workdir))
        self._log = (log_dir / "bench_backend.log").open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "backend",
                *VERBOSE,
                "serve",
                "--db",
                db,
                "--port",
                "0",
                "--port-file",
                str(port_file),
                "--demo",
                "--today",
                TODAY,
                "--config",
                str(self._config(workdir)),
            ],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("backend did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)
        self._log.close()


def _details_session(http: requests.Session, url: str, phone: str) -> str:
    """Password + SMS code (read from the demo outbox) -> a token allowed to read records."""
    r = http.post(
        f"{url}/v1/sessions/password",
        json={"phone": phone, "password": PASSWORD},
        headers=TERMINAL,
        timeout=10,
    )
    r.raise_for_status()
    token = r.json()["session_token"]
    headers = {**TERMINAL, "X-Session-Token": token}
    http.post(f"{url}/v1/sessions/sms-code", json={"phone": phone}, headers=headers, timeout=10)
    outbox = http.post(
        f"{url}/v1/demo/sms-outbox", json={"phone": phone}, headers=TERMINAL, timeout=10
    ).json()
    match = re.search(r"(\d{6})", outbox["messages"][0]["text"])
    assert match
    r = http.post(
        f"{url}/v1/sessions/sms-verify",
        json={"phone": phone, "code": match.group(1)},
        headers=headers,
        timeout=10,
    )
    r.raise_for_status()
    return str(token)


def bench_pages(url: str, token: str) -> tuple[float, float, int]:
    """(keyset p95 ms, OFFSET p95 ms, records of the heavy line in the 5 closed months)."""
    headers = {**TERMINAL, "X-Session-Token": token}
    keyset: list[float] = []
    offsets: list[float] = []
    total = 0
    with requests.Session() as http:
        http.trust_env = False
        for month in MONTHS:
            cursor: str | None = None
            depth = 0
            while True:
                params: dict[str, Any] = {"month": month, "limit": 100}
                if cursor:
                    params["cursor"] = cursor
                t0 = time.perf_counter()
                r = http.get(f"{url}/v1/records", params=params, headers=headers, timeout=10)
                keyset.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
                page = r.json()
                if page["totals"]:
                    total += page["totals"]["count"]
                # The same page by OFFSET (what a naive "page N" API would do).
                offset_params: dict[str, Any] = {"month": month, "limit": 100, "offset": depth}
                t0 = time.perf_counter()
                r = http.get(f"{url}/v1/records", params=offset_params, headers=headers, timeout=10)
                offsets.append((time.perf_counter() - t0) * 1000)
                r.raise_for_status()
                same = [i["record_id"] for i in r.json()["items"]]
                assert same == [i["record_id"] for i in page["items"]]
                depth += len(page["items"])
                cursor = page["next_cursor"]
                if not cursor:
                    break
    return _pct(keyset, 95), _pct(offsets, 95), total


@dataclass
class LoadStats:
    """Latencies and errors of a load run."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    journeys: int = 0


async def _kiosk(
    server: tuple[str, int],
    phone: str,
    details: str,
    stop_at: float,
    stats: LoadStats,
    rng: random.Random,
    think_scale: float,
) -> None:
    conn = Connection(*server)

    async def call(method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
        t0 = time.perf_counter()
        try:
            r = await asyncio.wait_for(conn.request(method, path, headers, body), 10)
        except (HttpError, TimeoutError) as exc:
            stats.errors.append(f"{path.split('?', maxsplit=1)[0]}: {type(exc).__name__}")
            await conn.close()
            return None
        stats.latencies.append((time.perf_counter() - t0) * 1000)
        if r.status >= 400:
            stats.errors.append(f"{path.split('?', maxsplit=1)[0]}: HTTP {r.status}")
            return None
        return r.json() if r.body else {}

    async def think(low: float = 2.0, high: float = 6.0) -> None:
        # A person reads a screen and touches the next button: seconds, not milliseconds.
        await asyncio.sleep(rng.uniform(low, high) * think_scale)

    await asyncio.sleep(rng.uniform(0, 5) * think_scale)  # customers do not all arrive at once
    while time.perf_counter() < stop_at:
        login = await call(
            "POST", "/v1/sessions/password", TERMINAL, {"phone": phone, "password": PASSWORD}
        )
        if login is None:
            await think()
            continue
        mine = {**TERMINAL, "X-Session-Token": login["session_token"]}
        await think()
        await call("GET", "/v1/account", mine)
        await think()
        await call("GET", "/v1/bills", mine)
        await think()
        det = {**TERMINAL, "X-Session-Token": details}
        query = f"month={rng.choice(MONTHS)}&limit=100"
        if rng.random() < 0.4:
            query += f"&kind={rng.choice(('call', 'sms', 'data'))}"
        page = await call("GET", f"/v1/records?{query}", det)
        for _ in range(rng.randrange(0, 3)):
            if not page or not page.get("next_cursor"):
                break
            await think(1.5, 4.0)
            page = await call(
                "GET", f"/v1/records?{query}&cursor={quote(page['next_cursor'])}", det
            )
        await think()
        await call("DELETE", "/v1/sessions/current", mine)
        stats.journeys += 1
        await think(3.0, 8.0)  # the next customer steps up
    await conn.close()


async def _load(
    url: str, sessions: dict[str, str], kiosks: int, seconds: float, think_scale: float = 1.0
) -> LoadStats:
    """``kiosks`` customers, each on its own keep-alive connection.

    The load generator shares the machine's CPU with the server: it uses bench.http1 (a few
    hundred microseconds a request) rather than httpx (about a millisecond), which on a
    busy machine made the generator's own queue part of the latencies it measured."""
    stats = LoadStats()
    numbers = sorted(sessions)
    split = urlsplit(url)
    server = (split.hostname or "127.0.0.1", split.port or 80)
    stop_at = time.perf_counter() + seconds
    await asyncio.gather(
        *(
            _kiosk(
                server,
                numbers[k % len(numbers)],
                sessions[numbers[k % len(numbers)]],
                stop_at,
                stats,
                random.Random(k),
                think_scale,
            )
            for k in range(kiosks)
        )
    )
    return stats


def _line_numbers(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT number FROM lines ORDER BY id")]


def run() -> list[Result]:
    """Seed, serve, measure (about two minutes)."""
    with tempfile.TemporaryDirectory(prefix="bench_backend_") as tmp:
        server = Server(Path(tmp))
        try:
            with requests.Session() as http:
                http.trust_env = False
                numbers = _line_numbers(Path(tmp) / "bench.sqlite3")
                sessions = {n: _details_session(http, server.url, n) for n in numbers}
            keyset_p95, offset_p95, heavy_records = bench_pages(server.url, sessions[HEAVY])
            # Baseline: one kiosk on an otherwise idle server, journeys back to back.
            single = asyncio.run(_load(server.url, sessions, 1, BASELINE_SECONDS, think_scale=0))
            crowd = asyncio.run(_load(server.url, sessions, KIOSKS, LOAD_SECONDS))
        finally:
            server.stop()
    crowd_p99 = _pct(crowd.latencies, 99)
    single_p99 = _pct(single.latencies, 99)
    print(
        f"   seed {server.seed_seconds:.1f} s; heavy line {heavy_records} records in 5 months; "
        f"load: {len(crowd.latencies)} requests, {crowd.journeys} journeys, "
        f"{len(crowd.errors)} errors {sorted(set(crowd.errors))[:5]}; "
        f"1 kiosk: {len(single.latencies)} requests, p50 {_pct(single.latencies, 50):.1f} ms; "
        f"crowd p50 {_pct(crowd.latencies, 50):.1f} ms",
        flush=True,
    )
    return [
        Result(
            name="backend.records_page_p95_keyset_vs_offset",
            value=keyset_p95,
            unit="ms",
            baseline=offset_p95,
            target="<= 20 ms (>= 50,000 records)",
            met=keyset_p95 <= 20.0 and heavy_records >= 50_000,
        ),
        Result(
            name=f"backend.load_p99_{KIOSKS}_kiosks_vs_1",
            value=crowd_p99,
            unit="ms",
            baseline=single_p99,
            target="<= 200 ms, 0 errors",
            met=crowd_p99 <= 200.0 and not crowd.errors and not single.errors,
        ),
    ]
