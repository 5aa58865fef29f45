"""The event-loop probe: a timer that measures its own lateness.

A touch kiosk feels broken long before it crashes: a GUI thread blocked by a journal write, a
slow import or a worker holding the GIL makes taps land late. The probe ticks every
``interval_ms`` on a precise timer and records how much later than asked each tick came — the
longest such *stall* is what a customer would have felt. Start-up (from the first paint until
the screens built ahead of time, one per event-loop turn, are done and the heap is frozen:
about a second) is measured apart as ``startup_max_stall_ms``. The home screen already takes
touches then, so that figure is reported beside the running one (reports/faults.json, the
README), not dropped; it is not held to the running bound, because one screen's construction
is one turn.

On a shared machine the operating system may also keep the kiosk's runnable threads off the
CPUs: the GUI thread itself, or a worker holding the GIL the GUI thread waits for. That is not
the kiosk's doing, so the probe reads how long the process's threads waited, runnable, for a
CPU (``/proc/self/task/*/schedstat``, Linux) and reports both the wall-clock stall and the
*self* stall: the lateness minus that run-queue wait and minus the CPU time the hypervisor
took from the machine (``steal`` in /proc/stat: a virtual machine's threads cannot see it).
Work on the GUI thread, a GIL held by a running worker and a blocking call all stay in the self
figure; the GUI thread's own CPU time inside a gap is never discounted (summed over every
thread, the run-queue wait can exceed a gap the GUI thread spent working).

Beside both it reports the *CPU* stall: of the worst gap, how much was the GUI thread's own
CPU time (``time.thread_time``). A self stall much longer than its CPU stall is a GUI thread
that waited (a blocking call, the GIL held by a worker) rather than one that worked.

The probe samples no stacks: reading a running GUI thread's stack from another thread
(``sys._current_frames`` from a Python thread, or ``faulthandler.dump_traceback_later``)
crashed the kiosk with SIGSEGV in the soak and in the fault suite.

A stopped probe stays stopped: its start is queued for the turn after the first paint
(``ui.first_paint``), which can come after the shell was torn down (a test's teardown, the
tour); a probe started then ticked on, unowned, and logged into the closed stream of a test
run that had ended ("Logging error ... I/O operation on closed file"). Every probe still
ticking is in :func:`running_probes` (tests/conftest.py stops those a test left behind).

The figures go to the log at exit and, when ``KIOSK_LOOP_PROBE`` names a file, to that file as
JSON each time the maximum grows (so a kiosk killed with SIGKILL still leaves its figure) and
at stop. The file is written by a thread of the probe's own, never by the GUI thread: on a busy
disk one create-and-rename took longer than the stall it reported. The fault suite and the
soak read that file.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

PROBE_FILE_ENV = "KIOSK_LOOP_PROBE"
INTERVAL_MS = 20
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
STALL_LOG_S = 0.05  # a stall a customer feels is worth a log line
# Handed to the writer again only when the maximum grew by at least this much.
_REWRITE_STEP_MS = 1.0
# Probes started and not yet stopped (weak: a probe deleted with its shell leaves the set).
_RUNNING: weakref.WeakSet[LoopProbe] = weakref.WeakSet()


def running_probes() -> list[LoopProbe]:
    """Every probe that is ticking now."""
    return list(_RUNNING)


@dataclass(frozen=True)
class LoopStalls:
    """What the probe saw; milliseconds."""

    max_stall_ms: float  # wall clock, after start-up
    max_self_stall_ms: float  # the same minus the GUI thread's run-queue wait
    startup_max_stall_ms: float
    ticks: int
    pid: int
    max_cpu_stall_ms: float = 0.0  # the GUI thread's own CPU time inside the worst gap


class LoopProbe(QObject):
    """Ticks on the GUI thread; ``ready()`` tells when start-up is over."""

    def __init__(
        self,
        ready: Callable[[], bool],
        *,
        interval_ms: int = INTERVAL_MS,
        report_path: Path | None = None,
        clock: Callable[[], float] = time.perf_counter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ready = ready
        self._interval_s = interval_ms / 1000
        self._clock = clock
        self._last = 0.0
        self._running = False
        self._stopped = False  # once stopped, never started again
        self._max_s = 0.0
        self._max_self_s = 0.0
        self._max_cpu_s = 0.0
        self._cpu = 0.0
        self._startup_max_s = 0.0
        self._runqueue = _RunQueueClock()
        self._waited_ns = 0
        self._written_ms = -1.0
        self._writer = _ReportWriter(report_path) if report_path is not None else None
        self._ticks = 0
        self._was_ready = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    @classmethod
    def from_environment(
        cls, ready: Callable[[], bool], parent: QObject | None = None
    ) -> LoopProbe:
        """The composition root's probe; the report file comes from ``KIOSK_LOOP_PROBE``."""
        path = os.environ.get(PROBE_FILE_ENV, "")
        return cls(ready, report_path=Path(path) if path else None, parent=parent)

    def start(self) -> None:
        """Start ticking (after the first paint: the ``Qt`` namespace is not loaded before);
        nothing once stopped (the first paint's turn may come after the teardown)."""
        if self._stopped or self._running:
            return
        from PySide6.QtCore import Qt

        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._waited_ns = self._runqueue.waited_ns(refresh=True)
        self._last = self._clock()
        self._cpu = time.thread_time()
        self._running = True
        _RUNNING.add(self)
        self._timer.start()

    @property
    def running(self) -> bool:
        return self._running

    def pause(self) -> None:
        """Stop measuring for a while: work a test harness does on the GUI thread (the soak's
        heap scan) is not the kiosk's stall."""
        self._timer.stop()

    def resume(self) -> None:
        if self._running:
            self._waited_ns = self._runqueue.waited_ns(refresh=True)
            self._last = self._clock()
            self._cpu = time.thread_time()
            self._timer.start()

    def stop(self) -> None:
        """Stop ticking for good; log the figures and write the file a last time."""
        self._stopped = True
        if not self._running:
            return
        self._running = False
        _RUNNING.discard(self)
        self._timer.stop()
        self._runqueue.close()
        stalls = self.stalls()
        log.info(
            "event loop: max stall %.1f ms (self %.1f, CPU %.1f) after start-up "
            "(%.1f ms during it), %d ticks",
            stalls.max_stall_ms,
            stalls.max_self_stall_ms,
            stalls.max_cpu_stall_ms,
            stalls.startup_max_stall_ms,
            stalls.ticks,
        )
        if self._writer is not None:
            self._writer.close(stalls)  # the last figures, on disk before stop() returns

    def stalls(self) -> LoopStalls:
        return LoopStalls(
            round(self._max_s * 1000, 1),
            round(self._max_self_s * 1000, 1),
            round(self._startup_max_s * 1000, 1),
            self._ticks,
            os.getpid(),
            round(self._max_cpu_s * 1000, 1),
        )

    def _tick(self) -> None:
        now = self._clock()
        late = max(0.0, now - self._last - self._interval_s)
        self._last = now
        cpu = time.thread_time()
        cpu_s, self._cpu = cpu - self._cpu, cpu
        waited_ns = self._runqueue.waited_ns(refresh=self._ticks % 50 == 0)
        queued_s, self._waited_ns = max(0, waited_ns - self._waited_ns) / 1e9, waited_ns
        # The GUI thread's own CPU time is never discounted: the run-queue waits of all the
        # kiosk's threads, summed, can exceed a gap the GUI thread spent working.
        cpu_late = min(late, cpu_s)
        self_late = max(late - queued_s, cpu_late, 0.0)
        self._ticks += 1
        # A stall belongs to start-up when start-up was not over before it began.
        was_ready, self._was_ready = self._was_ready, self._ready()
        if not was_ready:
            self._startup_max_s = max(self._startup_max_s, late)
            return
        if late > STALL_LOG_S:
            log.info(
                "event loop stalled %.0f ms (%.0f ms waiting for a CPU)",
                late * 1000,
                (late - self_late) * 1000,
            )
        self._max_self_s = max(self._max_self_s, self_late)
        self._max_s = max(self._max_s, late)
        self._max_cpu_s = max(self._max_cpu_s, cpu_late)
        grown = (self._max_s + self._max_self_s) * 1000 - self._written_ms
        if grown >= _REWRITE_STEP_MS and self._writer is not None:
            self._written_ms = (self._max_s + self._max_self_s) * 1000
            self._writer.submit(self.stalls())


