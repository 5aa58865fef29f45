"""Small helpers the attack tests share."""

from __future__ import annotations

import re
from typing import Any

from emulators.idcard.cards import find_card, load_demo_cards
from kiosk.devices.idcard.card import parse_text_block
from tests.fixtures.live_backend import DEMO_PASSWORD
from tests.security.conftest import Stack
from tests.security.rawhttp import Answer, request_bytes, send

WRONG_PASSWORD = "975310"


def post(stack: Stack, path: str, body: object, url: str | None = None, **headers: str) -> Answer:
    """One authenticated JSON POST."""
    raw = request_bytes(url or stack.urls[0], "POST", path, {**stack.headers(), **headers}, body)
    return send(url or stack.urls[0], raw)


def login(stack: Stack, number: str, url: str | None = None) -> str:
    """A session token for ``number`` (the seeded service password)."""
    answer = post(stack, "/v1/sessions/password", {"phone": number, "password": DEMO_PASSWORD}, url)
    assert answer.status == 200, answer.body
    token: str = answer.json()["session_token"]
    return token


def latest_code(stack: Stack, number: str) -> str:
    """The newest SMS code sent to ``number``, read from the SMS gateway's outbox table."""
    rows = stack.backend.query(
        "SELECT text FROM sms_outbox WHERE number = ? ORDER BY id DESC LIMIT 1", number
    )
    assert rows, "no SMS sent"
    found = re.search(r"(?<!\d)(\d{6})(?!\d)", str(rows[0][0]))
    assert found
    return found.group(1)


def failures(stack: Stack, number: str) -> int:
    """Wrong factors counted for ``number``."""
    rows: list[Any] = stack.backend.query(
        "SELECT count(*) FROM auth_attempts WHERE number = ? AND ok = ?", number, False
    )
    return int(rows[0][0])


def get(stack: Stack, path: str, url: str | None = None, **headers: str) -> Answer:
    """One authenticated GET."""
    raw = request_bytes(url or stack.urls[0], "GET", path, {**stack.headers(), **headers})
    return send(url or stack.urls[0], raw)


def identify_fully(stack: Stack, phone: str) -> str:
    """ID card (the genuine demo card) + SMS code: a session allowed everything; its token."""
    first = post(stack, "/v1/sessions/id-card", card_body(phone))
    assert first.status == 200, first.body
    token: str = first.json()["session_token"]
    assert post(stack, "/v1/sessions/sms-code", {"phone": phone}).status == 200
    second = post(
        stack,
        "/v1/sessions/sms-verify",
        {"phone": phone, "code": latest_code(stack, phone)},
        **{"X-Session-Token": token},
    )
    assert second.status == 200, second.body
    return token


def card_body(phone: str, **changes: Any) -> dict[str, Any]:
    """What the kiosk sends for the demo card registered to ``phone``, as read by the reader:
    the kiosk's own parser on the emulator's bytes, and the digest of the photo block read."""
    demo = find_card(load_demo_cards(), phone)
    card = parse_text_block(demo.text, demo.photo)
    body: dict[str, Any] = {
        "id_number": card.id_number,
        "name": card.name,
        "card_type": card.card_type.value,
        "valid_from": card.valid_from.strftime("%Y%m%d"),
        "valid_to": card.valid_to.strftime("%Y%m%d") if card.valid_to else "长期",
        "photo_sha256": card.photo_sha256(),
        "phone": phone,
    }
    return {**body, **changes}
