"""SAM frame codec: byte transcripts for every command and status code, decoder behaviour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.devices.idcard.codec import (
    MAX_ANSWER_LEN,
    PREAMBLE,
    Answer,
    Command,
    FrameDecoder,
    encode_answer,
    encode_command,
    xor_checksum,
)
from kiosk.devices.idcard.errors import (
    CardStatusError,
    ChecksumError,
    FrameError,
    NoCard,
    ReadFailed,
    SamFailure,
    TruncatedAnswer,
    error_for_status,
)
from kiosk.devices.idcard.status import Sw3

# Host frames, byte for byte (the four from the protocol notes plus the rest computed by hand:
# CHK = 00 ^ 03 ^ CMD ^ PARA).
COMMAND_TRANSCRIPTS = {
    Command.RESET_SAM: "AA AA AA 96 69 00 03 10 FF EC",
    Command.SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    Command.READ_SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    Command.FIND_CARD: "AA AA AA 96 69 00 03 20 01 22",
    Command.SELECT_CARD: "AA AA AA 96 69 00 03 20 02 21",
    Command.READ_TEXT_PHOTO: "AA AA AA 96 69 00 03 30 01 32",
    Command.READ_TEXT_PHOTO_FP: "AA AA AA 96 69 00 03 30 10 23",
    Command.READ_NEW_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
}


@pytest.mark.parametrize(("command", "hex_frame"), COMMAND_TRANSCRIPTS.items())
def test_every_command_frame(command: Command, hex_frame: str) -> None:
    assert command.frame() == bytes.fromhex(hex_frame)
    assert encode_command(command.cmd, command.para) == bytes.fromhex(hex_frame)


def test_command_with_data_set_max_frame_size() -> None:
    # 61 FF nn: LEN 00 04, CHK = 00^04^61^FF^50
    assert Command.SET_MAX_FRAME.frame(b"\x50") == bytes.fromhex("AAAAAA9669 0004 61FF50 CA")


def test_encode_command_rejects_non_bytes() -> None:
    with pytest.raises(ValueError):
        encode_command(0x100, 0)


# Reader answers without data for every status code: AA AA AA 96 69 00 04 00 00 SW3 CHK,
# CHK = 04 ^ SW3.
@pytest.mark.parametrize("sw3", list(Sw3))
def test_every_status_code_answer_transcript(sw3: Sw3) -> None:
    raw = bytes.fromhex(f"AAAAAA9669 0004 0000 {sw3:02X} {0x04 ^ sw3:02X}")
    assert encode_answer(sw3) == raw
    (answer,) = FrameDecoder().feed(raw)
    assert answer == Answer(0, 0, int(sw3), b"")
    assert isinstance(answer, Answer) and answer.status is sw3
    assert sw3.message_zh and sw3.message_en


def test_find_card_success_transcript() -> None:
    raw = bytes.fromhex("AAAAAA9669 0008 00009F 00000000 97")
    (answer,) = FrameDecoder().feed(raw)
    assert answer == Answer(0, 0, 0x9F, bytes(4))


def test_status_codes_map_to_typed_errors() -> None:
    assert type(error_for_status(0x60)) is SamFailure
    assert type(error_for_status(0x66)) is SamFailure
    assert type(error_for_status(0x80)) is NoCard
    for code in (0x81, 0x41, 0x31, 0x32, 0x33, 0x40, 0x47):
        assert type(error_for_status(code)) is ReadFailed, hex(code)
    for code in (0x10, 0x11, 0x21, 0x23, 0x24, 0x91, 0x77):
        assert type(error_for_status(code)) is CardStatusError, hex(code)
    err = error_for_status(0x41, "read card")
    assert err.sw3 == 0x41 and str(err) == "read card: SW3 41 (read card failed)"
    assert err.message_zh == "读证/卡操作失败"
    assert "77" in error_for_status(0x77).message_zh


def test_unknown_status_is_kept_not_guessed() -> None:
    (answer,) = FrameDecoder().feed(encode_answer(0x77))
    assert isinstance(answer, Answer) and answer.sw3 == 0x77 and answer.status is None


def test_checksum_error_is_reported_and_next_frame_still_decoded() -> None:
    bad = bytearray(encode_answer(0x90, b"abc"))
    bad[-1] ^= 0xFF
    items = FrameDecoder().feed(bytes(bad) + encode_answer(0x9F, bytes(4)))
    assert isinstance(items[0], ChecksumError)
    assert items[-1] == Answer(0, 0, 0x9F, bytes(4))


def test_garbage_before_a_frame_is_skipped_and_counted() -> None:
    decoder = FrameDecoder()
    items = decoder.feed(b"\x00\xaa\xaa\x13garbage\xaa" + encode_answer(0x90))
    assert items == [Answer(0, 0, 0x90, b"")]
    assert decoder.skipped == 12


def test_impossible_length_is_a_frame_error_and_resyncs() -> None:
    too_long = PREAMBLE + (MAX_ANSWER_LEN + 1).to_bytes(2, "big")
    too_short = PREAMBLE + b"\x00\x02"
    items = FrameDecoder().feed(too_long + too_short + encode_answer(0x90))
    assert [type(i) for i in items] == [FrameError, FrameError, Answer]


def test_bytes_needed_reads_header_then_exactly_len() -> None:
    decoder = FrameDecoder()
    frame = encode_answer(0x90, bytes(1284))
    assert decoder.bytes_needed() == 7
    assert decoder.feed(frame[:7]) == []
    assert decoder.bytes_needed() == len(frame) - 7 == 1288
    assert decoder.feed(frame[7:100]) == []
    assert decoder.bytes_needed() == len(frame) - 100
    assert decoder.feed(frame[100:]) == [Answer(0, 0, 0x90, bytes(1284))]
    assert decoder.bytes_needed() == 7


def test_pending_error_describes_a_stream_that_stopped() -> None:
    decoder = FrameDecoder()
    assert decoder.pending_error() is None
    decoder.feed(encode_answer(0x90, bytes(10))[:12])
    err = decoder.pending_error()
    assert isinstance(err, TruncatedAnswer) and "12 of 21" in str(err)
    decoder.reset()
    decoder.feed(PREAMBLE[:3])
    assert isinstance(decoder.pending_error(), TruncatedAnswer)
    decoder.reset()
    decoder.feed(b"\x01\x02\x03")
    err = decoder.pending_error()
    assert type(err) is FrameError and "garbage" in str(err)


def test_preamble_split_across_feeds() -> None:
    decoder = FrameDecoder()
    frame = encode_answer(0x90, b"xy")
    out = []
    for byte in b"\x55" + frame:
        out += decoder.feed(bytes([byte]))
    assert out == [Answer(0, 0, 0x90, b"xy")]


def test_answer_repr_hides_data() -> None:
    assert repr(Answer(0, 0, 0x90, "张三".encode())) == "Answer(sw3=90, data=6 bytes)"


@given(
    sw3=st.integers(0, 255),
    data=st.binary(max_size=2400),
    cuts=st.lists(st.integers(0, 2500), max_size=6),
)
def test_round_trip_any_answer_any_split(sw3: int, data: bytes, cuts: list[int]) -> None:
    frame = encode_answer(sw3, data)
    assert len(frame) == 7 + int.from_bytes(frame[5:7], "big")
    assert xor_checksum(frame[5:-1]) == frame[-1]
    decoder = FrameDecoder()
    items = []
    last = 0
    for cut in [*sorted(c for c in cuts if c < len(frame)), len(frame)]:
        items += decoder.feed(frame[last:cut])
        last = cut
    assert items == [Answer(0, 0, sw3, data)]
    assert decoder.buffered == 0


@given(cmd=st.integers(0, 255), para=st.integers(0, 255), data=st.binary(max_size=64))
def test_command_frames_follow_the_layout(cmd: int, para: int, data: bytes) -> None:
    frame = encode_command(cmd, para, data)
    assert frame[:5] == PREAMBLE
    assert int.from_bytes(frame[5:7], "big") == len(frame) - 7 == len(data) + 3
    assert (frame[7], frame[8], frame[9:-1]) == (cmd, para, data)
    assert xor_checksum(frame[5:-1]) == frame[-1]


@given(st.binary(max_size=3000))
def test_fast_checksum_equals_the_plain_xor(data: bytes) -> None:
    plain = 0
    for byte in data:
        plain ^= byte
    assert xor_checksum(data) == plain
