"""Attack 2: the ID card factor was a claim. The backend believed the name, ID number and
``valid_to`` the terminal sent: an expired card passed as "长期", and wrong ID numbers were not
counted. Now the real-name record holds the card's validity and the SHA-256 of its photo block
(WLT bytes only the genuine card returns through the SAM); every mismatch counts toward the
lock-out, and expiry is judged by the record."""

from __future__ import annotations

from collections import Counter

from tests.fixtures.live_backend import CARDS
from tests.security.conftest import Stack
from tests.security.helpers import card_body, failures, post
from tests.security.rawhttp import last_byte_race, request_bytes

EXPIRED = "13551234567"  # 刘建国: card valid to 2025-09-10, the business date is 2026-11-25


def test_the_genuine_card_identifies(stack: Stack) -> None:
    phone = "13800138000"
    body = card_body(phone)
    assert body["photo_sha256"] == CARDS[phone]["photo_sha256"]  # emulator, assets, seed agree
    answer = post(stack, "/v1/sessions/id-card", body)
    assert answer.status == 200, answer.body
    assert answer.json()["factors"] == ["id_card"]


def test_an_expired_card_is_refused_by_the_record_whatever_it_claims(stack: Stack) -> None:
    claimed = post(stack, "/v1/sessions/id-card", card_body(EXPIRED, valid_to="长期"))
    assert claimed.status == 401  # does not match the record: a counted mismatch
    assert claimed.json()["remaining_attempts"] == 2
    honest = post(stack, "/v1/sessions/id-card", card_body(EXPIRED))
    assert honest.status == 422
    assert honest.json()["field"] == "valid_to"
    assert stack.backend.query(
        "SELECT count(*) FROM sessions s JOIN lines l ON l.id = s.line_id WHERE l.number = ?",
        EXPIRED,
    ) == [(0,)]


def test_name_and_number_without_the_photo_block_do_not_identify(stack: Stack) -> None:
    phone = "13699990000"
    forged = card_body(phone, photo_sha256="0" * 64)
    answer = post(stack, "/v1/sessions/id-card", forged)
    assert answer.status == 401
    assert answer.json()["code"] == "auth_failed"
    assert failures(stack, phone) == 1


def test_thirty_racing_wrong_id_numbers_are_counted_and_lock(stack: Stack) -> None:
    phone = "18812340000"
    targets = []
    for i in range(30):
        url = stack.urls[i % 2]
        body = card_body(phone, id_number=f"1101051968031{i:04d}X")
        targets.append(
            (url, request_bytes(url, "POST", "/v1/sessions/id-card", stack.headers(), body))
        )
    statuses = Counter(a.status for a in last_byte_race(targets))
    assert statuses == Counter({401: 2, 423: 28})
    assert failures(stack, phone) == 3
    genuine = post(stack, "/v1/sessions/id-card", card_body(phone))
    assert genuine.status == 423
