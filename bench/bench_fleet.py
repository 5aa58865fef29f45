"""A hall operator's whole fleet on the reference backend: PostgreSQL, several workers.

2,000 terminals report their health (``PUT /v1/terminal/status``) and 200 of them have a
customer going through journeys (password identification, account, bills, record pages,
end) with human think time; ten hall staff keep the fleet page open (it re-fetches its
table every 10 s). Each terminal reports once a minute, as the kiosk does, its phase spread
over ``STORM_S`` seconds (default: the whole minute; ``BENCH_FLEET_STORM_S=10`` models every
kiosk of the fleet switched on at the same moment).

Target: p99 <= 200 ms over every terminal and customer request, 0 errors, with
``WORKERS`` uvicorn workers; the baseline is the same load, same database, on one worker.
Bounded: a throw-away PostgreSQL cluster on loopback (fsync off), a fixed number of
terminals and customers, ``LOAD_S`` seconds per run. Run it with ``python -m bench fleet``.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from backend.clock import Clock, closed_months
from bench import Result
from bench.http1 import Connection, HttpError, Response

REPO = Path(__file__).resolve().parents[1]
# The real business date (Asia/Shanghai), pinned on the seed and the servers of one run; the
# customers page through the closed months before it.
TODAY = Clock().today().isoformat()
PASSWORD = "864213"
MONTHS = tuple(closed_months(Clock().today()))
TERMINALS = int(os.environ.get("BENCH_FLEET_TERMINALS", "2000"))
CUSTOMERS = int(os.environ.get("BENCH_FLEET_CUSTOMERS", "200"))
WORKERS = int(os.environ.get("BENCH_FLEET_WORKERS", "4"))
LOAD_S = float(os.environ.get("BENCH_FLEET_LOAD_S", "90"))
# The terminals' report phases are spread over this many seconds: a whole minute (the steady
# state of a fleet switched on at different times); less models every kiosk booting at once.
STORM_S = float(os.environ.get("BENCH_FLEET_STORM_S", "60"))
REPORT_PERIOD_S = 60.0  # ui/status_reporter.INTERVAL_MS
STAFF_PAGES = 10
TERMINALS_PER_HALL = 20
STAFF_PASSWORD = "bench staff password"
# BENCH_FLEET_VERBOSE=1: the servers log every request's route and duration (bench_fleet_*.log)
VERBOSE = ["-v"] if os.environ.get("BENCH_FLEET_VERBOSE") else []
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/local/bin")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def terminal_id(k: int) -> str:
    return f"BENCH-{k:04d}"


def terminal_headers(k: int) -> dict[str, str]:
    token = f"bench-terminal-token-{k:04d}"
    return {"Authorization": f"Bearer {token}", "X-Terminal-Id": terminal_id(k)}


def hall_of(k: int) -> str:
    return f"H{k // TERMINALS_PER_HALL:03d}"


def _pg_tool(name: str) -> str:
    for directory in PG_BIN_DIRS:
        candidate = Path(directory) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found


@contextmanager
def postgres() -> Iterator[str]:
    """A throw-away cluster on a free loopback port (fsync off); yields its URL."""
    prefix = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    workdir = Path(tempfile.mkdtemp(prefix="bench-fleet-pg-"))
    if prefix:
        shutil.chown(workdir, "nobody")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    data = workdir / "data"
    subprocess.run(
        [*prefix, _pg_tool("initdb"), "-D", str(data), "-U", "kiosk", "--auth=trust", "-E", "UTF8"],
        check=True, capture_output=True, timeout=120, cwd=workdir,
    )
    # Every worker's pool may hold 40 connections.
    options = (
        f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off "
        f"-c synchronous_commit=off -c max_connections={max(100, 45 * WORKERS + 20)}"
    )
    pg_ctl = _pg_tool("pg_ctl")
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-l", str(workdir / "pg.log"), "-o", options, "-w",
         "start"],
        check=True, capture_output=True, timeout=120, cwd=workdir,
    )
    try:
        yield f"postgresql://kiosk@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"],
            check=False, capture_output=True, timeout=60, cwd=workdir,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def prepare(db: str) -> list[str]:
    """Seed customers, provision the terminals and a staff login; the customers' numbers."""
    subprocess.run(
        [sys.executable, "-m", "backend", "seed", "--db", db, "--customers", "20",
         "--seed", "2026", "--today", TODAY, "--heavy-per-month", "1200"],
        cwd=REPO, check=True, capture_output=True, timeout=600,
    )
    from sqlalchemy import insert, select

    from backend.db import tables as t
    from backend.db.engine import make_engine
    from backend.ops.staff import add_staff
    from backend.security import digest

    engine = make_engine(db)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(t.terminals),
                [
                    {
                        "terminal_id": terminal_id(k),
                        "token_hash": digest(f"bench-terminal-token-{k:04d}"),
                        "name": f"bench {k}",
                        "active": True,
                        "hall": hall_of(k),
                    }
                    for k in range(TERMINALS)
                ],
            )
            numbers = [r[0] for r in conn.execute(select(t.lines.c.number).order_by(t.lines.c.id))]
        add_staff(engine, "bench-it", STAFF_PASSWORD)
    finally:
        engine.dispose()
    return numbers


