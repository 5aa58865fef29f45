"""The staff pages over real HTTP: login form, cookies, CSRF, throttling, hall scope, workers."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.api.app import create_app
from backend.db.engine import make_engine, migrate
from backend.ops.staff import add_staff
from tests.fixtures.live_backend import LiveBackend, start_backend

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "hall staff password"


def _cli(backend: LiveBackend, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backend", *argv, "--db", backend.db_url],
        cwd=ROOT,
        input=stdin,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    with start_backend(tmp_path_factory.mktemp("staff-backend"), customers=1) as live:
        for tid, hall in (("EAST-1", "东区"), ("EAST-2", "东区"), ("WEST-1", "西区")):
            done = _cli(live, "add-terminal", "--id", tid, "--token", f"{tid}-tok-12345",
                        "--hall", hall)
            assert done.returncode == 0, done.stderr
        for user, hall in (("east", "东区"), ("it", ""), ("victim", "西区")):
            done = _cli(live, "add-staff", "--username", user, "--hall", hall,
                        stdin=PASSWORD + "\n")
            assert done.returncode == 0, done.stderr
        yield live


def _browser(backend: LiveBackend) -> httpx.Client:
    return httpx.Client(base_url=backend.url, trust_env=False, follow_redirects=False)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _login(http: httpx.Client, user: str, password: str = PASSWORD) -> httpx.Response:
    form = http.get("/staff/login")
    return http.post(
        "/staff/login",
        data={"csrf": _csrf(form.text), "username": user, "password": password},
        headers={"Origin": str(http.base_url).rstrip("/")},
    )


def test_login_form_cookie_and_redirects(backend: LiveBackend) -> None:
    with _browser(backend) as http:
        first = http.get("/staff/fleet")
        assert first.status_code == 303 and first.headers["location"] == "/staff/login"
        form = http.get("/staff/login")
        assert form.status_code == 200
        assert '<meta name="viewport" content="width=device-width' in form.text
        cookie = form.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/staff" in cookie
        assert "secure" not in cookie  # plain HTTP on loopback
        assert "script-src 'self'" in form.headers["content-security-policy"]
        done = _login(http, "east")
        assert done.status_code == 303 and done.headers["location"] == "/staff/fleet"
        session_cookie = done.headers["set-cookie"]
        assert session_cookie.startswith("kiosk_staff=")
        assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie
        page = http.get("/staff/fleet")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        # Hall staff see their hall only, and no hall picker.
        assert 'data-terminal="EAST-1"' in page.text and 'data-terminal="EAST-2"' in page.text
        assert "WEST-1" not in page.text and 'class="halls"' not in page.text
        assert "WEST-1" not in http.get("/staff/fleet/table?hall=西区").text
        assert "data-refresh-ms" in page.text
        assert http.get("/staff/static/fleet.js").headers["content-type"].startswith(
            "text/javascript"
        )
        assert http.get("/staff/static/../api/app.py").status_code == 404
    assert backend.query("SELECT count(*) FROM staff_sessions")[0][0] >= 1


def test_it_staff_pick_a_hall(backend: LiveBackend) -> None:
    with _browser(backend) as http:
        assert _login(http, "it").status_code == 303
        every = http.get("/staff/fleet").text
        assert all(f'data-terminal="{t}"' in every for t in ("EAST-1", "EAST-2", "WEST-1"))
        assert 'class="halls"' in every and "?hall=%E8%A5%BF%E5%8C%BA" in every
        west = http.get("/staff/fleet/table", params={"hall": "西区"}).text
        assert 'data-terminal="WEST-1"' in west and "EAST-1" not in west


def test_forged_or_foreign_forms_are_refused(backend: LiveBackend) -> None:
    with _browser(backend) as http:
        # No login cookie (a form posted from elsewhere): refused before any check.
        refused = http.post("/staff/login", data={"csrf": "x", "username": "east",
                                                  "password": PASSWORD})
        assert refused.status_code == 400 and "kiosk_staff=" not in refused.headers.get(
            "set-cookie", ""
        ).replace("kiosk_staff_login=", "")
        token = _csrf(http.get("/staff/login").text)
        wrong_token = http.post(
            "/staff/login", data={"csrf": token + "x", "username": "east", "password": PASSWORD}
        )
        assert wrong_token.status_code == 400
        token = _csrf(http.get("/staff/login").text)
        foreign = http.post(
            "/staff/login",
            data={"csrf": token, "username": "east", "password": PASSWORD},
            headers={"Origin": "https://evil.example"},
        )
        assert foreign.status_code == 400
        form_type = {"Content-Type": "application/x-www-form-urlencoded"}
        too_big = http.post("/staff/login", content=b"a=" + b"x" * 10_000, headers=form_type)
        assert too_big.status_code == 400
        # A terminal's credentials do not open the staff page.
        terminal = http.get("/staff/fleet", headers={"Authorization": "Bearer EAST-1-tok-12345",
                                                     "X-Terminal-Id": "EAST-1"})
        assert terminal.status_code == 303
        assert http.get("/staff/fleet/table").status_code == 401
        # Logging out needs the session's form token: a cross-site POST cannot end it.
        assert _login(http, "east").status_code == 303
        before = backend.query("SELECT count(*) FROM staff_sessions")[0][0]
        forged = http.post("/staff/logout", data={"csrf": "guess"})
        assert forged.status_code == 303 and forged.headers["location"] == "/staff/fleet"
        assert "kiosk_staff=" not in forged.headers.get("set-cookie", "")
        assert backend.query("SELECT count(*) FROM staff_sessions")[0][0] == before


def test_wrong_passwords_are_throttled(backend: LiveBackend) -> None:
    with _browser(backend) as http:
        for _ in range(5):
            assert _login(http, "victim", "not the password").status_code == 401
        throttled = _login(http, "victim")  # the right password no longer helps
        assert throttled.status_code == 429
        assert 800 < int(throttled.headers["retry-after"]) <= 901
        assert "尝试次数过多" in throttled.text and "Too many attempts" in throttled.text
    rows = backend.query("SELECT username, client FROM staff_login_failures")
    assert rows.count(("victim", "127.0.0.1")) == 5
    with _browser(backend) as http:
        assert _login(http, "east").status_code == 303  # others still get in


def test_add_staff_cli_refuses_a_short_password(backend: LiveBackend) -> None:
    done = _cli(backend, "add-staff", "--username", "weak", stdin="short\n")
    assert done.returncode == 2 and "at least 10" in done.stderr
    assert backend.query("SELECT count(*) FROM staff WHERE username = 'weak'") == [(0,)]


def test_cookie_is_secure_over_tls(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tls.sqlite3'}")
    migrate(engine)
    add_staff(engine, "li", PASSWORD)
    transport = httpx.ASGITransport(app=create_app(engine))

    async def scenario() -> tuple[httpx.Response, httpx.Response]:
        async with httpx.AsyncClient(transport=transport, base_url="https://hall.example") as c:
            form = await c.get("/staff/login")
            done = await c.post(
                "/staff/login",
                data={"csrf": _csrf(form.text), "username": "li", "password": PASSWORD},
                headers={"Origin": "https://hall.example"},
            )
            return form, done

    form, done = asyncio.run(scenario())
    assert "Secure" in form.headers["set-cookie"]
    assert done.status_code == 303 and "Secure" in done.headers["set-cookie"]


def test_several_workers_share_one_port(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    port_file = tmp_path / "port"
    proc = subprocess.Popen(
        [sys.executable, "-m", "backend", "serve", "--db", db, "--port", "0",
         "--port-file", str(port_file), "--workers", "3"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        started = 0
        for line in proc.stderr:  # each worker says so once it serves
            started += "backend listening on port" in line
            if started == 3:
                break
        assert started == 3
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 3
        url = f"http://127.0.0.1:{port_file.read_text().strip()}"
        with httpx.Client(base_url=url, trust_env=False) as http:
            assert all(http.get("/v1/health").status_code == 200 for _ in range(20))
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{c}").exists() for c in children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()
