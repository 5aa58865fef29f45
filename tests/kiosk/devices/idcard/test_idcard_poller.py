"""CardPoller with a fake reader: events, pacing, lift-before-reread, backoff, loss."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from kiosk.devices.idcard import (
    CardEvent,
    CardEventKind,
    CardPoller,
    CardReaderError,
    IdCard,
    NoAnswer,
    ReaderDisconnected,
    ReaderUnavailable,
    ReadFailed,
)
from tests.fixtures.idcard import CARD

K = CardEventKind


class FakeReader:
    """Behaves like a real reader: after a read, find says 'no card' until the card leaves;
    select still works while the card is physically there."""

    def __init__(self, halts_after_read: bool = True) -> None:
        self.card: IdCard | None = None
        self.halted = False
        self.halts_after_read = halts_after_read
        self.find_times: list[float] = []
        self.find_errors: list[CardReaderError] = []
        self.read_errors: list[CardReaderError] = []
        self.opened = 0
        self.closed = 0
        self.reads = 0
        self.rearms = 0
        self.cancelled = threading.Event()
        self.block_finds = False  # find_card hangs like a stuck exchange until cancelled
        self._polled = threading.Condition()

    def wait_polls(self, count: int, timeout: float = 5.0) -> None:
        """Block until ``find_card`` has been called ``count`` times in all."""
        with self._polled:
            assert self._polled.wait_for(lambda: len(self.find_times) >= count, timeout)

    def place(self, card: IdCard = CARD) -> None:
        self.card, self.halted = card, False

    def remove(self) -> None:
        self.card, self.halted = None, False

    def open(self) -> None:
        self.opened += 1

    def close(self) -> None:
        self.closed += 1

    def cancel(self) -> None:
        self.cancelled.set()

    def find_card(self) -> bool:
        with self._polled:
            self.find_times.append(time.monotonic())
            self._polled.notify_all()
        if self.block_finds and not self.cancelled.wait(30):
            raise AssertionError("nobody cancelled the stuck exchange")
        if self.find_errors:
            raise self.find_errors.pop(0)
        return self.card is not None and not self.halted

    def select_card(self) -> None:
        if self.card is None:
            raise ReadFailed(0x81, "select card")

    def read_card(self) -> IdCard:
        assert self.card is not None
        self.halted = self.halts_after_read
        if self.read_errors:
            raise self.read_errors.pop(0)
        self.reads += 1
        return self.card

    def rearm(self) -> None:
        self.rearms += 1
        self.halted = False  # the field powered down and up


class Events:
    """Thread-safe event log with waiting."""

    def __init__(self) -> None:
        self.items: list[CardEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    @property
    def kinds(self) -> list[CardEventKind]:
        with self._cond:
            return [e.kind for e in self.items]

    def wait_for(self, kind: CardEventKind, count: int = 1, timeout: float = 5.0) -> CardEvent:
        with self._cond:
            ok = self._cond.wait_for(
                lambda: sum(e.kind is kind for e in self.items) >= count, timeout
            )
            assert ok, f"no {kind} x{count}; got {[e.kind.value for e in self.items]}"
            return [e for e in self.items if e.kind is kind][count - 1]


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def run_poller(events: Events) -> Iterator[Callable[..., CardPoller]]:
    pollers: list[CardPoller] = []

    def start(factory: Callable[[], FakeReader], **kw: object) -> CardPoller:
        poller = CardPoller(factory, events, **kw)  # type: ignore[arg-type]
        pollers.append(poller)
        poller.start()
        return poller

    yield start
    for poller in pollers:
        poller.stop()


def test_place_read_stay_remove_place_again(
    events: Events, run_poller: Callable[..., CardPoller], id_card: IdCard
) -> None:
    reader = FakeReader()
    run_poller(lambda: reader)
    events.wait_for(K.READER_READY)
    reader.place()
    read = events.wait_for(K.CARD_READ)
    assert read.card == id_card
    # The card stays: several polls later there is still exactly one read and no removal.
    reader.wait_polls(len(reader.find_times) + 3)
    assert reader.reads == 1 and K.CARD_REMOVED not in events.kinds
    reader.remove()
    events.wait_for(K.CARD_REMOVED)
    reader.place()
    events.wait_for(K.CARD_READ, 2)
    assert events.kinds == [
        K.READER_READY,
        K.CARD_PRESENT,
        K.CARD_READ,
        K.CARD_REMOVED,
        K.CARD_PRESENT,
        K.CARD_READ,
    ]


def test_reread_reads_a_card_still_lying_there_again(
    events: Events, run_poller: Callable[..., CardPoller], id_card: IdCard
) -> None:
    reader = FakeReader()
    poller = run_poller(lambda: reader)
    events.wait_for(K.READER_READY)
    reader.place()
    events.wait_for(K.CARD_READ)
    reader.wait_polls(len(reader.find_times) + 2)
    assert reader.reads == 1
    poller.reread()
    again = events.wait_for(K.CARD_READ, 2)
    assert again.card == id_card and reader.reads == 2 and reader.rearms == 1
    assert K.CARD_REMOVED not in events.kinds


def test_reread_without_a_card_does_nothing(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    reader = FakeReader()
    poller = run_poller(lambda: reader)
    events.wait_for(K.READER_READY)
    poller.reread()
    reader.wait_polls(len(reader.find_times) + 2)
    assert reader.rearms == 0 and K.CARD_READ not in events.kinds


def test_reader_that_keeps_finding_the_card_still_reads_it_once(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    reader = FakeReader(halts_after_read=False)
    reader.place()
    run_poller(lambda: reader)
    events.wait_for(K.CARD_READ)
    reader.wait_polls(len(reader.find_times) + 3)
    assert reader.reads == 1
    reader.remove()
    events.wait_for(K.CARD_REMOVED)


def test_find_card_is_never_sent_faster_than_every_300_ms(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    reader = FakeReader()
    run_poller(lambda: reader)
    reader.wait_polls(5)
    gaps = [b - a for a, b in itertools.pairwise(reader.find_times)]
    assert min(gaps) >= 0.299, gaps


def test_interval_below_vendor_minimum_is_refused(events: Events) -> None:
    with pytest.raises(ValueError, match=r"at least 0\.3"):
        CardPoller(FakeReader, events, interval=0.1)


def test_read_failure_needs_a_lift(
    events: Events, run_poller: Callable[..., CardPoller], id_card: IdCard
) -> None:
    reader = FakeReader()
    reader.read_errors.append(ReadFailed(0x41, "read card"))
    reader.place()
    run_poller(lambda: reader)
    failed = events.wait_for(K.READ_FAILED)
    assert isinstance(failed.error, ReadFailed) and failed.error.sw3 == 0x41
    reader.remove()
    events.wait_for(K.CARD_REMOVED)
    reader.place()
    assert events.wait_for(K.CARD_READ).card == id_card


def test_without_select_probe_removal_is_reported_after_the_read(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    reader = FakeReader()
    reader.place()
    run_poller(lambda: reader, confirm_removal_with_select=False)
    events.wait_for(K.CARD_REMOVED)
    assert reader.reads == 1


@pytest.mark.allow_log_warnings
def test_missing_port_retries_with_backoff_and_reports_once(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    attempts: list[float] = []
    reader = FakeReader()

    def factory() -> FakeReader:
        attempts.append(time.monotonic())
        if len(attempts) <= 3:
            raise ReaderUnavailable("cannot open /dev/ttyUSB0")
        return reader

    run_poller(factory, backoff=(0.05, 0.1, 0.2))
    events.wait_for(K.READER_READY)
    assert events.kinds == [K.READER_LOST, K.READER_READY]
    assert isinstance(events.items[0].error, ReaderUnavailable)
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2


@pytest.mark.allow_log_warnings
def test_disconnect_closes_and_reopens(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    reader = FakeReader()
    reader.find_errors.append(ReaderDisconnected("gone"))
    run_poller(lambda: reader, backoff=(0.05,))
    lost = events.wait_for(K.READER_LOST)
    assert isinstance(lost.error, ReaderDisconnected)
    events.wait_for(K.READER_READY, 2)
    assert reader.opened == 2 and reader.closed >= 1


@pytest.mark.allow_log_warnings
def test_repeated_protocol_errors_mean_the_reader_is_lost(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    reader = FakeReader()
    reader.find_errors += [NoAnswer("x"), NoAnswer("x"), NoAnswer("x")]
    run_poller(lambda: reader, backoff=(0.05,))
    lost = events.wait_for(K.READER_LOST)
    assert isinstance(lost.error, NoAnswer)
    events.wait_for(K.READER_READY, 2)


def test_isolated_protocol_errors_are_tolerated(
    events: Events, run_poller: Callable[..., CardPoller]
) -> None:
    reader = FakeReader()
    reader.find_errors += [NoAnswer("x"), NoAnswer("x")]
    run_poller(lambda: reader)
    reader.place()
    events.wait_for(K.CARD_READ)
    assert K.READER_LOST not in events.kinds


def test_stop_joins_and_closes(events: Events) -> None:
    reader = FakeReader()
    poller = CardPoller(lambda: reader, events)
    poller.start()
    events.wait_for(K.READER_READY)
    started = time.monotonic()
    poller.stop()
    assert time.monotonic() - started < 1.0
    assert not poller.is_running and reader.closed == 1
    with pytest.raises(RuntimeError):
        poller.start()


def test_stop_cancels_a_stuck_exchange_through_the_protocol(events: Events) -> None:
    # cancel() is part of the CardReader Protocol: stop() calls it on any reader, no getattr.
    reader = FakeReader()
    reader.block_finds = True
    poller = CardPoller(lambda: reader, events)
    poller.start()
    reader.wait_polls(1)
    started = time.monotonic()
    poller.stop()
    assert reader.cancelled.is_set() and time.monotonic() - started < 1.0
    assert not poller.is_running and reader.closed == 1


@pytest.mark.allow_log_warnings
def test_a_failing_listener_does_not_kill_the_thread(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[CardEventKind] = []
    done = threading.Event()

    def listener(event: CardEvent) -> None:
        seen.append(event.kind)
        if event.kind is K.CARD_READ:
            done.set()
        if event.kind is K.READER_READY:
            raise RuntimeError("listener bug")

    reader = FakeReader()
    reader.place()
    with CardPoller(lambda: reader, listener):
        assert done.wait(5)
    assert seen[:3] == [K.READER_READY, K.CARD_PRESENT, K.CARD_READ]
    assert "listener failed" in caplog.text
