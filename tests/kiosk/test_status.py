"""The health report: device states and problem codes from what the kiosk knows."""

from __future__ import annotations

from kiosk.status import JOURNAL_UNWRITABLE, PRINTER_SILENT, READER_LOST, build_report


def _report(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "app_version": "0.1.0",
        "reader_configured": True,
        "reader_ready": True,
        "printer_configured": True,
        "printer_errors": (),
        "journal_unresolved": 0,
        "in_session": False,
        "uptime_s": 61.7,
    }
    fields.update(overrides)
    return build_report(**fields).as_json()  # type: ignore[arg-type]


def test_all_well() -> None:
    assert _report() == {
        "app_version": "0.1.0",
        "reader": "ok",
        "printer": "ok",
        "problems": [],
        "journal_unresolved": 0,
        "in_session": False,
        "uptime_s": 61,
        "restarts": 0,
        "cash": "absent",
        "cash_box_notes": None,
        "cash_box_capacity": None,
    }


def test_the_acceptor_reports_its_state_and_the_box_fill() -> None:
    well = _report(cash_configured=True, cash_box_notes=12, cash_box_capacity=1000)
    assert (well["cash"], well["cash_box_notes"], well["cash_box_capacity"]) == ("ok", 12, 1000)
    full = _report(
        cash_configured=True,
        cash_problems=("cash_box_full",),
        cash_box_notes=1000,
        cash_box_capacity=1000,
    )
    assert (full["cash"], full["problems"]) == ("fault", ["cash_box_full"])
    # Without an acceptor no box is reported, whatever the caller passes.
    assert _report(cash_box_notes=3, cash_box_capacity=10)["cash_box_notes"] is None


def test_systemd_restarts_are_reported() -> None:
    assert _report(restarts=4)["restarts"] == 4


def test_faults_become_stable_codes() -> None:
    report = _report(reader_ready=False, printer_errors=("paper_out", "cover_open"))
    assert (report["reader"], report["printer"]) == ("fault", "fault")
    assert report["problems"] == [READER_LOST, "printer_paper_out", "printer_cover_open"]


def test_a_silent_printer_and_absent_devices() -> None:
    assert _report(printer_errors=None)["problems"] == [PRINTER_SILENT]
    absent = _report(reader_configured=False, printer_configured=False, printer_errors=None)
    assert (absent["reader"], absent["printer"], absent["problems"]) == ("absent", "absent", [])


def test_a_journal_that_cannot_be_written_is_a_problem_code() -> None:
    report = _report(journal_writable=False, reader_ready=False)
    assert report["problems"] == [JOURNAL_UNWRITABLE, READER_LOST]
    assert _report(journal_writable=True)["problems"] == []
