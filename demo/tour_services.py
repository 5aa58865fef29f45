"""Tour steps for 增值业务 (PRODUCT function 6).

demo/tour_steps.py runs them after the dispute steps, while the session holds ID card + SMS
code (sensitive transactions are allowed). 张晓峰 unsubscribes 手机报 (it runs to the month
end) and orders 彩铃 with the SMS code read from the demo outbox, as he would read it on his
phone. His line stays normal, so the later steps (invoice, suspend/resume, pay) still work.
"""

from __future__ import annotations

import re

from demo.tour import Step, Tour, TourError
from ui.screens.services.services import ServicesScreen

DEMO_PHONE = "13800138000"
CANCEL = "SJB"  # 手机报
ORDER = "CL"  # 彩铃


def _sms_code(t: Tour) -> str:
    for message in t.shell.ctx.backend.demo_read_sms(DEMO_PHONE):  # newest first
        found = re.search(r"(?<!\d)(\d{6})(?!\d)", message.text)
        if found:
            return found.group(1)
    raise TourError("no SMS code in the demo outbox")


def unsubscribe(t: Tour) -> None:
    t.go_home()
    t.tap(t.shell.home_screen.tiles["services"])
    t.expect_screen("services")
    screen = t.screen(ServicesScreen)
    t.wait_until("the subscriptions", lambda: screen.state.services is not None)
    button = screen.cancel_buttons.get(CANCEL)
    if button is None:
        raise TourError(f"{CANCEL} is not an active subscription")
    t.tap(button)  # 退订 asks once more (issue 13)
    t.wait_until("the unsubscribe question", screen.confirm.isVisible)
    t.tap(screen.confirm.confirm_button)  # 确认退订
    t.wait_until("the cancellation", lambda: screen.state.done is not None)


def order_question(t: Tour) -> None:
    screen = t.screen(ServicesScreen)
    t.wait_until("the refreshed list", lambda: not screen.loading)
    button = screen.order_buttons.get(ORDER)
    if button is None:
        raise TourError(f"{ORDER} cannot be ordered")
    t.tap(button)
    t.wait_until("the second confirmation", screen.confirm.isVisible)
    if not screen.confirm.agreement_title.text():
        raise TourError("the order agreement (入网协议) is not shown")
    t.tap(screen.confirm.consent_button)  # 我已阅读并同意
    if not screen.confirm.confirm_button.isEnabled():
        raise TourError("确认办理 stays off after the consent")


def order_code(t: Tour) -> None:
    screen = t.screen(ServicesScreen)
    t.tap(screen.confirm.confirm_button)
    t.wait_until("the SMS code page", lambda: screen.state.quote is not None)
    keypad = screen.code_page.keypad
    for digit in _sms_code(t):
        t.tap(keypad.digit_button(digit))


def ordered(t: Tour) -> None:
    screen = t.screen(ServicesScreen)
    t.tap(screen.code_page.keypad.submit_button())
    t.wait_until(
        "the order", lambda: screen.state.done is not None and screen.state.done[1] is not None
    )
    t.tap(screen.receipt_button)
    panel = screen.print_panel
    t.print_slip(panel, "receipt")


def home(t: Tour) -> None:
    t.go_home()


STEPS: list[Step] = [
    ("services-unsubscribe", "My services: unsubscribe in one tap", unsubscribe),
    (
        "services-order-confirm",
        "Order: price, billing and the agreement; 我已阅读并同意",
        order_question,
    ),
    ("services-order-sms", "Order: type the SMS code", order_code),
    ("services-ordered", "Ordered; receipt printed", ordered),
    ("services-home", "Back home", home),
]
