"""Attack 7: sessions outlived their limits: still valid at 885 s (the kiosk's maximum is
600 s); a session opened before a lock kept working while the number was locked; a session
opened with the old password survived a password reset (and could still pay). Now a session
lives ``[timeouts] session_max`` (600 s, the kiosk's own key), and a lock, a password reset or
报停 ends every other open session of the line."""

from __future__ import annotations

import datetime as dt

from tests.fixtures.live_backend import DEMO_PASSWORD
from tests.security.conftest import Stack
from tests.security.helpers import WRONG_PASSWORD, get, identify_fully, login, post


def _alive(stack: Stack, token: str) -> int:
    return get(stack, "/v1/account", **{"X-Session-Token": token}).status


def test_a_session_lives_as_long_as_the_kiosks_session_maximum(stack: Stack) -> None:
    (number,) = stack.take()
    answer = post(stack, "/v1/sessions/password", {"phone": number, "password": DEMO_PASSWORD})
    assert 595 <= answer.json()["expires_in_s"] <= 600
    rows = stack.backend.query(
        "SELECT s.created_at, s.expires_at FROM sessions s JOIN lines l ON l.id = s.line_id "
        "WHERE l.number = ?",
        number,
    )
    created, expires = (
        v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v)) for v in rows[0]
    )
    assert expires - created == dt.timedelta(seconds=600)


def test_a_lock_ends_the_sessions_of_the_line(stack: Stack) -> None:
    (number,) = stack.take()
    token = login(stack, number)
    assert _alive(stack, token) == 200
    elsewhere = stack.new_terminal()
    for _ in range(3):
        post(elsewhere, "/v1/sessions/password", {"phone": number, "password": WRONG_PASSWORD})
    answer = get(stack, "/v1/account", **{"X-Session-Token": token})
    assert answer.status == 401
    assert answer.json()["code"] == "session_expired"


def test_a_password_reset_ends_the_sessions_opened_with_the_old_password(stack: Stack) -> None:
    phone = "15800001111"  # 王浩然
    other = stack.new_terminal()
    old = login(other, phone)
    token = identify_fully(stack, phone)
    reset = post(
        stack,
        "/v1/password",
        {"new_password": "731946"},
        **{"X-Session-Token": token, "Idempotency-Key": "reset-1"},
    )
    assert reset.status == 200, reset.body
    pay = post(
        other,
        "/v1/payments",
        {"amount_fen": 1000},
        **{"X-Session-Token": old, "Idempotency-Key": "pay-1"},
    )
    assert pay.status == 401  # the old password's session can no longer pay
    assert _alive(stack, token) == 200  # the resetting session goes on ...
    factors = stack.backend.query(
        "SELECT factors FROM sessions s JOIN lines l ON l.id = s.line_id "
        "WHERE l.number = ? AND s.ended = ?",
        phone,
        False,
    )
    assert factors == [("id_card,sms",)]  # ... without the password factor


def test_suspending_the_line_ends_its_other_sessions(stack: Stack) -> None:
    phone = "13912345678"  # 李秀英
    other = stack.new_terminal()
    old = login(other, phone)
    token = identify_fully(stack, phone)
    suspended = post(
        stack, "/v1/line/suspend", {}, **{"X-Session-Token": token, "Idempotency-Key": "stop-1"}
    )
    assert suspended.status == 200, suspended.body
    assert _alive(other, old) == 401
