"""The card record read from an ID card, and the parser of the reader's 256-byte text block.

Text is UCS-2 little-endian padded with spaces. We decode it as UTF-16-LE, which is the same
for every BMP character (including CJK Extension A such as 䶮) and additionally keeps
surrogate pairs (CJK Extension B names) intact instead of mangling them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from enum import Enum, IntEnum
from typing import Any

from common import idnumber
from common.masking import mask_id_number, mask_name
from kiosk.devices.idcard.errors import CardDataError
from kiosk.devices.idcard.nations import nation_name

TEXT_BLOCK_LEN = 256
LONG_TERM = "长期"  # "valid to" of a card that never expires


class CardType(Enum):
    """The four card types a SAM reader returns, told apart by the character at offset 248."""

    RESIDENT = "resident"
    PERMIT_HMT = "permit_hmt"  # Hong Kong / Macao / Taiwan residents' residence permit
    FOREIGN_2017 = "foreign_2017"  # foreign permanent-resident ID card, 2017 edition
    FOREIGN_2023 = "foreign_2023"  # foreign permanent-resident ID card, 2023 edition


# Type marker at byte 248 (one UCS-2 character). Kept as data: easy to extend.
TYPE_MARKERS: dict[str, CardType] = {
    " ": CardType.RESIDENT,
    "J": CardType.PERMIT_HMT,
    "I": CardType.FOREIGN_2017,
    "Y": CardType.FOREIGN_2023,
}


class Sex(IntEnum):
    """GB 2261.1 sex codes as stored on the card."""

    UNKNOWN = 0
    MALE = 1
    FEMALE = 2
    UNSPECIFIED = 9

    @property
    def label_zh(self) -> str:
        """The text printed on the card: 男 / 女."""
        return {0: "未知", 1: "男", 2: "女", 9: "未说明"}[self.value]


@dataclass(frozen=True, repr=False)
class IdCard:
    """Everything read from one card. Personal data: keep it in the session, never log it."""

    card_type: CardType
    name: str
    sex: Sex
    nation: str  # name as printed ("汉"); "" where the card type has none
    birth_date: dt.date
    address: str
    id_number: str  # permit number on a 2017 foreign card
    authority: str  # issuing authority; issuing office code on a 2017 foreign card
    valid_from: dt.date
    valid_to: dt.date | None  # None means 长期 (never expires)
    english_name: str = ""
    nationality: str = ""  # ISO 3166 alpha-3 on foreign cards
    pass_number: str = ""  # HMT permit: the travel pass number
    issue_count: str = ""  # HMT permit: issue count; 2023 foreign card: renewal count
    card_version: str = ""  # 2017 foreign card
    nation_code: str = ""
    photo: bytes = b""  # WLT-compressed, opaque (see photo.py)

    def photo_sha256(self) -> str:
        """SHA-256 (hex) of the photo block as read: the operator recorded it at registration,
        and a name and ID number alone cannot produce it (docs/security.md)."""
        return hashlib.sha256(self.photo).hexdigest()

    def is_expired(self, today: dt.date) -> bool:
        """True once ``today`` is after the last valid day; a 长期 card never expires."""
        return self.valid_to is not None and today > self.valid_to

    def masked(self) -> IdCard:
        """A copy safe for screens and receipts: names and numbers masked, no photo."""
        return replace(
            self,
            name=mask_name(self.name),
            english_name=mask_name(self.english_name),
            id_number=mask_id_number(self.id_number),
            pass_number=mask_id_number(self.pass_number),
            address=_mask_address(self.address),
            photo=b"",
        )

    def to_json_dict(self) -> dict[str, Any]:
        """The record as JSON-ready values: dates ``YYYY-MM-DD`` or ``长期``; no photo.

        Optional fields (english_name, nationality, pass_number, issue_count, card_version)
        appear only when the card carries them.
        """
        out: dict[str, Any] = {
            "card_type": self.card_type.value,
            "name": self.name,
            "sex": self.sex.label_zh,
            "nation": self.nation,
            "birth_date": self.birth_date.isoformat(),
            "address": self.address,
            "id_number": self.id_number,
            "authority": self.authority,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else LONG_TERM,
        }
        for key in ("english_name", "nationality", "pass_number", "issue_count", "card_version"):
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    def __repr__(self) -> str:
        # A repr reaches logs and tracebacks: show only masked values.
        return (
            f"IdCard({self.card_type.value}, name={mask_name(self.name)!r}, "
            f"id_number={mask_id_number(self.id_number)!r}, photo={len(self.photo)} bytes)"
        )


def _mask_address(address: str) -> str:
    """Keep the first 6 characters (province/city) only."""
    return address[:6] + "*" * 4 if len(address) > 6 else address


def _text(block: bytes, offset: int, size: int) -> str:
    raw = block[offset : offset + size]
    try:
        value = raw.decode("utf-16-le")  # strict: a lone surrogate is corrupt data
    except UnicodeDecodeError as exc:
        raise CardDataError(f"text at offset {offset} is not valid UCS-2/UTF-16") from exc
    return value.strip(" \x00")


def _ascii_digits(text: str) -> bool:
    # str.isdigit() is also true for "³" or "٣", which int() or the check digit then reject.
    return text.isascii() and text.isdigit()


def _date(text: str, label: str) -> dt.date:
    if len(text) != 8 or not _ascii_digits(text):
        raise CardDataError(f"{label} is not YYYYMMDD")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise CardDataError(f"{label} is not a calendar date") from exc


def _sex(text: str) -> Sex:
    if len(text) != 1 or not _ascii_digits(text) or int(text) not in Sex._value2member_map_:
        raise CardDataError("sex code is not 0, 1, 2 or 9")
    return Sex(int(text))


def card_type_of(block: bytes) -> CardType:
    """The card type from the marker character at byte 248."""
    if len(block) != TEXT_BLOCK_LEN:
        raise CardDataError(f"text block is {len(block)} bytes, expected {TEXT_BLOCK_LEN}")
    marker = _text(block, 248, 2) or " "
    try:
        return TYPE_MARKERS[marker]
    except KeyError:
        raise CardDataError(f"unknown card type marker {marker!r}") from None


def parse_text_block(block: bytes, photo: bytes = b"", *, check: bool = True) -> IdCard:
    """Decode the 256-byte text block; with ``check`` also verify its consistency."""
    kind = card_type_of(block)
    if kind is CardType.FOREIGN_2017:
        card = _parse_foreign_2017(block, photo)
    elif kind is CardType.FOREIGN_2023:
        card = _parse_foreign_2023(block, photo)
    else:
        card = _parse_resident(block, photo, kind)
    if check:
        check_consistency(card)
    return card


def _validity(block: bytes) -> tuple[dt.date, dt.date | None]:
    valid_from = _date(_text(block, 188, 16), "valid-from date")
    to_text = _text(block, 204, 16)
    valid_to = None if to_text == LONG_TERM else _date(to_text, "valid-to date")
    return valid_from, valid_to


def _parse_resident(block: bytes, photo: bytes, kind: CardType) -> IdCard:
    nation_code = _text(block, 32, 4)
    nation = ""
    if kind is CardType.RESIDENT or nation_code:
        found = nation_name(nation_code)
        if found is None:
            raise CardDataError("nation code is not in GB 3304")
        nation = found
    valid_from, valid_to = _validity(block)
    extra: dict[str, str] = {}
    if kind is CardType.PERMIT_HMT:
        extra = {"pass_number": _text(block, 220, 18), "issue_count": _text(block, 238, 4)}
    return IdCard(
        card_type=kind,
        name=_text(block, 0, 30),
        sex=_sex(_text(block, 30, 2)),
        nation=nation,
        nation_code=nation_code,
        birth_date=_date(_text(block, 36, 16), "birth date"),
        address=_text(block, 52, 70),
        id_number=_text(block, 122, 36),
        authority=_text(block, 158, 30),
        valid_from=valid_from,
        valid_to=valid_to,
        photo=photo,
        **extra,
    )


def _parse_foreign_2017(block: bytes, photo: bytes) -> IdCard:
    valid_from, valid_to = _validity(block)
    return IdCard(
        card_type=CardType.FOREIGN_2017,
        english_name=_text(block, 0, 120),
        sex=_sex(_text(block, 120, 2)),
        id_number=_text(block, 122, 30),
        nationality=_text(block, 152, 6),
        name=_text(block, 158, 30),
        valid_from=valid_from,
        valid_to=valid_to,
        birth_date=_date(_text(block, 220, 16), "birth date"),
        card_version=_text(block, 236, 4),
        authority=_text(block, 240, 8),
        nation="",
        address="",
        photo=photo,
    )


def _parse_foreign_2023(block: bytes, photo: bytes) -> IdCard:
    valid_from, valid_to = _validity(block)
    # The English name spills from its first field (35 chars) into a second one (11 chars).
    english = (_raw_text(block, 52, 70) + _raw_text(block, 220, 22)).strip(" \x00")
    return IdCard(
        card_type=CardType.FOREIGN_2023,
        name=_text(block, 0, 30),
        sex=_sex(_text(block, 30, 2)),
        issue_count=_text(block, 32, 4),
        birth_date=_date(_text(block, 36, 16), "birth date"),
        english_name=english,
        id_number=_text(block, 122, 36),
        valid_from=valid_from,
        valid_to=valid_to,
        nationality=_text(block, 242, 6),
        nation="",
        address="",
        authority="",
        photo=photo,
    )


def _raw_text(block: bytes, offset: int, size: int) -> str:
    try:
        return block[offset : offset + size].decode("utf-16-le")
    except UnicodeDecodeError as exc:
        raise CardDataError(f"text at offset {offset} is not valid UCS-2/UTF-16") from exc


def check_consistency(card: IdCard) -> None:
    """Raise :class:`CardDataError` when the record contradicts itself.

    - GB 11643 numbers (resident card, HMT permit, 2023 foreign card): 18 characters with the
      right check digit and the card's birth date inside;
    - resident card and HMT permit: the 17th digit's parity matches the sex (the 2023 foreign
      card's sequence rules are not confirmed, so its sex is not checked against the number);
    - the validity period does not end before it starts; a name is present.
    """
    if not card.name and not card.english_name:
        raise CardDataError("the card has no name")
    if card.valid_to is not None and card.valid_to < card.valid_from:
        raise CardDataError("valid-to date is before valid-from date")
    if card.card_type is CardType.FOREIGN_2017:
        return
    number = card.id_number
    if len(number) != 18 or not _ascii_digits(number[:17]):
        raise CardDataError("ID number is not 17 digits plus a check character")
    if idnumber.check_digit(number[:17]) != number[17].upper():
        raise CardDataError("ID number check digit is wrong")
    try:
        encoded_birth = idnumber.birth_date(number)
    except ValueError:
        raise CardDataError("ID number holds no valid birth date") from None
    if encoded_birth != card.birth_date:
        raise CardDataError("birth date differs from the one in the ID number")
    sex_in_number = card.card_type in (CardType.RESIDENT, CardType.PERMIT_HMT)
    if (
        sex_in_number
        and card.sex in (Sex.MALE, Sex.FEMALE)
        and idnumber.sex_code(number) != card.sex.value
    ):
        raise CardDataError("sex differs from the one in the ID number")