class Server:
    """``python -m backend serve --workers N`` on the shared database."""

    def __init__(self, db: str, workdir: Path, workers: int) -> None:
        port_file = workdir / f"port-{workers}"
        log_dir = Path(os.environ.get("BENCH_FLEET_LOG_DIR", workdir))
        self._log_path = log_dir / f"bench_fleet_{workers}.log"
        self._log = self._log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "backend", *VERBOSE, "serve", "--db", db, "--port", "0",
             "--port-file", str(port_file), "--demo", "--today", TODAY,
             "--sms-resend-after", "0", "--workers", str(workers)],
            cwd=REPO, stdout=self._log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 90
        # Every worker logs once it accepts; the load starts when all of them do.
        while self._log_path.read_text("utf-8", "replace").count("backend listening") < workers:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("backend did not start: " + self._log_path.read_text()[-2000:])
            time.sleep(0.1)
        self.url = f"http://127.0.0.1:{port_file.read_text().strip()}"

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self._log.close()


@dataclass
class Stats:
    """Latencies (ms) by kind of request, and errors."""

    status: list[float] = field(default_factory=list)
    customer: list[float] = field(default_factory=list)
    staff: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    journeys: int = 0


async def _request(
    conn: Connection,
    into: list[float],
    stats: Stats,
    method: str,
    path: str,
    headers: dict[str, str],
    json_body: Any = None,
) -> Response | None:
    t0 = time.perf_counter()
    try:
        r = await asyncio.wait_for(conn.request(method, path, headers, json_body), 15)
    except (HttpError, TimeoutError) as exc:
        stats.errors.append(f"{path.split('?', maxsplit=1)[0]}: {type(exc).__name__}")
        await conn.close()
        return None
    into.append((time.perf_counter() - t0) * 1000)
    if r.status >= 400:
        stats.errors.append(f"{path.split('?', maxsplit=1)[0]}: HTTP {r.status}")
        return None
    return r


def _problems(rng: random.Random) -> list[str]:
    """A terminal's trouble: most are fine, a few have paper or reader problems."""
    roll = rng.random()
    if roll < 0.02:
        return ["printer_paper_out", "printer_offline"]
    if roll < 0.06:
        return ["printer_paper_near_end"]
    if roll < 0.07:
        return ["reader_lost"]
    return []


