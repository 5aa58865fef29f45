from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common import idnumber
from common.masking import mask_bank_card, mask_id_number, mask_name, mask_phone
from common.money import fen_to_capitals, format_fen, format_yuan, parse_yuan


def test_format_fen() -> None:
    assert format_fen(1234) == "¥12.34"
    assert format_fen(-5) == "-¥0.05"
    assert format_fen(123456789) == "¥1,234,567.89"
    assert format_fen(100, sign=True) == "+¥1.00"
    assert format_yuan(123456) == "1234.56"
    with pytest.raises(TypeError):
        format_fen(1.5)  # type: ignore[arg-type]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_parse_yuan_round_trips(fen: int) -> None:
    assert parse_yuan(format_fen(fen)) == fen


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (9999, "玖拾玖元玖角玖分"),
        (10000, "壹佰元整"),
        (100500, "壹仟零伍元整"),
        (5, "伍分"),
        (0, "零元整"),
        (10005, "壹佰元零伍分"),
        (1000000000, "壹仟万元整"),
        (1001000, "壹万零壹拾元整"),
        (1000100, "壹万零壹元整"),
        (5000, "伍拾元整"),
        (3050, "叁拾元伍角"),
    ],
)
def test_capitals(fen: int, text: str) -> None:
    assert fen_to_capitals(fen) == text


def test_masks() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_name("张晓峰") == "张*峰"
    assert mask_name("李四") == "李*"
    assert mask_name("阿依古丽·买买提") == "阿******提"
    assert mask_id_number("110105196803120314") == "110***********0314"
    assert mask_bank_card("6222021234567891234") == "622202*********1234"


def test_id_number_check_digit() -> None:
    assert idnumber.check_digit("11010519491231002") == "X"
    assert idnumber.is_valid("11010519491231002X")
    assert not idnumber.is_valid("110105194912310021")
    made = idnumber.make_id_number("440305", dt.date(1985, 1, 30), 55, 1)
    assert idnumber.is_valid(made)
    assert idnumber.sex_code(made) == 1
    assert idnumber.birth_date(made) == dt.date(1985, 1, 30)


def test_hall_time_is_utc_plus_8() -> None:
    from common.hall_time import HALL_TZ, hall_now, to_hall

    utc = dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC)
    assert to_hall(utc) == dt.datetime(2026, 11, 26, 0, 30, tzinfo=HALL_TZ)
    assert to_hall(utc).strftime("%H:%M") == "00:30"
    naive = dt.datetime(2026, 11, 25, 9, 0)
    assert to_hall(naive) is naive
    assert hall_now().utcoffset() == dt.timedelta(hours=8)


def test_months_count_from_any_business_date() -> None:
    from common.months import closed_months, month_end, months_back, next_month_start

    assert closed_months(dt.date(2027, 1, 1)) == [
        "2026-12",
        "2026-11",
        "2026-10",
        "2026-09",
        "2026-08",
    ]
    assert months_back(dt.date(2028, 2, 29), 3) == "2027-11"
    assert month_end("2028-02") == dt.date(2028, 2, 29)
    assert month_end("2027-02") == dt.date(2027, 2, 28)
    assert next_month_start("2026-12") == dt.date(2027, 1, 1)
