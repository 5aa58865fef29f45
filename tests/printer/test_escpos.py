"""Byte-exact ESC/POS encoding and the decoder round trip."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from printer.document import (
    DOUBLE,
    NORMAL,
    Align,
    Barcode,
    Column,
    Columns,
    Cut,
    Document,
    Feed,
    KeyValue,
    QrCode,
    QrErrorLevel,
    Rule,
    Size,
    Text,
)
from printer.escpos.decoder import EscPosDecoder, decode, split_receipts
from printer.escpos.encoder import encode_document, encode_items, minimal_text_size
from printer.layout import PrintedCut, PrintedFeed, PrintedLine, PrintedQr, layout
from printer.profiles import load_profile

P80 = load_profile("generic-80")
P58 = load_profile("generic-58")
TM88 = load_profile("epson-tm-t88")


def test_title_line_bytes() -> None:
    doc = Document((Text("缴费", Align.CENTER, DOUBLE, True),))
    assert encode_document(doc, P80) == (
        b"\x1b@"  # ESC @
        b"\x1c&"  # FS & Chinese mode
        b"\x1ba\x01"  # centre
        b"\x1d!\x11"  # GS ! double width and height (hanzi too)
        b"\x1bE\x01"  # bold
        b"\xbd\xc9\xb7\xd1\n"  # 缴费 in GB18030
    )


def test_state_changes_only_when_needed() -> None:
    doc = Document((Text("a"), Text("b"), Text("c", bold=True), Text("d", bold=True)))
    assert encode_document(doc, P80) == b"\x1b@\x1c&a\nb\n\x1bE\x01c\nd\n"


def test_key_value_right_aligns_value_in_display_columns() -> None:
    doc = Document((KeyValue("交易金额", "¥99.99"),))
    data = encode_document(doc, P80)
    line = data[len(b"\x1b@\x1c&") :]
    # 8 columns of label + 33 spaces + 7 columns of value (￥ is 2 columns) = 48
    assert line == "交易金额".encode("gb18030") + b" " * 33 + b"\xa3\xa499.99\n"
    assert len(line) - 1 == P80.columns


def test_key_value_on_58mm_and_42_columns() -> None:
    for profile in (P58, TM88):
        items = layout(Document((KeyValue("交易流水", "T20261125180501"),)), profile)
        assert [len(i.text.encode("gb18030")) for i in items if isinstance(i, PrintedLine)] == [
            profile.columns
        ]


def test_too_long_value_wraps_to_the_right() -> None:
    items = layout(Document((KeyValue("业务名称", "x" * 60),)), P58)
    texts = [i.text for i in items if isinstance(i, PrintedLine)]
    assert texts[0] == "业务名称"
    assert texts[1] == "x" * 32
    assert texts[2] == " " * 4 + "x" * 28


def test_columns_line() -> None:
    row = Columns(("通话", "3分25秒", "0.60"), (Column(2), Column(1), Column(1, Align.RIGHT)))
    items = layout(Document((row,)), P80)
    assert items == [PrintedLine("通话" + " " * 20 + "3分25秒" + " " * 13 + "0.60")]


def test_rule_fills_the_line() -> None:
    assert layout(Document((Rule("="),)), P58) == [PrintedLine("=" * 32)]


def test_double_width_text_wraps_at_half_the_columns() -> None:
    items = layout(Document((Text("一二三四五六七八九十", size=Size(2, 2)),)), P58)
    assert [i.text for i in items if isinstance(i, PrintedLine)] == ["一二三四五六七八", "九十"]


def test_qr_bytes_match_the_manual() -> None:
    doc = Document((QrCode("AB", module_size=5, level=QrErrorLevel.Q, align=Align.LEFT),))
    data = encode_document(doc, P80)[4:]
    assert data == (
        b"\x1d(k\x04\x00\x31\x41\x32\x00"
        b"\x1d(k\x03\x00\x31\x43\x05"
        b"\x1d(k\x03\x00\x31\x45\x32"
        b"\x1d(k\x05\x00\x31\x50\x30AB"
        b"\x1d(k\x03\x00\x31\x51\x30"
    )


def test_code128_bytes() -> None:
    doc = Document((Barcode("T123", height=60, module_width=2, align=Align.LEFT),))
    data = encode_document(doc, P80)[4:]
    assert data == b"\x1dh\x3c\x1dw\x02\x1dH\x02\x1dk\x49\x06{BT123"


def test_cut_uses_the_profile_bytes() -> None:
    assert encode_document(Document((Cut(),)), P80)[4:] == b"\x1bd\x04\x1dV\x01"
    assert encode_document(Document((Cut(partial=False),)), TM88)[7:] == b"\x1bd\x03\x1dVA\x00"


def test_four_byte_character_does_not_shift_the_line() -> None:
    items = layout(Document((KeyValue("客户名称", "张\U00020000峰"),)), P80)
    line = items[0]
    assert isinstance(line, PrintedLine)
    assert line.text.endswith("张□峰")
    assert len(line.text.encode("gb18030")) == 48


def test_profile_without_native_qr_gets_a_raster() -> None:
    from dataclasses import replace

    from printer.layout import PrintedImage

    plain = replace(P58, native_qr=False)
    items = layout(Document((QrCode("https://example.cn/v/1"),)), plain)
    assert isinstance(items[0], PrintedImage)
    assert items[0].width_bytes * 8 <= plain.dots_per_line
    data = encode_items(items, plain)
    assert b"\x1dv0\x00" in data
    assert decode(data, plain) == items


def test_decoder_handles_any_chunking() -> None:
    doc = Document(
        (
            Text("客户详单", Align.CENTER, DOUBLE, True),
            KeyValue("查询时段", "2026-06 至 2026-10"),
            QrCode("https://example.cn/v?t=9"),
            Barcode("T9"),
            Cut(),
            Text("第二张"),
            Cut(),
        )
    )
    data = encode_document(doc, P80)
    whole = decode(data, P80)
    decoder = EscPosDecoder(P80)
    pieces = []
    for i in range(0, len(data), 3):
        pieces += decoder.feed(data[i : i + 3])
    pieces += decoder.finish()
    assert pieces == whole == layout(doc, P80)
    receipts = split_receipts(whole)
    assert len(receipts) == 2
    assert receipts[1] == [PrintedLine("第二张"), PrintedFeed(4), PrintedCut(True)]


def test_decoder_wraps_an_overfull_line_like_the_printer() -> None:
    items = decode(b"\x1b@\x1c&" + b"x" * 50 + b"\n", P80)
    assert items == [PrintedLine("x" * 48), PrintedLine("xx")]


def test_decoder_skips_status_requests_and_records_unknown() -> None:
    decoder = EscPosDecoder(P80)
    items = decoder.feed(b"\x10\x04\x01ok\n\x1b\x99\x00\n")
    assert items == [PrintedLine("ok"), PrintedLine("")]
    assert decoder.unknown == ["ESC 99", "control 00"]


def test_qr_decoded_with_parameters() -> None:
    data = encode_document(Document((QrCode("Z", 4, QrErrorLevel.H, Align.RIGHT),)), P80)
    assert decode(data, P80) == [PrintedQr("Z", 4, QrErrorLevel.H, Align.RIGHT)]


def test_encoded_size_close_to_minimal_text() -> None:
    rows = [
        Columns(
            (f"10-{d:02d} 08:00", "主叫", "13800001111", "1分0秒", "0.10"),
            (Column(3), Column(1), Column(3), Column(2), Column(2, Align.RIGHT)),
        )
        for d in range(1, 200)
    ]
    doc = Document((Text("客户详单", Align.CENTER, DOUBLE, True), *rows, Cut()))
    items = layout(doc, P80)
    assert len(encode_items(items, P80)) <= 1.05 * minimal_text_size(items, P80)


_aligns = st.sampled_from(list(Align))
_sizes = st.sampled_from([NORMAL, DOUBLE, Size(1, 2), Size(3, 1)])
_blocks = st.one_of(
    st.builds(Text, st.text(max_size=70), _aligns, _sizes, st.booleans()),
    st.builds(KeyValue, st.text(max_size=30), st.text(max_size=30), st.booleans()),
    st.builds(Rule, st.sampled_from(["-", "=", "*"])),
    st.builds(Feed, st.integers(min_value=0, max_value=3)),
    st.builds(Cut, st.booleans()),
    st.builds(
        QrCode,
        st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1),
        st.integers(min_value=1, max_value=8),
        st.sampled_from(list(QrErrorLevel)),
        _aligns,
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_blocks, max_size=8), st.sampled_from([P80, P58, TM88]))
def test_decode_inverts_encode(blocks: list[object], profile: object) -> None:
    from printer.profiles import PrinterProfile

    assert isinstance(profile, PrinterProfile)
    doc = Document(tuple(blocks))  # type: ignore[arg-type]
    items = layout(doc, profile)
    assert decode(encode_items(items, profile), profile) == items


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=1, max_value=7))
def test_decoder_never_crashes_on_garbage(data: bytes, chunk: int) -> None:
    decoder = EscPosDecoder(P80)
    items = []
    for i in range(0, len(data), chunk):
        items += decoder.feed(data[i : i + chunk])
    items += decoder.finish()
    for item in items:
        if isinstance(item, PrintedLine):
            assert len(item.text.encode("gb18030")) <= P80.columns * 2


def test_gs_bang_ignores_undefined_bits() -> None:
    items = decode(b"\x1d!\xffA\n", P80)
    assert items == [PrintedLine("A", size=Size(8, 8))]


def test_logo_becomes_a_raster_no_wider_than_the_paper() -> None:
    import io

    from PIL import Image, ImageDraw

    from printer.document import Logo
    from printer.layout import PrintedImage

    picture = Image.new("L", (800, 100), 255)
    ImageDraw.Draw(picture).rectangle((0, 0, 399, 99), fill=0)  # left half black
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    items = layout(Document((Logo(buffer.getvalue(), Align.LEFT),)), P58)
    (image,) = items
    assert isinstance(image, PrintedImage)
    assert image.width_bytes == P58.dots_per_line // 8 and image.height == 48
    row = image.bits[: image.width_bytes]
    assert row[: image.width_bytes // 2 - 1] == b"\xff" * (image.width_bytes // 2 - 1)
    assert row[-1] == 0
    data = encode_items(items, P58)
    assert data[4:12] == b"\x1dv0\x00" + bytes((image.width_bytes, 0, 48, 0))
    assert decode(data, P58) == items


def test_profile_init_bytes_follow_chinese_mode() -> None:
    # TM-T88: international character set China (ESC R 15) after FS &
    assert encode_document(Document((Text("A"),)), TM88) == b"\x1b@\x1c&\x1bR\x0fA\n"
    assert decode(b"\x1b@\x1c&\x1bR\x0fA\n", TM88) == [PrintedLine("A")]
