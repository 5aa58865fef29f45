"""Card first and more time: the card's numbers, picking one, and the session extension up
to the hard cap, through the real client against a live server (own temp database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update

from backend.config import ConfigError, parse_config
from backend.db import tables as t
from backend.db.engine import make_engine
from backend.security import digest
from kiosk.backend import errors as e
from kiosk.backend.models import Factor
from tests.fixtures.live_backend import CARDS, DEMO_PASSWORD, LiveBackend, start_backend

ZHANG = "13800138000"
LIU = "13551234567"  # expired ID card
GONG = "18812340000"


@pytest.fixture(scope="module")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    """A backend of this module's own: the package's shared one has counted other modules'
    identification calls against the terminal's per-minute throttle by the time these run."""
    with start_backend(tmp_path_factory.mktemp("card_first"), customers=6) as backend:
        yield backend


def _card(phone: str) -> dict[str, Any]:
    card = CARDS[phone]
    return {
        "id_number": card["id_number"],
        "name": card["name"],
        "card_type": card["card_type"],
        "valid_from": card["valid_from"],
        "valid_to": card["valid_to"],
        "photo_sha256": card["photo_sha256"],
    }


def test_a_card_lists_its_numbers_masked_and_a_pick_opens_the_session(
    own_backend: LiveBackend,
) -> None:
    with own_backend.client() as client:
        numbers = client.id_card_numbers(**_card(ZHANG))
        assert [(n.pick, n.phone_masked) for n in numbers] == [(0, "138****8000")]
        assert not client.has_session  # listing opens nothing
        session = client.identify_id_card(pick=numbers[0].pick, **_card(ZHANG))
        assert session.factors == {Factor.ID_CARD}
        assert session.phone == ZHANG  # the picked number, in full, for the SMS code
        client.send_sms_code(session.phone)
        full = client.verify_sms_code(ZHANG, own_backend.latest_sms_code(ZHANG))
        assert full.factors == {Factor.ID_CARD, Factor.SMS}
        assert full.phone == ""  # a typed number is never echoed
        client.end_session()


def test_a_forged_or_expired_card_lists_nothing(own_backend: LiveBackend) -> None:
    forged = _card(ZHANG) | {"photo_sha256": "0" * 64}
    with own_backend.client() as client:
        with pytest.raises(e.AuthFailed) as refused:
            client.id_card_numbers(**forged)
        assert refused.value.remaining_attempts is None
        with pytest.raises(e.InvalidInput) as expired:
            client.id_card_numbers(**_card(LIU))
        assert expired.value.field == "valid_to"
        stranger = _card(ZHANG) | {"id_number": "110101199001011237"}
        with pytest.raises(e.NotFound):
            client.id_card_numbers(**stranger)
        with pytest.raises(e.NotFound):
            client.identify_id_card(pick=5, **_card(ZHANG))
        # A forged card picked by index still counts toward that number's lock-out.
        with pytest.raises(e.AuthFailed) as counted:
            client.identify_id_card(pick=0, **forged)
        assert counted.value.remaining_attempts == 2
        assert counted.value.lock_minutes == 60  # what the lock would cost, said up front
    rows = own_backend.query(
        "SELECT factor, ok FROM auth_attempts WHERE number = ? ORDER BY id DESC LIMIT 1", ZHANG
    )
    assert rows == [("id_card", 0)]
    own_backend.query("DELETE FROM auth_attempts WHERE number = ? AND ok = 0", ZHANG)


def _age_session(backend: LiveBackend, token: str, seconds: float) -> None:
    """Move a session's start (and expiry) ``seconds`` into the past."""
    engine = make_engine(backend.db_url)
    try:
        with engine.begin() as conn:
            row = conn.execute(
                t.sessions.select().where(t.sessions.c.token_hash == digest(token))
            ).one()
            shift = dt.timedelta(seconds=seconds)
            conn.execute(
                update(t.sessions)
                .where(t.sessions.c.token_hash == digest(token))
                .values(created_at=row.created_at - shift, expires_at=row.expires_at - shift)
            )
    finally:
        engine.dispose()


def _expiry(backend: LiveBackend, token: str) -> tuple[dt.datetime, dt.datetime]:
    engine = make_engine(backend.db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                t.sessions.select().where(t.sessions.c.token_hash == digest(token))
            ).one()
            return row.created_at, row.expires_at
    finally:
        engine.dispose()


def test_more_time_extends_the_session_up_to_the_hard_cap(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        client.identify_password(GONG, DEMO_PASSWORD)
        token = client._session_token
        assert token is not None
        _age_session(own_backend, token, 590)  # 10 s before the 600 s maximum
        first = client.extend_session()
        assert 595 <= first.expires_in_s <= 600 and first.extendable
        created, expires = _expiry(own_backend, token)
        assert 1185 <= (expires - created).total_seconds() <= 1191
        _age_session(own_backend, token, 595)  # 1185 s in, 5 s left: the cap is 15 s away
        capped = client.extend_session()
        assert 10 <= capped.expires_in_s <= 15 and not capped.extendable
        created, expires = _expiry(own_backend, token)
        assert (expires - created).total_seconds() == pytest.approx(1200, abs=1)
        again = client.extend_session()  # at the cap: the expiry stays
        assert not again.extendable and again.expires_in_s <= capped.expires_in_s
        _age_session(own_backend, token, 20)  # past the cap (and the expiry)
        with pytest.raises(e.SessionExpired):
            client.extend_session()
        with pytest.raises(e.SessionExpired):
            client.overview()


def test_an_ended_session_cannot_be_extended(own_backend: LiveBackend) -> None:
    with own_backend.client() as client:
        client.identify_password(GONG, DEMO_PASSWORD)
        token = client._session_token
        client.end_session()
        client._session_token = token
        with pytest.raises(e.SessionExpired):
            client.extend_session()


def test_the_hard_cap_is_configured_beside_the_maximum() -> None:
    config = parse_config({"timeouts": {"session_max": 300, "session_hard_max": 900}})
    assert (config.session_max_s, config.session_hard_max_s) == (300, 900)
    assert parse_config({}).session_hard_max_s == 1200
    with pytest.raises(ConfigError, match="session_hard_max"):
        parse_config({"timeouts": {"session_max": 600, "session_hard_max": 300}})
