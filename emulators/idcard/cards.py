"""Demo cards for the emulator, and the emulator's OWN text-block encoder.

Deliberately independent of ``kiosk.devices.idcard``: the end-to-end tests compare what the
kiosk decodes with what this module encoded, so sharing code would prove nothing.

Card keys: each card answers to its index in ``cardholders.json`` ("0".."8") and to its phone
number ("13800138000"); ``--card`` and the control channel accept either.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import emulators

DEMO_FILE = Path(emulators.__file__).parents[1] / "assets/demo/cardholders.json"
TEXT_LEN = 256
PHOTO_LEN = 1024
FINGERPRINT_LEN = 1024

_TYPE_MARKER = {"resident": " ", "permit_hmt": "J", "foreign_2017": "I", "foreign_2023": "Y"}


@dataclass(frozen=True)
class DemoCard:
    """One emulated card: its keys, its fields as in the JSON, and the bytes it reads as."""

    index: int
    fields: Mapping[str, Any]
    text: bytes
    photo: bytes
    fingerprint: bytes

    @property
    def key(self) -> str:
        """The index key ("0", "1", ...)."""
        return str(self.index)

    @property
    def phone(self) -> str:
        """The phone-number key."""
        return str(self.fields.get("phone", ""))

    def summary(self) -> dict[str, Any]:
        """What the control channel lists (synthetic demo data only)."""
        return {
            "key": self.key,
            "phone": self.phone,
            "card_type": self.fields["card_type"],
            "name": self.fields["name"],
        }


def _put(block: bytearray, offset: int, size: int, value: object) -> None:
    raw = str(value).encode("utf-16-le")  # characters beyond the BMP become surrogate pairs
    if len(raw) > size:
        raise ValueError(f"{value!r} does not fit {size} bytes at offset {offset}")
    block[offset : offset + len(raw)] = raw


def encode_text(fields: Mapping[str, Any]) -> bytes:
    """The 256-byte UCS-2 LE block a reader returns for a card with these fields."""
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    kind = fields["card_type"]
    f = fields.get
    if kind in ("resident", "permit_hmt"):
        for offset, size, key in (
            (0, 30, "name"),
            (30, 2, "sex"),
            (32, 4, "nation"),
            (36, 16, "birth_date"),
            (52, 70, "address"),
            (122, 36, "id_number"),
            (158, 30, "authority"),
            (188, 16, "valid_from"),
            (204, 16, "valid_to"),
        ):
            _put(block, offset, size, f(key, ""))
        if kind == "permit_hmt":
            _put(block, 220, 18, f("pass_number", ""))
            _put(block, 238, 4, f("issue_count", ""))
    elif kind == "foreign_2017":
        for offset, size, key in (
            (0, 120, "english_name"),
            (120, 2, "sex"),
            (122, 30, "id_number"),
            (152, 6, "nationality"),
            (158, 30, "name"),
            (188, 16, "valid_from"),
            (204, 16, "valid_to"),
            (220, 16, "birth_date"),
            (236, 4, "card_version"),
            (240, 8, "authority"),
        ):
            _put(block, offset, size, f(key, ""))
    elif kind == "foreign_2023":
        english = str(f("english_name", ""))
        for offset, size, value in (
            (0, 30, f("name", "")),
            (30, 2, f("sex", "")),
            (32, 4, f("renewal_count", "")),
            (36, 16, f("birth_date", "")),
            (52, 70, english[:35]),
            (122, 36, f("id_number", "")),
            (188, 16, f("valid_from", "")),
            (204, 16, f("valid_to", "")),
            (220, 22, english[35:]),
            (242, 6, f("nationality", "")),
        ):
            _put(block, offset, size, value)
    else:
        raise ValueError(f"unknown card_type {kind!r}")
    _put(block, 248, 2, _TYPE_MARKER[kind])
    return bytes(block)


def _opaque(seed: str, size: int) -> bytes:
    """Deterministic stand-in bytes (no real WLT photo or fingerprint exists for demo people)."""
    out = b""
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}/{counter}".encode()).digest()
        counter += 1
    return out[:size]


def photo_block(fields: Mapping[str, Any]) -> bytes:
    """The card's WLT photo block: derived from the ID number, so the same person's card
    reads the same whatever its place in the file. Its SHA-256 is what the operator recorded
    at registration (``photo_sha256`` in cardholders.json, seeded into the backend)."""
    return _opaque(f"wlt:{fields['card_type']}:{fields['id_number']}", PHOTO_LEN)


def make_card(index: int, fields: Mapping[str, Any]) -> DemoCard:
    """A DemoCard from one JSON record."""
    fingerprint = (
        _opaque(f"fp{index}", FINGERPRINT_LEN) if fields["card_type"] == "resident" else b""
    )
    return DemoCard(
        index=index,
        fields=dict(fields),
        text=encode_text(fields),
        photo=photo_block(fields),
        fingerprint=fingerprint,
    )


def load_demo_cards(path: Path = DEMO_FILE) -> list[DemoCard]:
    """Every card in the demo cardholders file."""
    records = json.loads(path.read_text(encoding="utf-8"))["cards"]
    return [make_card(i, rec) for i, rec in enumerate(records)]


def find_card(cards: Sequence[DemoCard], key: str | int) -> DemoCard:
    """The card with this index or phone key; KeyError otherwise."""
    text = str(key)
    for card in cards:
        if text in (card.key, card.phone):
            return card
    raise KeyError(text)
