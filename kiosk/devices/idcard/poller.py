"""Background card polling: a plain thread that turns reader traffic into :class:`CardEvent`s.

The callback is the only way out (no Qt here); the ui/ layer wraps it into a signal. The
callback runs on the poller thread, so it must be quick and thread-safe (emitting a Qt signal
is both).

Behaviour:
- opens the reader through ``reader_factory`` and retries with backoff while the port is
  missing (USB unplugged), emitting READER_LOST once per outage and READER_READY on success;
- polls "find card" no faster than every 300 ms (vendor advice for real readers);
- on a new card: CARD_PRESENT, then select + read, then CARD_READ or READ_FAILED;
- a card must leave the field before it is read again. Readers answer "no card" right after
  a successful read while the card is still there, so a "no card" is confirmed with "select
  card" before CARD_REMOVED is reported (a reader whose select also fails then simply
  reports the removal early, which is harmless);
- :meth:`CardPoller.reread` (the card screen opening) re-arms the reader when a card still
  lies in the field, so it is read again without a lift;
- a disconnect, or ``failures_before_lost`` protocol errors in a row, closes the reader and
  goes back to reopening it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from kiosk.devices.idcard.card import IdCard
from kiosk.devices.idcard.driver import CardReader
from kiosk.devices.idcard.errors import (
    CardReaderError,
    CardStatusError,
    ReaderDisconnected,
    ReaderUnavailable,
)

log = logging.getLogger(__name__)

MIN_INTERVAL = 0.3  # seconds between two "find card" commands, at the fastest


class CardEventKind(Enum):
    """What happened at the reader."""

    READER_READY = "reader_ready"
    READER_LOST = "reader_lost"
    CARD_PRESENT = "card_present"  # a new card is in the field; reading starts
    CARD_READ = "card_read"
    READ_FAILED = "read_failed"  # the card must be lifted and placed again
    CARD_REMOVED = "card_removed"


@dataclass(frozen=True)
class CardEvent:
    """One poller event; ``card`` is set for CARD_READ, ``error`` for READ_FAILED/READER_LOST."""

    kind: CardEventKind
    card: IdCard | None = None
    error: CardReaderError | None = None


class CardPoller:
    """Polls a card reader on a background thread; see the module docstring."""

    def __init__(
        self,
        reader_factory: Callable[[], CardReader],
        on_event: Callable[[CardEvent], None],
        interval: float = MIN_INTERVAL,
        *,
        backoff: Sequence[float] = (0.2, 0.5, 1.0, 2.0),
        failures_before_lost: int = 3,
        confirm_removal_with_select: bool = True,
    ) -> None:
        if interval < MIN_INTERVAL:
            raise ValueError(f"poll interval must be at least {MIN_INTERVAL} s")
        if not backoff or min(backoff) <= 0:
            raise ValueError("backoff needs positive delays")
        self._factory = reader_factory
        self._on_event = on_event
        self._interval = interval
        self._backoff = tuple(backoff)
        self._failures_before_lost = failures_before_lost
        self._confirm_removal = confirm_removal_with_select
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reader: CardReader | None = None
        self._card_in_field = False
        self._reread = threading.Event()

    @property
    def is_running(self) -> bool:
        """True while the thread lives."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start polling (once)."""
        if self._thread is not None:
            raise RuntimeError("a CardPoller starts once")
        self._thread = threading.Thread(target=self._run, name="idcard-poller", daemon=True)
        self._thread.start()

    def reread(self) -> None:
        """Read the card in the field again at the next poll (thread-safe; nothing happens
        when there is no card)."""
        self._reread.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop polling, close the reader and wait for the thread to end."""
        self._stop.set()
        reader = self._reader
        if reader is not None:
            reader.cancel()  # a blocked exchange gives up at once instead of at its timeout
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> CardPoller:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- thread ------------------------------------------------------------------------------

    def _emit(self, event: CardEvent) -> None:
        if self._stop.is_set():
            return
        try:
            self._on_event(event)
        except Exception:  # a broken listener must not kill the device thread
            log.exception("card event listener failed on %s", event.kind.value)

    def _run(self) -> None:
        attempt = 0
        outage_reported = False
        try:
            while not self._stop.is_set():
                if self._reader is None:
                    try:
                        self._open()
                    except CardReaderError as exc:
                        if not outage_reported:
                            log.warning("ID card reader unavailable: %s", exc.cause)
                            self._emit(CardEvent(CardEventKind.READER_LOST, error=exc))
                            outage_reported = True
                        self._stop.wait(self._backoff[min(attempt, len(self._backoff) - 1)])
                        attempt += 1
                        continue
                    attempt = 0
                    outage_reported = False
                    self._emit(CardEvent(CardEventKind.READER_READY))
                lost = self._poll_loop()
                if lost is not None:
                    log.warning("ID card reader lost: %s", lost.cause)
                    self._drop_reader()
                    self._emit(CardEvent(CardEventKind.READER_LOST, error=lost))
                    outage_reported = True
                    self._stop.wait(self._backoff[0])
        finally:
            self._drop_reader()

    def _open(self) -> None:
        reader = self._factory()
        self._reader = reader
        try:
            reader.open()
        except BaseException:
            self._reader = None
            raise
        self._card_in_field = False

    def _drop_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()
        self._card_in_field = False

    def _poll_loop(self) -> CardReaderError | None:
        """Poll until stopped (None) or the reader is lost (the error)."""
        reader = self._reader
        assert reader is not None
        failures = 0
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self._poll_once(reader)
                failures = 0
            except (ReaderDisconnected, ReaderUnavailable) as exc:
                return exc
            except CardReaderError as exc:
                failures += 1
                log.debug("poll failed (%d in a row): %s", failures, exc.cause)
                if failures >= self._failures_before_lost:
                    return exc
            except Exception as exc:  # a driver bug must not kill the device thread
                log.exception("unexpected error while polling the card reader")
                return ReaderDisconnected(f"unexpected {type(exc).__name__}")
            self._stop.wait(max(0.0, started + self._interval - time.monotonic()))
        return None

    def _poll_once(self, reader: CardReader) -> None:
        if self._reread.is_set():
            self._reread.clear()
            if self._card_in_field:
                log.info("re-reading the card in the field")
                reader.rearm()
                self._card_in_field = False
        if reader.find_card():
            if self._card_in_field:
                return  # the same card, still there: never read twice without a lift
            self._card_in_field = True
            self._emit(CardEvent(CardEventKind.CARD_PRESENT))
            try:
                reader.select_card()
                card = reader.read_card()
            except (ReaderDisconnected, ReaderUnavailable):
                raise
            except CardReaderError as exc:
                log.info("card read failed: %s", exc.cause)
                self._emit(CardEvent(CardEventKind.READ_FAILED, error=exc))
                return
            self._emit(CardEvent(CardEventKind.CARD_READ, card=card))
            return
        if not self._card_in_field:
            return
        if self._confirm_removal:
            try:
                reader.select_card()
                return  # still in the field, just halted after the read
            except CardStatusError:
                pass
        self._card_in_field = False
        self._emit(CardEvent(CardEventKind.CARD_REMOVED))
