"""Small pure pieces: cursors, password hashes, masking, months, ID check digits."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.clock import closed_months, month_end, next_month_start, shift_month
from backend.masking import mask_name, mask_phone
from backend.ops.bills import decode_cursor, encode_cursor
from backend.ops.errors import InvalidInput
from backend.security import check_password, hash_password, new_salt
from backend.seed.people import check_digit as backend_check_digit
from common import idnumber, masking

instants = st.datetimes(
    min_value=dt.datetime(2020, 1, 1),
    max_value=dt.datetime(2030, 12, 31),
    timezones=st.just(dt.UTC),
)


@given(instants, st.integers(min_value=1, max_value=2**62))
def test_cursor_round_trip(at: dt.datetime, record_id: int) -> None:
    assert decode_cursor(encode_cursor(at, record_id)) == (at, record_id)


@pytest.mark.parametrize("cursor", ["", "abc", "MjAyNg", "bm90LWEtZGF0ZXwx", "%%%"])
def test_tampered_cursors_are_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput):
        decode_cursor(cursor)


def test_password_hash_keeps_its_rounds() -> None:
    salt = new_salt()
    old = hash_password("864213", salt, rounds=1000)
    assert old.startswith("1000$")
    assert check_password("864213", salt, old)
    assert not check_password("864214", salt, old)
    assert not check_password("864213", salt, "garbage")
    assert hash_password("864213", salt) != hash_password("864213", new_salt())


@given(st.text(alphabet="0123456789", min_size=0, max_size=15))
def test_backend_masks_phones_like_the_kiosk(number: str) -> None:
    assert mask_phone(number) == masking.mask_phone(number)


@given(st.text(min_size=0, max_size=12).filter(lambda s: s == s.strip()))
def test_backend_masks_names_like_the_kiosk(name: str) -> None:
    assert mask_name(name) == masking.mask_name(name)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_backend_check_digit_agrees_with_common(body: str) -> None:
    assert backend_check_digit(body) == idnumber.check_digit(body)


def test_months() -> None:
    assert closed_months(dt.date(2026, 1, 5)) == [
        "2025-12",
        "2025-11",
        "2025-10",
        "2025-09",
        "2025-08",
    ]
    assert month_end("2024-02") == dt.date(2024, 2, 29)
    assert next_month_start("2026-12") == dt.date(2027, 1, 1)
    assert shift_month("2026-03", -3) == "2025-12"
