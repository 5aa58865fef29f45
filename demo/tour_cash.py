"""Tour steps for 现金缴费 and 清机 (issue 14): notes go into the emulated bill validator.

demo/tour_steps.py runs ``PAY_STEPS`` after the QR payment, while 张晓峰 is still identified:
he tops up his own number with a ¥50 and a ¥10 note, sees each one in the running total,
taps 完成 and prints the 自助缴费凭据. ``ADMIN_STEPS`` follow the admin gesture: staff enter
the PIN, see those notes in the cash box, take the box out and put it back (emulator events),
record the clearance and print the 清机凭条.
"""

from __future__ import annotations

from demo.tour import Step, Tour, TourError
from kiosk.config import DEMO_ADMIN_PIN
from ui.screens.admin import AdminPinScreen, AdminScreen
from ui.screens.pay.cash import CashPayScreen
from ui.screens.pay.pay import PayScreen

NOTES_YUAN = (50, 10)
CASH_TIMEOUT_S = 20.0


def _cash(t: Tour, message: dict[str, object]) -> dict[str, object]:
    from emulators.control import send_control

    endpoint = t.endpoints.cash_acceptor
    if endpoint is None:
        raise TourError("no bill validator emulator")
    answer = send_control(*endpoint.control, message)
    if not answer.get("ok"):
        raise TourError(f"the bill validator refused {message}: {answer.get('error')}")
    return answer


def cash_intro(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["pay"])
    t.expect_screen("pay")
    t.tap(t.screen(PayScreen).cash_button)
    t.expect_screen("pay_cash")
    screen = t.screen(CashPayScreen)
    t.wait_until("cash to be available", screen.start_button.isEnabled, CASH_TIMEOUT_S)
    if "¥100" not in screen.accepted.text():
        raise TourError("the accepted notes are not shown first")


def cash_confirm(t: Tour) -> None:
    screen = t.screen(CashPayScreen)
    t.tap(screen.start_button)  # this customer's own number
    t.wait_until("the name check", screen.confirm_button.isVisible)
    if "*" not in screen.text.text():
        raise TourError("the holder's name is not shown masked before any note goes in")
    if _cash(t, {"cmd": "status"}).get("accepting"):
        raise TourError("the acceptor opened before the name was confirmed")


def cash_notes(t: Tour) -> None:
    screen = t.screen(CashPayScreen)
    t.tap(screen.confirm_button)
    t.wait_until("the acceptor", lambda: bool(_cash(t, {"cmd": "status"}).get("accepting")))
    for value in NOTES_YUAN:
        _cash(t, {"cmd": "insert", "value": value})
    t.wait_until(
        "the running total",
        lambda: screen.view is not None and screen.view.note_count == len(NOTES_YUAN),
        CASH_TIMEOUT_S,
    )
    if "¥60.00" not in screen.text.text():
        raise TourError(f"running total not shown: {screen.text.text()!r}")


def cash_done(t: Tour) -> None:
    screen = t.screen(CashPayScreen)
    t.tap(screen.finish_button)
    t.wait_until("the credit", lambda: "陆拾元整" in screen.text.text(), CASH_TIMEOUT_S)
    t.print_slip(screen.print_panel, "cash receipt")


def admin_pin(t: Tour) -> None:
    screen = t.screen(AdminPinScreen)
    for digit in DEMO_ADMIN_PIN:
        t.tap(screen.keypad.digit_button(digit))
    t.tap(screen.keypad.submit_button())
    t.expect_screen("admin")


def admin_cash_box(t: Tour) -> None:
    admin = t.screen(AdminScreen)
    box = admin.cash_box
    if box is None:
        raise TourError("no cash box on the admin screen")
    t.wait_until("the cash box", lambda: "¥60.00" in box.total.text(), CASH_TIMEOUT_S)


def admin_clearance(t: Tour) -> None:
    admin = t.screen(AdminScreen)
    t.tap(admin.clear_button)
    t.wait_until("take the box out", lambda: "取出钱箱" in admin.clearance_text.text())
    _cash(t, {"cmd": "stacker_removed"})
    t.wait_until("the box out", lambda: "装回空钱箱" in admin.clearance_text.text())
    _cash(t, {"cmd": "stacker_inserted"})
    t.wait_until("the count", admin.record_button.isVisible, CASH_TIMEOUT_S)


def admin_clearance_recorded(t: Tour) -> None:
    admin = t.screen(AdminScreen)
    t.tap(admin.record_button)
    t.wait_until("the clearance", lambda: "清机已记录" in admin.clearance_text.text())
    t.wait_until(
        "the 清机凭条",
        lambda: admin.status.text() == t.shell.ctx.translator.tr("clearance.printed"),
    )
    t.wait_until(
        "the empty box",
        lambda: admin.cash_box is not None and "¥0.00" in admin.cash_box.total.text(),
    )


PAY_STEPS: list[Step] = [
    ("pay-cash-intro", "现金缴费：可收面额，不设找零", cash_intro),
    ("pay-cash-confirm", "确认号码与机主姓名后才开始收钞", cash_confirm),
    ("pay-cash-notes", "投入纸币：逐张显示面额 × 张数", cash_notes),
    ("pay-cash-done", "完成：已到账，打印缴费凭据", cash_done),
]

ADMIN_STEPS: list[Step] = [
    ("admin-enter", "维护密码", admin_pin),
    ("admin-cash-box", "钱箱：各面额张数、合计与容量", admin_cash_box),
    ("admin-clearance", "清机：取出并装回钱箱，核对张数", admin_clearance),
    ("admin-clearance-slip", "清机已记录，打印清机凭条", admin_clearance_recorded),
]
