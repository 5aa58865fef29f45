"""A private backend for tests that change state (locks, suspensions, passwords)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.backend.client import BackendClient
from tests.fixtures.live_backend import LiveBackend, start_backend

CARDS: dict[str, dict[str, Any]] = {
    c["phone"]: c
    for c in json.loads(
        (Path(__file__).resolve().parents[2] / "assets/demo/cardholders.json").read_text("utf-8")
    )["cards"]
}


@pytest.fixture(scope="package")
def own_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    """This package's own backend (the shared one stays untouched by destructive tests)."""
    backend = start_backend(tmp_path_factory.mktemp("own_backend"), customers=6)
    try:
        yield backend
    finally:
        backend.stop()


def identify_fully(backend: LiveBackend, client: BackendClient, phone: str) -> None:
    """ID card + SMS code: every function is allowed afterwards."""
    card = CARDS[phone]
    client.identify_id_card(
        id_number=card["id_number"],
        name=card["name"],
        card_type=card["card_type"],
        valid_to=card["valid_to"],
        phone=phone,
    )
    client.send_sms_code(phone)
    client.verify_sms_code(phone, backend.latest_sms_code(phone))
