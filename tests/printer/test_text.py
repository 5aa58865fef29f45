"""Display-column maths and 2-byte normalisation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from printer import text as ptext


def test_yen_maps_to_fullwidth_yen() -> None:
    assert ptext.normalise("¥12.00") == "￥12.00"
    assert ptext.encode(ptext.normalise("¥")) == b"\xa3\xa4"


def test_four_byte_characters_substituted_with_same_width() -> None:
    # U+20000 (CJK Ext-B) is 4 bytes in GB18030 and wide: a box of hanzi width
    assert ptext.normalise("张\U00020000峰") == "张□峰"
    # an emoji outside GBK, wide: box; a narrow 4-byte symbol: '?'
    assert ptext.normalise("a\u2603b") in ("a□b", "a?b")
    assert ptext.width(ptext.normalise("张\U00020000峰")) == 6


def test_control_characters_cannot_inject_commands() -> None:
    assert ptext.normalise("A\x1b@B\x1dV\x00") == "A?@B?V?"


def test_width_counts_hanzi_as_two_columns() -> None:
    assert ptext.width("通话3分25秒") == 4 + 1 + 2 + 2 + 2
    assert ptext.width("，。") == 4


def test_wrap_keeps_words_and_hanzi_whole() -> None:
    assert ptext.wrap("一二三四五六", 5) == ["一二", "三四", "五六"]
    assert ptext.wrap("hello world", 7) == ["hello", "world"]


def test_pad_and_truncate() -> None:
    assert ptext.pad("合计", 6, "right") == "  合计"
    assert ptext.pad("合计", 7, "center") == " 合计  "
    assert ptext.truncate("一二三", 5) == "一二"
    assert ptext.truncate("abcdef", 5, ellipsis="..") == "abc.."


@given(st.text(max_size=60))
def test_normalised_text_is_one_or_two_bytes_per_char(value: str) -> None:
    out = ptext.normalise(value)
    for ch in out:
        assert ord(ch) >= 0x20
        assert len(ch.encode("gb18030")) == ptext.char_width(ch)
    assert ptext.width(out) == len(out.encode("gb18030"))


@given(st.text(max_size=80), st.integers(min_value=2, max_value=48))
def test_wrapped_lines_fit(value: str, columns: int) -> None:
    lines = ptext.wrap(ptext.normalise(value), columns)
    assert all(ptext.width(line) <= columns for line in lines)
    joined = "".join(lines).replace(" ", "")
    assert joined == ptext.normalise(value).replace(" ", "")


def test_a_line_never_starts_with_closing_punctuation() -> None:
    # Issue 13: "a full stop alone on a receipt line". The hanzi before it moves down.
    assert ptext.wrap("一二三。", 6) == ["一二", "三。"]
    assert ptext.wrap("请取走凭条，谢谢。", 10) == ["请取走凭", "条，谢谢。"]
    assert ptext.wrap("请您保管好（含发票）」", 20) == ["请您保管好（含发", "票）」"]
    for text in ("业务已受理。请保管好本凭条，如有疑问请联系营业员！", "合计：已缴费（现金）。"):
        for columns in range(8, 49):
            lines = ptext.wrap(text, columns)
            assert all(ptext.width(line) <= columns for line in lines)
            assert "".join(lines) == text
            assert not any(line[0] in ptext.CLOSING_PUNCTUATION for line in lines[1:])


def test_kinsoku_keeps_a_character_that_cannot_move() -> None:
    # Two columns hold one hanzi: moving it down would overflow, so the rule gives way.
    assert ptext.wrap("一。", 2) == ["一", "。"]