class _ReportWriter:
    """Writes the newest figures to the probe file from a thread of its own.

    The GUI thread only hands over a small frozen record (``submit``); figures handed over
    faster than the disk takes them are replaced by the newest. The file is replaced
    atomically (temporary file + rename), so a reader never sees half of it.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._cond = threading.Condition()
        self._pending: LoopStalls | None = None
        self._closed = False
        self._thread: threading.Thread | None = None  # started by the first figures

    def submit(self, stalls: LoopStalls) -> None:
        with self._cond:
            self._pending = stalls
            self._cond.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="loop-probe-writer", daemon=True)
            self._thread.start()

    def close(self, last: LoopStalls) -> None:
        """Write ``last`` and end the thread (waits for the write)."""
        with self._cond:
            self._pending = last
            self._closed = True
            self._cond.notify()
        if self._thread is None:
            self._write(last)
        else:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                stalls, self._pending = self._pending, None
                closed = self._closed
            if stalls is not None:
                self._write(stalls)
            if closed:
                return

    def _write(self, stalls: LoopStalls) -> None:
        import json  # here, not at the top: ~3 ms on the way to the first frame (issue 12)

        tmp = self._path.with_name(self._path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(asdict(stalls)), encoding="utf-8")
            os.replace(tmp, self._path)
        except OSError as exc:  # a full disk must not take the kiosk down with it
            log.warning("loop probe file not written: %s", type(exc).__name__)


class _RunQueueClock:
    """Nanoseconds the process's threads have spent runnable but off a CPU, summed.

    One open ``schedstat`` per thread, read with ``pread`` (cheap enough for every tick); the
    thread list is refreshed now and then. A thread that ended takes its share with it (the
    probe ignores a sum that drops) and a new one counts from when it is first seen: both err
    towards a larger self stall. Without
    ``/proc`` (not Linux) it reads 0 and the self stall is the wall-clock stall.
    """

    def __init__(self) -> None:
        self._fds: dict[str, int] = {}
        try:
            self._stat: int | None = os.open("/proc/stat", os.O_RDONLY)
        except OSError:
            self._stat = None

    def waited_ns(self, *, refresh: bool = False) -> int:
        if refresh:
            self._refresh()
        total = self._stolen_ns()
        for tid, fd in list(self._fds.items()):
            try:
                total += int(os.pread(fd, 100, 0).split()[1])
            except (OSError, ValueError, IndexError):
                os.close(fd)
                del self._fds[tid]
        return total

    def _stolen_ns(self) -> int:
        """Time the hypervisor ran something else on this machine's CPUs (``steal`` in
        /proc/stat, all CPUs): a virtual machine's threads cannot see it as run-queue wait."""
        if self._stat is None:
            return 0
        try:
            fields = os.pread(self._stat, 200, 0).split(b"\n", 1)[0].split()
            return int(fields[8]) * 1_000_000_000 // _CLOCK_TICKS
        except (OSError, ValueError, IndexError):
            return 0

    def _refresh(self) -> None:
        try:
            tids = set(os.listdir("/proc/self/task"))
        except OSError:
            return
        for tid in set(self._fds) - tids:
            os.close(self._fds.pop(tid))
        for tid in tids - set(self._fds):
            try:
                self._fds[tid] = os.open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)
            except OSError:
                continue

    def close(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        if self._stat is not None:
            os.close(self._stat)
            self._stat = None
