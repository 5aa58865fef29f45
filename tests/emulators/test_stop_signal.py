"""The emulators' stop signal: a flag, never a lock, taken in the handler."""

from __future__ import annotations

import os
import signal
import threading

from emulators.stop_signal import StopSignal


def test_sigterm_ends_the_wait_and_the_handler_takes_no_lock() -> None:
    previous = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        stop = StopSignal()
        # Deliver the signal from another thread while the main thread waits: wait() returns.
        threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGTERM)).start()
        stop.wait(poll_s=0.05)
        assert stop.received
        # The handler itself only records the signal (it is called here directly, as the
        # interpreter would between two bytecodes of the waiting main thread).
        again = StopSignal()
        handler = signal.getsignal(signal.SIGINT)
        assert callable(handler)
        handler(signal.SIGINT, None)
        assert again.received
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
