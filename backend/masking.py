"""Masking for values the API returns to terminals (same rules as the kiosk's screens)."""

from __future__ import annotations


def mask_phone(number: str) -> str:
    """138****1234."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_name(name: str) -> str:
    """张*峰 (first and last character); two characters: 张*."""
    chars = list(name.strip())
    if len(chars) <= 1:
        return "*" if chars else ""
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]
