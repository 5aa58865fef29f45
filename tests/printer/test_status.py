"""DLE EOT status bytes -> PrinterStatus and typed readiness errors."""

from __future__ import annotations

import pytest

from printer.errors import (
    CoverOpenError,
    CutterError,
    MalformedStatusError,
    PaperOutError,
    PrinterOfflineError,
    UnrecoverableError,
)
from printer.escpos.status import PaperState, is_status_byte, parse_status


def test_healthy_printer() -> None:
    status = parse_status(b"\x12\x12\x12\x12")
    assert status.online and status.ready
    assert status.paper is PaperState.OK
    assert status.errors == ()
    assert status.as_dict()["paper"] == "ok"


def test_paper_near_end_still_prints() -> None:
    status = parse_status(b"\x12\x12\x12\x1e")
    assert status.paper is PaperState.NEAR_END
    assert status.ready
    assert status.errors == ("paper_near_end",)


@pytest.mark.parametrize(
    ("raw", "error", "code"),
    [
        (b"\x1a\x32\x12\x7e", PaperOutError, "paper_out"),
        (b"\x1a\x16\x12\x12", CoverOpenError, "cover_open"),
        (b"\x1a\x52\x1a\x12", CutterError, "cutter_error"),
        (b"\x1a\x52\x32\x12", UnrecoverableError, "unrecoverable_error"),
        (b"\x1a\x12\x12\x12", PrinterOfflineError, "offline"),
    ],
)
def test_blocking_conditions(raw: bytes, error: type[Exception], code: str) -> None:
    status = parse_status(raw)
    assert not status.ready
    assert code in status.errors
    with pytest.raises(error):
        status.raise_if_not_ready()


@pytest.mark.parametrize("bad", [0x00, 0xFF, 0x13, 0x11, 0x92, 0x10])
def test_malformed_answers_are_faults(bad: int) -> None:
    assert not is_status_byte(bad)
    with pytest.raises(MalformedStatusError) as info:
        parse_status(bytes((0x12, 0x12, bad, 0x12)))
    assert info.value.request == 3


def test_every_well_shaped_byte_parses() -> None:
    shaped = [v for v in range(256) if is_status_byte(v)]
    assert len(shaped) == 16  # 4 free bits: 2, 3, 5, 6
    for value in shaped:
        parse_status(bytes((value,)) * 4)
