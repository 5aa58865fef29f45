"""Tour steps of the bills feature (chart, month bill, details paging, printing, PDF, dispute).

The step titles live in demo/tour_steps.py's STEPS; these are the actions. The customer has been
identified with the ID card (summary level); the details step adds the SMS code, read from the
demo backend's outbox as the customer would read it on their phone.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from common.months import months_back
from demo.tour import Tour, TourError
from kiosk.devices.printer.slips import PrintState
from kiosk.records import DetailTab
from ui.screens.bills.details import DetailsScreen
from ui.screens.bills.dispute import DisputeScreen
from ui.screens.bills.month import MonthBillScreen
from ui.screens.bills.overview import BillsScreen
from ui.screens.identify.screen import IdentifyScreen

DEMO_PHONE = "13800138000"
# 张晓峰 roamed in 上海 three months before the business date's (backend/seed/demo.py).
ROAMING_MONTHS_BACK = 3
SLIP_TIMEOUT = 60.0
WINDOW_HEIGHT = 1080


def roaming_month(t: Tour) -> str:
    return months_back(t.business_date, ROAMING_MONTHS_BACK)


def _flush_deleted(t: Tour) -> None:
    # The tour pumps events without a running event loop, so deleteLater() never happens on
    # its own: replaced widgets (e.g. the identification choices of an earlier visit) would
    # stay in their layouts and stretch the window. A running kiosk deletes them at once.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    for widget in t.shell.window.findChildren(QWidget):
        widget.updateGeometry()  # cached size hints still count the deleted widgets
        layout = widget.layout()
        if layout is not None:
            layout.invalidate()
    t.pump(60)
    if t.shell.window.height() > WINDOW_HEIGHT:
        t.shell.window.resize(t.shell.window.width(), WINDOW_HEIGHT)
        t.pump(60)


def bills_chart(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["bills"])
    t.expect_screen("bills")
    screen = t.screen(BillsScreen)
    assert isinstance(screen, BillsScreen)
    t.wait_until("the chart", lambda: len(screen.chart.bars) == 5)


def month_bill(t: Tour) -> None:
    screen = t.screen(BillsScreen)
    assert isinstance(screen, BillsScreen)
    screen.chart.repaint()
    roaming = roaming_month(t)
    rect = screen.chart.bar_rect(roaming)
    if rect.isEmpty():
        raise TourError(f"no bar for {roaming}")
    QTest.mouseClick(screen.chart, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    t.pump(60)
    t.expect_screen("bill")
    month = t.screen(MonthBillScreen)
    assert isinstance(month, MonthBillScreen)
    t.wait_until("a highlighted charge", lambda: any(c.highlights for c in month.cards))


def bill_slip(t: Tour) -> None:
    month = t.screen(MonthBillScreen)
    assert isinstance(month, MonthBillScreen)
    t.tap(month.print_button)
    panel = month.print_panel
    t.print_slip(panel, "bill slip")


def details_sms(t: Tour) -> None:
    # After the ID card, the details level still needs the SMS code: its page is showing.
    screen = t.screen(IdentifyScreen)
    assert isinstance(screen, IdentifyScreen)
    t.wait_until("the SMS page", lambda: screen.pages.currentWidget() is screen.sms_page)
    t.wait_until("the code sent", lambda: not screen.sms_page.busy.isVisible())
    _flush_deleted(t)


def details_first_page(t: Tour) -> None:
    screen = t.screen(IdentifyScreen)
    assert isinstance(screen, IdentifyScreen)
    code = ""
    for message in t.shell.ctx.backend.demo_read_sms(DEMO_PHONE):
        found = re.search(r"(?<!\d)(\d{6})(?!\d)", message.text)
        if found:
            code = found.group(1)
            break
    if not code:
        raise TourError("no SMS code in the demo outbox")
    keypad = screen.sms_page.keypad
    for digit in code:
        t.tap(keypad.digit_button(digit))
    t.tap(keypad.submit_button())
    t.expect_screen("details")
    details = t.screen(DetailsScreen)
    assert isinstance(details, DetailsScreen)
    t.wait_until("the first page", lambda: details.model.rowCount() > 0)
    _flush_deleted(t)


def details_paging(t: Tour) -> None:
    month = t.screen(MonthBillScreen)
    assert isinstance(month, MonthBillScreen)
    t.tap(month.details_button)
    t.expect_screen("details")
    details = t.screen(DetailsScreen)
    assert isinstance(details, DetailsScreen)
    if details.month != roaming_month(t):
        raise TourError(f"details opened on {details.month}")
    t.wait_until("the first page", lambda: details.model.rowCount() > 0)
    first = details.model.rowCount()
    bar = details.table.verticalScrollBar()
    for _ in range(3):
        bar.setValue(bar.maximum())
        t.pump(150)
        t.wait_until("the next page", lambda: not details.model.busy)
    if details.model.rowCount() <= first:
        raise TourError("scrolling did not load more rows")


def details_slip_offer(t: Tour) -> None:
    details = t.screen(DetailsScreen)
    assert isinstance(details, DetailsScreen)
    t.tap(details.tab_buttons[DetailTab.SERVICES])
    t.wait_until("the services", lambda: details.model.rowCount() > 0)
    t.tap(details.print_button)
    panel = details.print_panel
    t.wait_until("the slip length", lambda: panel.state is PrintState.OFFERED, SLIP_TIMEOUT)


def details_slip_print(t: Tour) -> None:
    details = t.screen(DetailsScreen)
    assert isinstance(details, DetailsScreen)
    panel = details.print_panel
    t.print_slip(panel, "detail slip")
    if details.print_button.isEnabled():
        raise TourError("the detail slip can be printed twice")


def details_pdf(t: Tour) -> None:
    details = t.screen(DetailsScreen)
    assert isinstance(details, DetailsScreen)
    details.output.folder = t.outdir  # the PDF lands beside the screenshots
    t.tap(details.pdf_button)
    t.wait_until("the PDF", lambda: details.saved is not None, SLIP_TIMEOUT)


def dispute_pick(t: Tour) -> None:
    details = t.screen(DetailsScreen)
    assert isinstance(details, DetailsScreen)
    model = details.model
    row = next(
        (i for i, r in enumerate(model.rows) if r.kind.value == "sp" and r.fee_fen > 0), None
    )
    if row is None:
        raise TourError("no charged third-party record")
    details.table.selectionModel().select(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    t.tap(details.dispute_button)
    t.expect_screen("dispute")
    screen = t.screen(DisputeScreen)
    assert isinstance(screen, DisputeScreen)
    t.wait_until("the charge", lambda: screen.selected_record() is not None)
    t.tap(next(iter(screen.reason_buttons.values())))


def dispute_confirm(t: Tour) -> None:
    screen = t.screen(DisputeScreen)
    assert isinstance(screen, DisputeScreen)
    t.tap(screen.confirm_button)
    t.wait_until("the dispute number", lambda: screen.dispute is not None)
    t.tap(screen.receipt_button)
    panel = screen.print_panel
    t.print_slip(panel, "receipt")
