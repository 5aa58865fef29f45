"""Masking rules from PRODUCT.md, applied on screens, receipts and PDFs alike."""

from __future__ import annotations


def mask_phone(number: str) -> str:
    """138****1234 for an 11-digit mobile number; other lengths keep first 3 and last 4."""
    digits = number.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(name: str) -> str:
    """张*峰: keep the first and the last character; two-character names become 张*."""
    chars = list(name.strip())
    if len(chars) <= 1:
        return "*" if chars else ""
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


def mask_id_number(id_number: str) -> str:
    """First 3 and last 4: 110***********1234."""
    value = id_number.strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_bank_card(card: str) -> str:
    """First 6 and last 4: 622202******1234."""
    value = card.replace(" ", "")
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_other_party(number: str) -> str:
    """Other-party numbers on itemised records: short service numbers stay, others masked."""
    value = number.strip()
    if len(value) <= 6:
        return value
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else value[:3] + "****"
