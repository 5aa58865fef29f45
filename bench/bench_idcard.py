"""Issue 4: one full ID card read cycle (find + select + read) over a pty at 115200 bit/s.

Against the emulator (which paces its answers like a real UART and adds a configured
processing latency per command) we measure:
- our driver (read 7 bytes, then exactly LEN more, as soon as they arrive);
- a fixed-sleep driver as many vendor samples do it (write, sleep 1 s, read what is there),
  measured in the same run;
- the physical lower bound: every request and answer byte on the wire plus the latency.
Target: our cycle ≤ 1.2 × wire time + the emulator's latency.
"""

from __future__ import annotations

import statistics
import time

import serial

from bench import Result
from emulators.idcard import IdCardEmulator
from emulators.ptylink import wire_time
from kiosk.devices.idcard import Command, SerialCardReader

BAUD = 115200
LATENCY = 0.010  # emulated reader processing time per command, seconds
CYCLES = 15
BASELINE_CYCLES = 2
VENDOR_SLEEP = 1.0
CARD = "0"

# Bytes on the wire per command: every request is 10 bytes; answers are
# find 7+8 (SW + 4 data + CHK), select 7+12 (SW + 8 data + CHK), read 7+1288 (text+photo).
REQUEST_BYTES = 10
ANSWER_BYTES = {"find": 15, "select": 19, "read": 1295}


def lower_bound_ms() -> tuple[float, float]:
    """(wire time, wire time + latency) of one cycle, in ms."""
    wire = sum(wire_time(REQUEST_BYTES + n, BAUD) for n in ANSWER_BYTES.values())
    return wire * 1000, (wire + LATENCY * len(ANSWER_BYTES)) * 1000


def _our_cycles(emulator: IdCardEmulator) -> list[float]:
    times: list[float] = []
    with SerialCardReader(emulator.port_path, baudrate=BAUD, timeout=2.0) as reader:
        for _ in range(CYCLES):
            emulator.place(CARD)  # a fresh placement: the reader forgets the last read
            started = time.perf_counter()
            if not reader.find_card():
                raise RuntimeError("emulator reported no card")
            reader.select_card()
            reader.read_card()
            times.append((time.perf_counter() - started) * 1000)
    return times


def _fixed_sleep_cycles(emulator: IdCardEmulator) -> list[float]:
    """The vendor-sample way: write, sleep a fixed second, take whatever arrived."""
    times: list[float] = []
    with serial.serial_for_url(emulator.port_path, baudrate=BAUD, timeout=0) as port:
        for _ in range(BASELINE_CYCLES):
            emulator.place(CARD)
            started = time.perf_counter()
            for command in (Command.FIND_CARD, Command.SELECT_CARD, Command.READ_TEXT_PHOTO):
                port.reset_input_buffer()
                port.write(command.frame())
                time.sleep(VENDOR_SLEEP)
                answer = port.read(port.in_waiting)
                if len(answer) < 10 or answer[9] not in (0x90, 0x9F):
                    raise RuntimeError(f"fixed-sleep driver got a bad answer to {command.name}")
            times.append((time.perf_counter() - started) * 1000)
    return times


def run() -> list[Result]:
    """Measure both drivers against one emulator."""
    with IdCardEmulator(latency=LATENCY, baudrate=BAUD) as emulator:
        ours = statistics.median(_our_cycles(emulator))
        fixed = statistics.median(_fixed_sleep_cycles(emulator))
    wire_ms, bound_ms = lower_bound_ms()
    allowed = 1.2 * wire_ms + LATENCY * len(ANSWER_BYTES) * 1000
    return [
        Result(
            f"idcard: read cycle vs fixed-sleep driver ({BAUD} bit/s, median of {CYCLES})",
            ours,
            "ms",
            fixed,
            "faster than the fixed 1 s sleep driver",
            ours < fixed,
        ),
        Result(
            f"idcard: read cycle vs wire-time lower bound + {LATENCY * 1000:g} ms latency/command",
            ours,
            "ms",
            bound_ms,
            f"<= 1.2x wire time + latency ({allowed:.1f} ms)",
            ours <= allowed,
        ),
    ]
