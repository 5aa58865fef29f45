"""Tour steps for 发票打印与垃圾短信举报 (PRODUCT functions 9 and 10).

demo/tour_steps.py runs them after the dispute steps, while the session holds ID card + SMS
code (sensitive transactions are allowed). The invoice of the last closed month is issued and
printed (the demo backend is fresh for every tour, so it is not invoiced yet); a scam call is
reported and its receipt printed. Nothing here changes the line, and the steps end at home.
"""

from __future__ import annotations

from common.months import months_back
from demo.tour import Step, Tour, TourError
from kiosk.devices.printer.slips import PrintState
from ui.screens.invoice.invoice import InvoiceScreen
from ui.screens.invoice.spam import SpamScreen

SPAM_NUMBER = "17012345678"


def invoice_confirm(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["invoice"])
    t.expect_screen("invoice")
    screen = t.screen(InvoiceScreen)
    t.wait_until("the five months", lambda: len(screen.month_buttons) == 5)
    month = months_back(t.business_date, 1)  # the last closed month
    button = screen.month_buttons.get(month)
    if button is None:
        raise TourError(f"no invoice month {month} (offered: {sorted(screen.month_buttons)})")
    t.tap(button)
    t.wait_until("the month's invoice", screen.invoice_card.isVisible)
    if not screen.issue_button.isVisible():
        raise TourError(f"{month} is already invoiced")
    t.tap(screen.issue_button)
    t.wait_until("the confirmation", screen.confirm.isVisible)


def invoice_printed(t: Tour) -> None:
    screen = t.screen(InvoiceScreen)
    t.tap(screen.confirm.confirm_button)
    panel = screen.print_panel
    t.print_slip(panel, "printed invoice")


def spam_reported(t: Tour) -> None:
    from kiosk.spam import SpamCategory, SpamSubject

    t.go_home()
    t.tap(t.shell.home_screen.tiles["spam"])
    t.expect_screen("spam")
    screen = t.screen(SpamScreen)
    for digit in SPAM_NUMBER:
        t.tap(screen.keypad.digit_button(digit))
    t.tap(screen.category_buttons[SpamCategory.FRAUD_CALL])
    t.tap(screen.subject_buttons[SpamSubject.IMPOSTOR])
    t.tap(screen.next_button)
    t.wait_until("the confirmation", screen.confirm.isVisible)
    t.tap(screen.confirm.confirm_button)
    t.wait_until("the report id", lambda: screen.report is not None)
    t.wait_until("the receipt offer", lambda: screen.print_panel.state is PrintState.OFFERED)


def spam_receipt(t: Tour) -> None:
    screen = t.screen(SpamScreen)
    panel = screen.print_panel
    t.print_slip(panel, "receipt")
    t.go_home()


STEPS: list[Step] = [
    ("invoice-confirm", "发票打印：选择月份，再次确认开具", invoice_confirm),
    ("invoice-printed", "发票已开具并打印（每月一次）", invoice_printed),
    ("spam-reported", "骚扰举报：号码、类型，受理编号", spam_reported),
    ("spam-receipt", "打印举报受理单，返回首页", spam_receipt),
]
