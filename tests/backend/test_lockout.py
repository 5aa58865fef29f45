"""Three wrong passwords or codes within 15 minutes lock the number for 60 minutes everywhere."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.db.engine import make_engine
from backend.ops.terminals import add_terminal
from kiosk.backend import errors as e
from kiosk.backend.client import BackendClient
from tests.fixtures.live_backend import DEMO_PASSWORD, LiveBackend


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_three_wrong_passwords_lock_the_number_on_every_terminal(own_backend: LiveBackend) -> None:
    number = own_backend.random_numbers()[0]
    engine = make_engine(own_backend.db_url)
    try:
        add_terminal(engine, "KIOSK-TEST-02", "second-terminal-token", "二号机")
    finally:
        engine.dispose()
    with own_backend.client() as client:
        remaining = []
        for _ in range(2):
            with pytest.raises(e.AuthFailed) as failed:
                client.identify_password(number, "975310")
            remaining.append(failed.value.remaining_attempts)
        assert remaining == [2, 1]
        started = dt.datetime.now(dt.UTC)
        with pytest.raises(e.Locked) as locked:
            client.identify_password(number, "975310")
        until = locked.value.until
        assert dt.timedelta(minutes=59) < until - started < dt.timedelta(minutes=61)
        with pytest.raises(e.Locked):
            client.identify_password(number, DEMO_PASSWORD)  # the right one no longer helps
        with pytest.raises(e.Locked):
            client.send_sms_code(number)
    other = BackendClient(own_backend.url, "KIOSK-TEST-02", "second-terminal-token")
    with other, pytest.raises(e.Locked):
        other.identify_password(number, DEMO_PASSWORD)
    assert own_backend.query(
        "SELECT count(*) FROM auth_attempts a JOIN lines l ON l.number = a.number "
        "WHERE a.number = ? AND a.ok = 0",
        number,
    ) == [(3,)]


def test_wrong_sms_codes_and_passwords_count_together(own_backend: LiveBackend) -> None:
    number = own_backend.random_numbers()[1]
    with own_backend.client() as client:
        with pytest.raises(e.AuthFailed):
            client.identify_password(number, "975310")
        client.send_sms_code(number)
        code = own_backend.latest_sms_code(number)
        with pytest.raises(e.AuthFailed) as failed:
            client.verify_sms_code(number, _wrong(code))
        assert failed.value.remaining_attempts == 1
        with pytest.raises(e.Locked):
            client.verify_sms_code(number, _wrong(code))
        with pytest.raises(e.Locked):
            client.verify_sms_code(number, code)


def test_a_right_password_after_one_mistake_opens_the_session(own_backend: LiveBackend) -> None:
    number = own_backend.random_numbers()[2]
    with own_backend.client() as client:
        with pytest.raises(e.AuthFailed):
            client.identify_password(number, "975310")
        session = client.identify_password(number, DEMO_PASSWORD)
        assert session.phone_masked == number[:3] + "****" + number[-4:]
