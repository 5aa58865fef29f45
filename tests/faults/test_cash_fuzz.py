"""Fuzzing the ccTalk reply path: mutated and random replies through the decoder and the
159 / bill id / scaling parsers and the event counter. The only exceptions allowed are the
typed ``CashAcceptorError`` family, and a mutated reply is never accepted as a valid one
(every single-byte change to a simple-checksum frame breaks its checksum)."""

from __future__ import annotations

import random

from kiosk.devices.cash.codec import (
    Frame,
    FrameDecoder,
    encode_event_buffer,
    encode_frame,
    parse_bill_id,
    parse_event_buffer,
    parse_scaling,
)
from kiosk.devices.cash.errors import CashAcceptorError
from kiosk.devices.cash.events import EventCounter

FRAMES = 30_000
SEED = 20261202


def _seed_replies() -> list[bytes]:
    replies = [encode_frame(1, 0, b"", source=40), encode_frame(1, 5, b"", source=40)]
    replies += [encode_frame(1, 0, b"CN0100A", source=40)]
    replies += [encode_frame(1, 0, b".......", source=40)]
    replies += [encode_frame(1, 0, bytes([100, 0, 2]), source=40)]
    for counter in (0, 1, 5, 254, 255):
        data = encode_event_buffer(counter, [(6, 0), (0, 14), (2, 0), (0, 8), (1, 1)])
        replies.append(encode_frame(1, 0, data, source=40))
    return replies


def _consume(frame: Frame, counter: EventCounter) -> None:
    for parse in (parse_event_buffer, parse_bill_id, parse_scaling):
        try:
            result = parse(frame.data)
        except CashAcceptorError:
            continue
        if parse is parse_event_buffer:
            counter.advance(result)  # type: ignore[arg-type]


def test_mutated_and_random_replies_only_raise_typed_errors() -> None:
    rng = random.Random(SEED)
    seeds = _seed_replies()
    counter = EventCounter(0)
    decoder = FrameDecoder()
    accepted = rejected = 0
    for _ in range(FRAMES):
        raw = bytearray(rng.choice(seeds))
        mode = rng.random()
        mutated = -1
        if mode < 0.4:
            mutated = rng.randrange(len(raw))
            raw[mutated] ^= rng.randrange(1, 256)
        elif mode < 0.5:
            raw = bytearray(rng.randbytes(rng.randrange(2, 40)))
        decoder.reset()
        chunk = rng.randrange(1, 8)
        items: list[object] = []
        for at in range(0, len(raw), chunk):
            items += decoder.feed(bytes(raw[at : at + chunk]))
        for item in items:
            if isinstance(item, CashAcceptorError):
                rejected += 1
                continue
            assert isinstance(item, Frame)
            accepted += 1
            # One changed byte always breaks the simple checksum, unless it is the length
            # byte: then the bytes describe another frame, which the sum still has to pass.
            assert mutated in (-1, 1), f"a corrupted reply was accepted: {bytes(raw).hex()}"
            _consume(item, counter)
        assert decoder.buffered <= 260
    assert accepted > FRAMES // 3 and rejected > FRAMES // 10
