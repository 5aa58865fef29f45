"""Resident ID numbers (GB 11643): check digit per ISO 7064 MOD 11-2 and field extraction."""

from __future__ import annotations

import datetime as dt

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def check_digit(first17: str) -> str:
    """The 18th character for the given first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("an ID number's body is 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid(id_number: str) -> bool:
    """True when the number is 17 digits plus the right check character and a real birth date."""
    value = id_number.strip().upper()
    if len(value) != 18 or not value[:17].isdigit():
        return False
    if check_digit(value[:17]) != value[17]:
        return False
    try:
        birth_date(value)
    except ValueError:
        return False
    return True


def birth_date(id_number: str) -> dt.date:
    """Birth date encoded at positions 7-14."""
    text = id_number[6:14]
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))


def sex_code(id_number: str) -> int:
    """1 male, 2 female, from the parity of the 17th digit."""
    return 1 if int(id_number[16]) % 2 == 1 else 2


def make_id_number(region: str, birth: dt.date, sequence: int, sex: int) -> str:
    """Build a valid number: region (6 digits), birth date, 3-digit sequence whose parity is sex."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (sex == 1):
        seq = (seq + 1) % 1000
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + check_digit(body)
