"""The service states' rules: which printer codes stop printing, when the backend counts as
out of service and when it is back."""

from __future__ import annotations

from kiosk.service_state import (
    Backend,
    BackendHealth,
    Printing,
    PrintingState,
    printing_state,
    status_line,
)


def test_paper_near_end_still_prints() -> None:
    assert printing_state(()) == PrintingState(Printing.AVAILABLE)
    assert printing_state(("paper_near_end",)) == PrintingState(Printing.AVAILABLE)


def test_blocking_codes_and_silence_stop_printing() -> None:
    assert printing_state(("paper_near_end", "paper_out")) == PrintingState(
        Printing.UNAVAILABLE, "paper_out"
    )
    assert printing_state(("cover_open",)).reason == "cover_open"
    assert printing_state(("offline", "paper_out")).reason == "paper_out"  # the cause first
    assert printing_state(("offline",)).reason == "offline"
    assert printing_state(None) == PrintingState(Printing.UNAVAILABLE, "silent")


def test_one_failed_probe_does_not_close_the_terminal() -> None:
    health = BackendHealth(failures_to_close=2)
    assert health.record(False) is False
    assert health.state is Backend.IN_SERVICE
    assert health.record(True) is False  # the count starts again
    assert health.record(False) is False
    assert health.record(False) is True
    assert health.state is Backend.OUT_OF_SERVICE
    assert health.record(False) is False
    assert health.record(True) is True
    assert health.state is Backend.IN_SERVICE


def test_status_line_for_systemctl_status() -> None:
    ok = PrintingState(Printing.AVAILABLE)
    assert status_line(Backend.IN_SERVICE, ok) == "serving"
    assert status_line(
        Backend.OUT_OF_SERVICE, PrintingState(Printing.UNAVAILABLE, "paper_out")
    ) == ("out of service: backend unreachable; printing unavailable: paper_out")
