"""SerialCardReader against a scripted pty: exact bytes out, every answer shape in."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator

import pytest

from emulators.idcard.cards import encode_text
from emulators.ptylink import LinkClosedError, PtyLink
from kiosk.devices.idcard import (
    CardStatusError,
    CardType,
    ChecksumError,
    FrameError,
    NoAnswer,
    ReaderDisconnected,
    ReaderUnavailable,
    ReadFailed,
    SamFailure,
    SerialCardReader,
    TruncatedAnswer,
    encode_answer,
)

OK = encode_answer(0x90)
SAM_STATUS = bytes.fromhex("AAAAAA9669 0003 11FF ED")
FIND = bytes.fromhex("AAAAAA9669 0003 2001 22")
SELECT = bytes.fromhex("AAAAAA9669 0003 2002 21")
READ = bytes.fromhex("AAAAAA9669 0003 3001 32")
READ_FP = bytes.fromhex("AAAAAA9669 0003 3010 23")
SAM_ID = bytes.fromhex("AAAAAA9669 0003 12FF EE")
RESET_SAM = bytes.fromhex("AAAAAA9669 0003 10FF EC")  # 00^03^10^FF = EC
FIELDS = {
    "card_type": "resident",
    "name": "李秀英",
    "sex": 2,
    "nation": "01",
    "birth_date": "19521102",
    "address": "北京市海淀区中关村南大街12号院7号楼501",
    "id_number": "110108195211020429",
    "authority": "北京市公安局海淀分局",
    "valid_from": "20120301",
    "valid_to": "长期",
}
TEXT = encode_text(FIELDS)
PHOTO = bytes(range(256)) * 4


class ScriptedReader:
    """Answers each request with the next scripted reply (None = stay silent)."""

    def __init__(self) -> None:
        self.link = PtyLink()
        self.requests: list[bytes] = []
        self.replies: queue.Queue[bytes | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return str(self.link.link_path)

    def reply(self, *frames: bytes | None) -> None:
        for frame in frames:
            self.replies.put(frame)

    def _serve(self) -> None:
        buf = b""
        while not self._stop.is_set():
            try:
                buf += self.link.read(timeout=0.05)
            except LinkClosedError:
                return
            while len(buf) >= 7 and len(buf) >= 7 + int.from_bytes(buf[5:7], "big"):
                end = 7 + int.from_bytes(buf[5:7], "big")
                self.requests.append(buf[:end])
                buf = buf[end:]
                frame = self.replies.get_nowait() if not self.replies.empty() else None
                if frame is not None:
                    self.link.write(frame)

    def __enter__(self) -> ScriptedReader:
        self.link.open()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self.link.close()


@pytest.fixture
def script() -> Iterator[ScriptedReader]:
    with ScriptedReader() as s:
        yield s


def opened(script: ScriptedReader, timeout: float = 1.0, **kw: bool) -> SerialCardReader:
    script.reply(OK)
    reader = SerialCardReader(script.url, timeout=timeout, **kw)
    reader.open()
    return reader


def read_answer(text: bytes = TEXT, photo: bytes = PHOTO, fp: bytes | None = None) -> bytes:
    sizes = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    body = text + photo
    if fp is not None:
        sizes += len(fp).to_bytes(2, "big")
        body += fp
    return encode_answer(0x90, sizes + body)


def test_open_checks_sam_then_full_read_cycle_transcript(script: ScriptedReader) -> None:
    with opened(script) as reader:
        script.reply(encode_answer(0x9F, bytes(4)), encode_answer(0x90, bytes(8)), read_answer())
        assert reader.find_card() is True
        reader.select_card()
        card = reader.read_card()
    assert script.requests == [SAM_STATUS, FIND, SELECT, READ]
    assert card.card_type is CardType.RESIDENT
    assert (card.name, card.id_number, card.valid_to) == ("李秀英", "110108195211020429", None)
    assert card.photo == PHOTO


def test_read_with_fingerprint_sends_30_10_and_drops_the_fingerprint(
    script: ScriptedReader,
) -> None:
    reader = opened(script, with_fingerprint=True)
    script.reply(read_answer(fp=b"\x01" * 1024))
    card = reader.read_card()
    reader.close()
    assert script.requests[-1] == READ_FP
    assert card.photo == PHOTO and card.name == "李秀英"


def test_rearm_is_a_sam_reset_on_the_wire(script: ScriptedReader) -> None:
    reader = opened(script)
    script.reply(OK)
    reader.rearm()
    reader.close()
    assert script.requests[-1] == RESET_SAM


def test_sam_self_test_failure_at_open(script: ScriptedReader) -> None:
    script.reply(encode_answer(0x60))
    reader = SerialCardReader(script.url, timeout=1.0)
    with pytest.raises(SamFailure, match="SW3 60"):
        reader.open()
    assert not reader.is_open


def test_find_card_answers(script: ScriptedReader) -> None:
    reader = opened(script)
    script.reply(encode_answer(0x80), encode_answer(0x24))
    assert reader.find_card() is False
    with pytest.raises(CardStatusError, match="SW3 24"):
        reader.find_card()
    reader.close()


def test_select_and_read_failures_are_read_failed(script: ScriptedReader) -> None:
    reader = opened(script)
    script.reply(encode_answer(0x81), encode_answer(0x41))
    with pytest.raises(ReadFailed, match="select card: SW3 81"):
        reader.select_card()
    with pytest.raises(ReadFailed, match="read card: SW3 41"):
        reader.read_card()
    reader.close()


@pytest.mark.parametrize(
    ("frame", "error", "match"),
    [
        (encode_answer(0x90, b"\x01\x00\x04\x00" + bytes(10)), FrameError, "do not match"),
        (read_answer(text=TEXT[:254]), FrameError, "254 bytes"),
        (encode_answer(0x90, b"\x01"), FrameError, "only 1"),
    ],
)
def test_read_answer_with_wrong_sizes(
    script: ScriptedReader, frame: bytes, error: type[Exception], match: str
) -> None:
    reader = opened(script)
    script.reply(frame)
    with pytest.raises(error, match=match):
        reader.read_card()
    reader.close()


def test_sam_id(script: ScriptedReader) -> None:
    reader = opened(script)
    script.reply(encode_answer(0x90, bytes(range(16))), encode_answer(0x90, bytes(3)))
    assert reader.read_sam_id() == bytes(range(16))
    with pytest.raises(FrameError, match="not 16"):
        reader.read_sam_id()
    reader.close()
    assert script.requests[1] == SAM_ID


def test_silence_is_no_answer_after_the_timeout(script: ScriptedReader) -> None:
    reader = opened(script, timeout=0.3)
    script.reply(None)
    started = time.monotonic()
    with pytest.raises(NoAnswer, match="FIND_CARD"):
        reader.find_card()
    assert 0.29 <= time.monotonic() - started < 0.6
    reader.close()


def test_truncated_answer(script: ScriptedReader) -> None:
    reader = opened(script, timeout=0.3)
    script.reply(read_answer()[:600])
    with pytest.raises(TruncatedAnswer, match="600 of 1295"):
        reader.read_card()
    reader.close()


def test_checksum_error(script: ScriptedReader) -> None:
    reader = opened(script)
    bad = bytearray(encode_answer(0x9F, bytes(4)))
    bad[-1] ^= 1
    script.reply(bytes(bad))
    with pytest.raises(ChecksumError):
        reader.find_card()
    reader.close()


def test_garbage_without_frame_is_frame_error(script: ScriptedReader) -> None:
    reader = opened(script, timeout=0.3)
    script.reply(b"\x01\x02\x03\x04\x05\x06\x07\x08\x09")
    with pytest.raises(FrameError, match="garbage") as info:
        reader.find_card()
    assert not isinstance(info.value, TruncatedAnswer)
    reader.close()


def test_noise_before_a_good_frame_is_skipped(script: ScriptedReader) -> None:
    reader = opened(script)
    script.reply(b"\x00\xaa\x13\x37" + encode_answer(0x9F, bytes(4)))
    assert reader.find_card() is True
    reader.close()


def test_stale_bytes_never_answer_the_next_command(script: ScriptedReader) -> None:
    reader = opened(script)
    script.link.write(encode_answer(0x9F, bytes(4)))  # a late answer to some earlier command
    script.reply(encode_answer(0x80))
    assert reader.find_card() is False
    reader.close()


def test_missing_port_is_reader_unavailable() -> None:
    with pytest.raises(ReaderUnavailable, match="cannot open"):
        SerialCardReader("/nonexistent/ttyUSB9").open()


def test_unplug_during_exchange_is_reader_disconnected(script: ScriptedReader) -> None:
    reader = opened(script, timeout=2.0)
    script.reply(None)
    threading.Timer(0.1, script.link.unplug).start()
    with pytest.raises(ReaderDisconnected):
        reader.find_card()
    assert not reader.is_open
    with pytest.raises(ReaderUnavailable, match="not open"):
        reader.find_card()


def test_cancel_ends_a_blocked_exchange_quickly(script: ScriptedReader) -> None:
    reader = opened(script, timeout=5.0)
    script.reply(None)
    threading.Timer(0.1, reader.cancel).start()
    started = time.monotonic()
    with pytest.raises(NoAnswer, match="cancelled"):
        reader.find_card()
    assert time.monotonic() - started < 1.0
    reader.close()
