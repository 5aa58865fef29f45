"""ccTalk codec: byte transcripts from the specification's examples, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.devices.cash import ChecksumError, ChecksumMode, FrameDecoder, FrameError, Header
from kiosk.devices.cash.codec import (
    BillType,
    Frame,
    Scaling,
    channels_of_mask,
    crc16_ccitt,
    decode_frame,
    encode_event_buffer,
    encode_frame,
    inhibit_mask,
    parse_bill_id,
    parse_event_buffer,
    parse_scaling,
    parse_serial_number,
)


def test_simple_poll_transcript_matches_the_specification_example() -> None:
    # The Generic Specification's own example: simple poll to a coin acceptor at address 2
    # is 002 000 001 254 255 (the 5 bytes sum to 0 mod 256).
    assert encode_frame(2, Header.SIMPLE_POLL) == bytes([2, 0, 1, 254, 255])
    # The same to the bill validator at 40, and its ACK back to the host.
    assert encode_frame(40, Header.SIMPLE_POLL) == bytes.fromhex("28 00 01 FE D9")
    assert decode_frame(bytes.fromhex("01 00 28 00 D7")) == Frame(1, 40, 0, b"")


def test_command_transcripts() -> None:
    assert encode_frame(40, Header.READ_BUFFERED_BILL_EVENTS) == bytes.fromhex("28 00 01 9F 38")
    assert encode_frame(40, Header.MODIFY_MASTER_INHIBIT_STATUS, b"\x01") == bytes.fromhex(
        "28 01 01 E4 01 F1"
    )
    assert encode_frame(40, Header.MODIFY_INHIBIT_STATUS, inhibit_mask({1, 2, 3, 4, 5, 6})) == (
        bytes.fromhex("28 02 01 E7 3F 00 AF")
    )
    assert encode_frame(40, Header.REQUEST_BILL_ID, b"\x06") == bytes.fromhex("28 01 01 9D 06 33")


def test_event_reply_transcript() -> None:
    # counter 2; newest first: ¥100 (channel 6) stacked, then ¥5 (channel 2) stacked
    raw = bytes.fromhex("01 0B 28 00 02 06 00 02 00 00 00 00 00 00 00") + b"\xc2"
    assert sum(raw) % 256 == 0
    frame = decode_frame(raw)
    buffer = parse_event_buffer(frame.data)
    assert buffer.counter == 2
    assert buffer.slots == ((6, 0), (2, 0), (0, 0), (0, 0), (0, 0))
    assert encode_event_buffer(2, [(6, 0), (2, 0)]) == frame.data


def test_crc16_check_value_and_layout() -> None:
    assert crc16_ccitt(b"123456789") == 0x31C3  # CRC-16/XMODEM check value
    raw = encode_frame(40, Header.SIMPLE_POLL, mode=ChecksumMode.CRC16)
    crc = crc16_ccitt(bytes([40, 0, 254]))
    assert raw == bytes([40, 0, crc & 0xFF, 254, crc >> 8])
    assert decode_frame(raw, ChecksumMode.CRC16) == Frame(40, None, 254, b"")


def test_a_frame_failing_the_configured_checksum_is_refused_not_misparsed() -> None:
    simple = encode_frame(1, 0, b"Bill Validator", source=40)
    with pytest.raises(ChecksumError):
        decode_frame(simple[:-1] + bytes([simple[-1] ^ 1]))
    with pytest.raises(ChecksumError):  # a simple-checksum frame on a CRC-16 link
        decode_frame(simple, ChecksumMode.CRC16)
    with pytest.raises(FrameError):
        decode_frame(simple[:-2])


def test_decoder_resynchronises_after_a_corrupted_frame() -> None:
    good = encode_frame(1, 0, b"\x07", source=40)
    bad = bytearray(good)
    bad[4] ^= 0xFF
    items = FrameDecoder().feed(bytes(bad) + good)
    assert isinstance(items[0], ChecksumError)
    assert items[-1] == Frame(1, 40, 0, b"\x07")


def test_bill_ids_masks_scaling_serial() -> None:
    assert parse_bill_id(b"CN0100A") == BillType("CN", 100, "A")
    assert parse_bill_id(b".......") is None
    with pytest.raises(FrameError):
        parse_bill_id(b"CN01")
    assert channels_of_mask(inhibit_mask({1, 9, 16})) == {1, 9, 16}
    assert inhibit_mask({1, 9, 16}) == bytes([0x01, 0x81])
    scaling = parse_scaling(bytes([100, 0, 2]))
    assert scaling == Scaling(100, 2)
    assert scaling.fen(100) == 10_000  # CN0100A = ¥100 = 10000 fen
    assert Scaling(1, 0).fen(5) == 500
    assert parse_serial_number(bytes([0x87, 0xD6, 0x12])) == 1234567


frames = st.tuples(
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=252),
    st.sampled_from(list(ChecksumMode)),
)


@given(frames)
def test_encode_decode_round_trip(case: tuple[int, int, int, bytes, ChecksumMode]) -> None:
    dest, src, header, data, mode = case
    raw = encode_frame(dest, header, data, source=src, mode=mode)
    assert len(raw) == len(data) + 5
    frame = decode_frame(raw, mode)
    assert (frame.destination, frame.header, frame.data) == (dest, header, data)
    if mode is ChecksumMode.SIMPLE:
        assert frame.source == src
        assert sum(raw) % 256 == 0


@given(frames, st.integers(0, 10_000), st.integers(1, 255))
def test_any_single_byte_corruption_is_detected(
    case: tuple[int, int, int, bytes, ChecksumMode], where: int, flip: int
) -> None:
    dest, src, header, data, mode = case
    raw = bytearray(encode_frame(dest, header, data, source=src, mode=mode))
    index = where % len(raw)
    if index == 1:
        return  # a changed length byte is a framing problem, covered by the decoder test
    raw[index] ^= flip
    with pytest.raises(ChecksumError):
        decode_frame(bytes(raw), mode)


@given(st.lists(frames, min_size=1, max_size=6), st.integers(1, 7))
def test_decoder_yields_the_same_frames_however_bytes_are_split(
    cases: list[tuple[int, int, int, bytes, ChecksumMode]], step: int
) -> None:
    stream = b"".join(encode_frame(d, h, x, source=s) for d, s, h, x, _m in cases)
    decoder = FrameDecoder()
    got: list[object] = []
    for at in range(0, len(stream), step):
        got += decoder.feed(stream[at : at + step])
    assert got == [Frame(d, s, h, x) for d, s, h, x, _m in cases]
    assert decoder.buffered == 0