def _health(k: int, problems: list[str], rng: random.Random) -> dict[str, Any]:
    """A plausible report of terminal ``k`` with its current problems."""
    return {
        "app_version": "0.1.0",
        "reader": "fault" if "reader_lost" in problems else "ok",
        "printer": "fault" if "printer_offline" in problems else "ok",
        "problems": problems,
        "journal_unresolved": 1 if rng.random() < 0.02 else 0,
        "in_session": k < CUSTOMERS,
        "uptime_s": rng.randrange(60, 864_000),
    }


async def _terminal(
    server: tuple[str, int], k: int, stop_at: float, stats: Stats, rng: random.Random
) -> None:
    headers = terminal_headers(k)
    problems = _problems(rng)
    await asyncio.sleep(rng.uniform(0, STORM_S))
    while time.perf_counter() < stop_at:
        if rng.random() < 0.05:  # now and then paper runs low, someone refills it ...
            problems = _problems(rng)
        # A report a minute: the server's 30 s keep-alive has closed the last connection.
        conn = Connection(*server)
        await _request(conn, stats.status, stats, "PUT", "/v1/terminal/status", headers,
                       _health(k, problems, rng))
        await conn.close()
        await asyncio.sleep(REPORT_PERIOD_S * rng.uniform(0.97, 1.03))


async def _customer(
    server: tuple[str, int],
    k: int,
    phone: str,
    details: str,
    stop_at: float,
    stats: Stats,
    rng: random.Random,
) -> None:
    terminal = terminal_headers(k)
    lat = stats.customer
    conn = Connection(*server)

    async def think(low: float = 2.0, high: float = 6.0) -> None:
        await asyncio.sleep(rng.uniform(low, high))  # a person reads the screen

    await asyncio.sleep(rng.uniform(0, 5))
    while time.perf_counter() < stop_at:
        login = await _request(conn, lat, stats, "POST", "/v1/sessions/password", terminal,
                               {"phone": phone, "password": PASSWORD})
        if login is None:
            await think()
            continue
        mine = {**terminal, "X-Session-Token": login.json()["session_token"]}
        await think()
        await _request(conn, lat, stats, "GET", "/v1/account", mine)
        await think()
        await _request(conn, lat, stats, "GET", "/v1/bills", mine)
        await think()
        det = {**terminal, "X-Session-Token": details}
        query = f"month={rng.choice(MONTHS)}&limit=100"
        page = await _request(conn, lat, stats, "GET", f"/v1/records?{query}", det)
        for _ in range(rng.randrange(0, 3)):
            cursor = page.json().get("next_cursor") if page is not None else None
            if not cursor:
                break
            await think(1.5, 4.0)
            page = await _request(conn, lat, stats, "GET",
                                  f"/v1/records?{query}&cursor={quote(cursor)}", det)
        await think()
        await _request(conn, lat, stats, "DELETE", "/v1/sessions/current", mine)
        stats.journeys += 1
        await think(3.0, 8.0)
    await conn.close()


async def _staff_login(url: str) -> str:
    """Staff log in once a shift: done before the load, not part of what is measured."""
    async with httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as client:
        form = await client.get("/staff/login")
        found = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert found
        r = await client.post(
            "/staff/login",
            data={"csrf": found.group(1), "username": "bench-it", "password": STAFF_PASSWORD},
            headers={"Origin": url},
        )
        if r.status_code != 303:
            raise RuntimeError(f"staff login failed: HTTP {r.status_code}")
        return f"kiosk_staff={r.cookies['kiosk_staff']}"


async def _staff(
    server: tuple[str, int], cookie: str, hall: str, stop_at: float, stats: Stats,
    rng: random.Random,
) -> None:
    """A phone with the fleet page open: its table every 10 s."""
    conn = Connection(*server)
    await asyncio.sleep(rng.uniform(0, 10))
    while time.perf_counter() < stop_at:
        await _request(conn, stats.staff, stats, "GET", f"/staff/fleet/table?hall={hall}",
                       {"Cookie": cookie})
        await asyncio.sleep(10)
    await conn.close()


