"""Fuzzing the ID card reader decoding path with random and mutated frames.

At least 100,000 frames go through the incremental decoder, fed in random chunk sizes, and
every decoded answer goes on through the read-answer split and the text-block parser. The
only exceptions allowed anywhere are the typed ``CardReaderError`` family; the decoder must
keep its buffer bounded and the whole run must finish in seconds (no hang, no blow-up).
"""

from __future__ import annotations

import random
import time

import pytest

from emulators.idcard.cards import load_demo_cards
from kiosk.devices.idcard.card import parse_text_block
from kiosk.devices.idcard.codec import (
    HEADER_LEN,
    MAX_ANSWER_LEN,
    PREAMBLE,
    Answer,
    FrameDecoder,
    encode_answer,
)
from kiosk.devices.idcard.driver import split_read_answer
from kiosk.devices.idcard.errors import CardReaderError

FRAMES = 100_000
SEED = 20240467


def _seed_frames() -> list[bytes]:
    frames = [encode_answer(sw3) for sw3 in (0x90, 0x9F, 0x80, 0x81, 0x41, 0x60, 0x10, 0x24)]
    frames += [encode_answer(0x9F, bytes(4)), encode_answer(0x90, bytes(8))]
    for card in load_demo_cards():
        sizes = len(card.text).to_bytes(2, "big") + len(card.photo).to_bytes(2, "big")
        frames.append(encode_answer(0x90, sizes + card.text + card.photo))
    return frames


def _mutate(rng: random.Random, frame: bytes) -> bytes:
    data = bytearray(frame)
    kind = rng.randrange(9)
    if kind == 0:  # flip bits in a few bytes
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    elif kind == 1:  # truncate
        del data[rng.randrange(len(data)) :]
    elif kind == 2:  # insert noise (sometimes a stray preamble)
        noise = rng.randbytes(rng.randint(1, 16))
        if rng.random() < 0.3:
            noise += PREAMBLE
        at = rng.randrange(len(data) + 1)
        data[at:at] = noise
    elif kind == 3:  # rewrite LEN
        data[5:7] = rng.randrange(0x10000).to_bytes(2, "big")
    elif kind == 4:  # rewrite LEN and fix CHK so the frame "verifies" with a wrong length
        new_len = rng.randrange(4, len(data))
        data = bytearray(data[: HEADER_LEN + new_len])
        data[5:7] = new_len.to_bytes(2, "big")
        chk = 0
        for b in data[5:-1]:
            chk ^= b
        data[-1] = chk
    elif kind == 5:  # mutate the text block but keep the frame valid (parser fuzz)
        if len(data) > 300:
            body = bytearray(data[10:-1])
            for _ in range(rng.randint(1, 6)):
                body[4 + rng.randrange(256)] = rng.randrange(256)
            data = bytearray(encode_answer(data[9], bytes(body)))
    elif kind == 6:  # pure random bytes
        data = bytearray(rng.randbytes(rng.randint(0, 64)))
    elif kind == 7:  # duplicated tail
        data += data[rng.randrange(len(data)) :]
    # kind 8: unchanged
    return bytes(data)


def _consume(item: Answer | CardReaderError) -> str:
    if isinstance(item, CardReaderError):
        return "error"
    try:
        text, photo = split_read_answer(item.data)
        parse_text_block(text, photo)
    except CardReaderError:
        return "answer-rejected"
    return "card"


def test_decoder_survives_100k_random_and_mutated_frames() -> None:
    rng = random.Random(SEED)
    seeds = _seed_frames()
    decoder = FrameDecoder()
    counts = {"error": 0, "answer-rejected": 0, "card": 0}
    started = time.monotonic()
    for n in range(FRAMES):
        frame = _mutate(rng, rng.choice(seeds))
        pos = 0
        while pos < len(frame):
            step = rng.randint(1, 1400)
            try:
                items = decoder.feed(frame[pos : pos + step])
                needed = decoder.bytes_needed()
                decoder.pending_error()
            except CardReaderError as exc:  # pragma: no cover - feed returns errors, never raises
                pytest.fail(f"feed raised {exc!r}")
            pos += step
            assert 1 <= needed <= HEADER_LEN + MAX_ANSWER_LEN
            assert decoder.buffered <= HEADER_LEN + MAX_ANSWER_LEN + 1400
            for item in items:
                counts[_consume(item)] += 1
        if n % 1000 == 999:
            decoder.reset()  # as the driver does before each command
    elapsed = time.monotonic() - started
    # Meaningful: plenty of good cards, rejected answers and framing errors all occurred.
    assert all(c > 1000 for c in counts.values()), counts
    assert elapsed < 60, f"fuzz run took {elapsed:.1f} s"


def test_text_block_parser_only_raises_card_data_errors() -> None:
    rng = random.Random(SEED + 1)
    blocks = [c.text for c in load_demo_cards()]
    outcomes = {"ok": 0, "rejected": 0}
    for _ in range(20_000):
        block = bytearray(rng.choice(blocks))
        for _ in range(rng.randint(1, 8)):
            block[rng.randrange(256)] = rng.randrange(256)
        if rng.random() < 0.1:
            block = bytearray(rng.randbytes(256))
        try:
            parse_text_block(bytes(block))
            outcomes["ok"] += 1
        except CardReaderError:
            outcomes["rejected"] += 1
    assert outcomes["ok"] > 100 and outcomes["rejected"] > 1000, outcomes


def test_driver_over_a_pty_only_raises_typed_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """100 exchanges over a real pty, each answered by a mutated frame (or silence)."""
    import threading

    from emulators.ptylink import LinkClosedError, PtyLink
    from kiosk.devices.idcard import driver
    from kiosk.devices.idcard.card import IdCard

    monkeypatch.setattr(driver, "SETTLE_QUIET", 0.01)  # keep the run short; logic unchanged
    rng = random.Random(SEED + 2)
    seeds = _seed_frames()
    stop = threading.Event()

    def serve(link: PtyLink) -> None:
        buf = b""
        while not stop.is_set():
            try:
                buf += link.read(timeout=0.05)
            except LinkClosedError:
                return
            while len(buf) >= 7 and len(buf) >= 7 + int.from_bytes(buf[5:7], "big"):
                buf = buf[7 + int.from_bytes(buf[5:7], "big") :]
                if rng.random() < 0.03:
                    continue  # silence
                link.write(_mutate(rng, rng.choice(seeds)))

    outcomes: dict[str, int] = {}
    with PtyLink() as link:
        server = threading.Thread(target=serve, args=(link,), daemon=True)
        server.start()
        reader = driver.SerialCardReader(str(link.link_path), timeout=0.05)
        started = time.monotonic()
        for _ in range(100):
            if not reader.is_open:
                try:
                    reader.open()
                except CardReaderError as exc:
                    outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
                    continue
            action = rng.choice([reader.find_card, reader.select_card, reader.read_card])
            try:
                result = action()
                kind = "card" if isinstance(result, IdCard) else "ok"
            except CardReaderError as exc:
                kind = type(exc).__name__
            outcomes[kind] = outcomes.get(kind, 0) + 1
        reader.close()
        stop.set()
        server.join(2)
    assert time.monotonic() - started < 60
    assert outcomes.get("card", 0) >= 2 and len(outcomes) >= 5, outcomes
