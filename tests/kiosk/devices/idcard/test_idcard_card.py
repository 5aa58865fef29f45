"""Text-block parsing for the four card types, consistency checks, masking and JSON."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.idnumber import check_digit, make_id_number
from kiosk.devices.idcard.card import (
    CardType,
    IdCard,
    Sex,
    card_type_of,
    parse_text_block,
)
from kiosk.devices.idcard.errors import CardDataError
from kiosk.devices.idcard.nations import NATIONS, nation_name

RESIDENT = {
    0: "张晓峰",
    30: "1",
    32: "01",
    36: "19680312",
    52: "北京市朝阳区建国路88号院3号楼2单元1102",
    122: "110105196803120314",
    158: "北京市公安局朝阳分局",
    188: "20160512",
    204: "20360512",
}


def block(fields: dict[int, str], marker: str = " ") -> bytes:
    """A 256-byte block: every field UTF-16-LE at its byte offset, the rest spaces."""
    out = bytearray(b" \x00" * 128)
    for offset, text in {**fields, 248: marker}.items():
        raw = text.encode("utf-16-le")
        out[offset : offset + len(raw)] = raw
    return bytes(out)


def test_resident_card_fields() -> None:
    card = parse_text_block(block(RESIDENT), photo=b"P" * 1024)
    assert card.card_type is CardType.RESIDENT
    assert card.name == "张晓峰" and card.sex is Sex.MALE and card.sex.label_zh == "男"
    assert (card.nation, card.nation_code) == ("汉", "01")
    assert card.birth_date == dt.date(1968, 3, 12)
    assert card.address == "北京市朝阳区建国路88号院3号楼2单元1102"
    assert card.id_number == "110105196803120314"
    assert card.authority == "北京市公安局朝阳分局"
    assert (card.valid_from, card.valid_to) == (dt.date(2016, 5, 12), dt.date(2036, 5, 12))
    assert card.photo == b"P" * 1024
    assert (card.english_name, card.pass_number, card.nationality) == ("", "", "")


def test_long_term_validity_and_expiry() -> None:
    card = parse_text_block(block({**RESIDENT, 204: "长期"}))
    assert card.valid_to is None
    assert not card.is_expired(dt.date(2999, 1, 1))
    assert card.to_json_dict()["valid_to"] == "长期"
    dated = parse_text_block(block(RESIDENT))
    assert not dated.is_expired(dt.date(2036, 5, 12))  # valid through its last day
    assert dated.is_expired(dt.date(2036, 5, 13))


def test_extension_a_and_extension_b_names_survive() -> None:
    ext_a = parse_text_block(block({**RESIDENT, 0: "龚䶮"}))
    assert ext_a.name == "龚䶮"
    # U+2A6A5 𪚥 needs a surrogate pair: plain UCS-2 decoding would break it.
    ext_b = parse_text_block(block({**RESIDENT, 0: "王𪚥𠀀"}))
    assert ext_b.name == "王𪚥𠀀" and len(ext_b.name) == 3


def test_lone_surrogate_is_card_data_error() -> None:
    raw = bytearray(block(RESIDENT))
    raw[0:2] = b"\x3d\xd8"  # high surrogate followed by a normal character
    with pytest.raises(CardDataError, match="offset 0"):
        parse_text_block(bytes(raw))


def test_permit_hmt_fields() -> None:
    fields = {
        **RESIDENT,
        0: "陈嘉欣",
        30: "2",
        32: "",
        36: "19880404",
        122: "810000198804040188",
        220: "H60123456",
        238: "01",
    }
    card = parse_text_block(block(fields, "J"))
    assert card.card_type is CardType.PERMIT_HMT
    assert (card.nation, card.pass_number, card.issue_count) == ("", "H60123456", "01")
    assert card.to_json_dict()["pass_number"] == "H60123456"


def test_foreign_2017_fields() -> None:
    fields = {
        0: "SMITH, JOHN WILLIAM",
        120: "1",
        122: "USA110079120112",
        152: "USA",
        158: "史密斯",
        188: "20190601",
        204: "20290601",
        220: "19791201",
        236: "01",
        240: "1500",
    }
    card = parse_text_block(block(fields, "I"))
    assert card.card_type is CardType.FOREIGN_2017
    assert (card.english_name, card.name, card.nationality) == (
        "SMITH, JOHN WILLIAM",
        "史密斯",
        "USA",
    )
    assert (card.id_number, card.authority, card.card_version) == ("USA110079120112", "1500", "01")
    assert card.birth_date == dt.date(1979, 12, 1)
    assert card.to_json_dict()["english_name"] == "SMITH, JOHN WILLIAM"


def _foreign_2023(english: str) -> dict[int, str]:
    return {
        0: "玛丽亚",
        30: "2",
        32: "00",
        36: "19920615",
        52: english[:35],
        122: "931724199206150039",
        188: "20240110",
        204: "20340110",
        220: english[35:],
        242: "ESP",
    }


def test_foreign_2023_fields_and_long_english_name_across_both_fields() -> None:
    card = parse_text_block(block(_foreign_2023("GARCIA LOPEZ, MARIA ELENA"), "Y"))
    assert card.card_type is CardType.FOREIGN_2023
    assert (card.name, card.english_name, card.nationality) == (
        "玛丽亚",
        "GARCIA LOPEZ, MARIA ELENA",
        "ESP",
    )
    assert card.issue_count == "00" and card.sex is Sex.FEMALE
    long_name = "VANDERBILT-ASTOR DE LA FUENTE, MARIA ANTONIA"  # 44 chars
    card = parse_text_block(block(_foreign_2023(long_name), "Y"))
    assert card.english_name == long_name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({122: "110105196803120315"}, "check digit"),
        ({36: "19680313"}, "birth date differs"),
        ({30: "2"}, "sex differs"),
        ({30: "5"}, "sex code"),
        ({32: "57"}, "GB 3304"),
        ({36: "19681332"}, "calendar date"),
        ({188: "2016051"}, "YYYYMMDD"),
        ({204: "20100101"}, "before valid-from"),
        ({122: "11010519680312031"}, "17 digits"),
        ({0: ""}, "no name"),
    ],
)
def test_inconsistent_resident_card_is_rejected(change: dict[int, str], message: str) -> None:
    fields = {**RESIDENT, **change}
    raw = block({k: v for k, v in fields.items() if v})
    with pytest.raises(CardDataError, match=message):
        parse_text_block(raw)
    if message not in ("sex code", "GB 3304", "calendar date", "YYYYMMDD"):
        parse_text_block(raw, check=False)  # parsing alone still works


def test_id_number_with_impossible_birth_date() -> None:
    body = "11010519681340031"  # month 13
    with pytest.raises(CardDataError, match="no valid birth date"):
        parse_text_block(block({**RESIDENT, 122: body + check_digit(body)}))


def test_unknown_marker_and_wrong_size() -> None:
    with pytest.raises(CardDataError, match="unknown card type"):
        card_type_of(block(RESIDENT, "Q"))
    with pytest.raises(CardDataError, match="255 bytes"):
        parse_text_block(block(RESIDENT)[:255])


def test_masked_copy_and_repr_hide_personal_data() -> None:
    card = parse_text_block(block(RESIDENT), photo=b"x" * 1024)
    masked = card.masked()
    assert masked.name == "张*峰"
    assert masked.id_number == "110***********0314"
    assert masked.address == "北京市朝阳区****"
    assert masked.photo == b""
    text = repr(card)
    assert "张晓峰" not in text and "110105196803120314" not in text and "建国路" not in text
    assert str(card) == text


def test_json_dict_keys_and_formats() -> None:
    data = parse_text_block(block(RESIDENT)).to_json_dict()
    assert list(data) == [
        "card_type",
        "name",
        "sex",
        "nation",
        "birth_date",
        "address",
        "id_number",
        "authority",
        "valid_from",
        "valid_to",
    ]
    assert (data["birth_date"], data["valid_to"], data["sex"]) == ("1968-03-12", "2036-05-12", "男")


def test_nation_table_is_gb_3304() -> None:
    assert len(NATIONS) == 58
    assert [f"{i:02d}" for i in range(1, 57)] + ["97", "98"] == list(NATIONS)
    assert nation_name("01") == "汉"
    assert nation_name("46") == "德昂"
    assert nation_name("56") == "基诺"
    assert nation_name("98") == "外国血统中国籍人士"
    assert nation_name("57") is None
    assert len(set(NATIONS.values())) == 58


@given(
    birth=st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)),
    seq=st.integers(0, 999),
    sex=st.sampled_from([1, 2]),
    nation=st.sampled_from(sorted(NATIONS)),
    name=st.text(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
        | st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
        min_size=1,
        max_size=7,  # 7 surrogate pairs = 28 bytes: always fits the 30-byte field
    ),
)
def test_round_trip_resident_blocks(
    birth: dt.date, seq: int, sex: int, nation: str, name: str
) -> None:
    number = make_id_number("110105", birth, seq, sex)
    fields = {**RESIDENT, 0: name, 30: str(sex), 32: nation, 36: f"{birth:%Y%m%d}", 122: number}
    card = parse_text_block(block(fields))
    assert isinstance(card, IdCard)
    assert (card.name, card.id_number, card.birth_date, card.sex.value) == (
        name,
        number,
        birth,
        sex,
    )
    assert card.nation == NATIONS[nation]


@pytest.mark.parametrize(
    ("offset", "text"), [(36, "1968031³"), (30, "٣"), (122, "11010519680312031³")]
)
def test_non_ascii_digits_are_card_data_errors(offset: int, text: str) -> None:
    # found by the fuzz test: str.isdigit() accepts these, int() or the check digit does not
    with pytest.raises(CardDataError):
        parse_text_block(block({**RESIDENT, offset: text}))