async def _details_sessions(url: str, numbers: list[str]) -> dict[int, str]:
    """Each customer terminal opens one details session (password + SMS) at setup."""
    out: dict[int, str] = {}
    async with httpx.AsyncClient(base_url=url, timeout=30, trust_env=False) as c:
        for k in range(CUSTOMERS):
            phone, headers = numbers[k % len(numbers)], terminal_headers(k)
            r = await c.post("/v1/sessions/password", headers=headers,
                             json={"phone": phone, "password": PASSWORD})
            r.raise_for_status()
            token = r.json()["session_token"]
            mine = {**headers, "X-Session-Token": token}
            (await c.post("/v1/sessions/sms-code", json={"phone": phone}, headers=mine))
            outbox = await c.post("/v1/demo/sms-outbox", json={"phone": phone}, headers=headers)
            code = re.search(r"(\d{6})", outbox.json()["messages"][0]["text"])
            assert code
            r = await c.post("/v1/sessions/sms-verify", headers=mine,
                             json={"phone": phone, "code": code.group(1)})
            r.raise_for_status()
            out[k] = token
    return out


async def _load(url: str, numbers: list[str], details: dict[int, str]) -> Stats:
    stats = Stats()
    cookies = [await _staff_login(url) for _ in range(STAFF_PAGES)]
    split = urlsplit(url)
    server = (split.hostname or "127.0.0.1", split.port or 80)
    stop_at = time.perf_counter() + LOAD_S
    await asyncio.gather(
        *(_terminal(server, k, stop_at, stats, random.Random(k)) for k in range(TERMINALS)),
        *(
            _customer(server, k, numbers[k % len(numbers)], details[k], stop_at, stats,
                      random.Random(10_000 + k))
            for k in range(CUSTOMERS)
        ),
        *(
            _staff(server, cookie, hall_of(i * TERMINALS_PER_HALL), stop_at, stats,
                   random.Random(i))
            for i, cookie in enumerate(cookies)
        ),
    )
    return stats


def _run(coro: Any) -> Any:
    """On uvloop when installed (as the server): the generator must cost little CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


def _summary(label: str, s: Stats) -> str:
    every = s.status + s.customer
    return (
        f"   {label}: {len(s.status)} reports p99 {_pct(s.status, 99):.1f} ms, "
        f"{len(s.customer)} customer requests p99 {_pct(s.customer, 99):.1f} ms "
        f"({s.journeys} journeys), staff table p95 {_pct(s.staff, 95):.1f} ms; "
        f"all p50 {_pct(every, 50):.1f} p99 {_pct(every, 99):.1f} ms; "
        f"{len(s.errors)} errors {sorted(set(s.errors))[:5]}"
    )


def run() -> list[Result]:
    """PostgreSQL, seed, then the same load on WORKERS workers and on one (~6 minutes)."""
    runs: dict[int, Stats] = {}
    with tempfile.TemporaryDirectory(prefix="bench_fleet_") as tmp, postgres() as db:
        started = time.perf_counter()
        numbers = prepare(db)
        print(f"   seeded and provisioned {TERMINALS} terminals in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        for workers in (WORKERS, 1):
            server = Server(db, Path(tmp), workers)
            try:
                details = _run(_details_sessions(server.url, numbers))
                runs[workers] = _run(_load(server.url, numbers, details))
            finally:
                server.stop()
            print(_summary(f"{workers} worker(s)", runs[workers]), flush=True)
    multi, single = runs[WORKERS], runs[1]
    multi_p99 = _pct(multi.status + multi.customer, 99)
    single_p99 = _pct(single.status + single.customer, 99)
    return [
        Result(
            name=f"backend.fleet_p99_{TERMINALS}_terminals_{CUSTOMERS}_customers_pg_"
            f"{WORKERS}_workers_vs_1",
            value=multi_p99,
            unit="ms",
            baseline=single_p99,
            target="<= 200 ms, 0 errors",
            met=multi_p99 <= 200.0 and not multi.errors,
        )
    ]
