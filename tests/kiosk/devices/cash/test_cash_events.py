"""Event counter: wrap 255 -> 1, power-up 0, a gap of more than 5 reported as lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kiosk.devices.cash import BillStatus, EventCounter, EventKind, decode_event
from kiosk.devices.cash.codec import EventBuffer
from kiosk.devices.cash.events import counter_advance, next_counter


def buf(counter: int, *slots: tuple[int, int]) -> EventBuffer:
    return EventBuffer(counter, tuple(list(slots) + [(0, 0)] * (5 - len(slots))))


def test_decode_event_kinds() -> None:
    assert decode_event(6, 0).kind is EventKind.CREDIT
    assert decode_event(6, 1).kind is EventKind.ESCROW
    assert decode_event(0, 2).kind is EventKind.REJECT
    assert decode_event(0, 8).status is BillStatus.PULLED_BACKWARDS
    assert decode_event(0, 14).kind is EventKind.FAULT
    assert decode_event(0, 6).kind is EventKind.FAULT
    assert decode_event(0, 12).kind is EventKind.STATUS
    assert decode_event(0, 99).kind is EventKind.UNKNOWN


def test_first_read_is_the_baseline() -> None:
    counter = EventCounter()
    read = counter.advance(buf(17, (3, 0)))
    assert read.events == () and not read.uncertain and counter.last == 17


def test_only_new_slots_are_decoded_oldest_first() -> None:
    counter = EventCounter(0)
    read = counter.advance(buf(2, (6, 0), (2, 0)))
    assert [e.channel for e in read.events] == [2, 6]
    assert counter.advance(buf(2, (6, 0), (2, 0))).events == ()
    read = counter.advance(buf(3, (0, 2), (6, 0), (2, 0)))
    assert [e.kind for e in read.events] == [EventKind.REJECT]


def test_counter_wraps_from_255_to_1_never_0() -> None:
    assert next_counter(254) == 255
    assert next_counter(255) == 1
    assert next_counter(0) == 1
    counter = EventCounter(254)
    read = counter.advance(buf(2, (1, 0), (2, 0), (3, 0), (4, 0)))
    # 254 -> 255 -> 1 -> 2: three new events
    assert [e.channel for e in read.events] == [3, 2, 1]
    assert not read.uncertain


def test_gap_of_more_than_five_reports_lost_events_and_never_guesses() -> None:
    counter = EventCounter(10)
    read = counter.advance(buf(17, (6, 0), (6, 0), (6, 0), (6, 0), (6, 0)))
    assert read.lost == 2
    assert len(read.events) == 5  # the 5 it saw are real; the 2 it did not see are not guessed
    assert read.uncertain
    assert not EventCounter(10).advance(buf(15, (6, 0))).uncertain  # exactly 5 is fine


def test_gap_across_the_wrap() -> None:
    read = EventCounter(253).advance(buf(5, *[(6, 0)] * 5))
    assert read.lost == 2  # 254 255 1 2 3 4 5 = 7 events


def test_back_to_zero_after_events_is_a_reset() -> None:
    counter = EventCounter(40)
    read = counter.advance(buf(0))
    assert read.reset and read.uncertain
    assert not EventCounter(0).advance(buf(0)).uncertain
    assert [e.channel for e in counter.advance(buf(1, (4, 0))).events] == [4]


@given(st.integers(0, 255), st.integers(0, 300))
def test_advance_counts_the_events_between(start: int, steps: int) -> None:
    current = start
    for _ in range(steps):
        current = next_counter(current)
    if steps == 0 or current == start:
        return
    assert counter_advance(start, current) == steps % 255 or (start == 0 and steps <= 255)
