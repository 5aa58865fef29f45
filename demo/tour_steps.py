"""The tour's script: (name, title, action) steps run in order against the real kiosk."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from demo import tour_bills, tour_cash, tour_invoice, tour_line, tour_plan, tour_services
from demo.tour import Step, Tour, TourError
from kiosk.devices.printer.slips import PrintState
from ui.screens.identify.screen import IdentifyScreen
from ui.widgets.keypad import Keypad

DEMO_PHONE = "13800138000"  # 张晓峰, 全球通, demo card 0
DEMO_PASSWORD = "864213"


def type_digits(t: Tour, keypad: Keypad, digits: str, submit: bool = True) -> None:
    for digit in digits:
        t.tap(keypad.digit_button(digit))
    if submit:
        t.tap(keypad.submit_button())


def home(t: Tour) -> None:
    t.expect_screen("home")
    if not t.shell.home_screen.tiles:
        raise TourError("no function tiles on the home screen")


def english(t: Tour) -> None:
    if t.shell.ctx.translator.locale != "en":  # the English tour starts in English
        t.tap(t.shell.window.header.language_button)
    if t.shell.ctx.translator.locale != "en":
        raise TourError("language did not switch")


def large_text(t: Tour) -> None:
    if not t.check_english:
        t.tap(t.shell.window.header.language_button)  # back to Chinese
    t.tap(t.shell.window.header.large_text_button)
    if not t.shell.large_text:
        raise TourError("large-text mode did not switch on")


def open_overview(t: Tour) -> None:
    t.tap(t.shell.window.header.large_text_button)  # standard size again
    t.tap(t.shell.home_screen.tiles["overview"])
    t.expect_screen("identify")


def enter_phone(t: Tour) -> None:
    screen = t.screen(IdentifyScreen)
    type_digits(t, screen.phone_page.keypad, DEMO_PHONE)
    t.wait_until("the choice page", lambda: screen.pages.currentWidget() is screen.choice_page)


def choose_password(t: Tour) -> None:
    screen = t.screen(IdentifyScreen)
    t.tap(
        next(
            b
            for c, b in screen.choice_page.buttons.items()
            if c == c[:1] and c[0].value == "password"
        )
    )
    t.wait_until("the password page", lambda: screen.pages.currentWidget() is screen.password_page)


def wrong_password(t: Tour) -> None:
    screen = t.screen(IdentifyScreen)
    type_digits(t, screen.password_page.keypad, "111111")
    t.wait_until("the error", screen.password_page.error.isVisible)


def right_password(t: Tour) -> None:
    screen = t.screen(IdentifyScreen)
    type_digits(t, screen.password_page.keypad, DEMO_PASSWORD)
    t.expect_screen("overview")
    overview = t.shell.navigator.current
    t.wait_until("the overview data", lambda: getattr(overview, "overview", None) is not None)


def idle_warning(t: Tour) -> None:
    t.clock.advance(t.shell.ctx.config.timeouts.reading + 3)
    overlay = t.shell.window.idle_overlay
    t.wait_until("the idle warning", overlay.isVisible, timeout=3)


def more_time(t: Tour) -> None:
    t.tap(t.shell.window.idle_overlay.more_time)
    if t.shell.window.idle_overlay.isVisible():
        raise TourError("the warning stayed after 'more time'")


def idle_expiry(t: Tour) -> None:
    timeouts = t.shell.ctx.config.timeouts
    t.clock.advance(timeouts.reading + timeouts.warning + 1)
    t.expect_screen("home", timeout=3)
    if t.shell.ctx.sessions.current.identified:
        raise TourError("the session was not wiped")


def card_identification(t: Tour) -> None:
    # Itemised details need ID card + SMS code (or password + SMS code).
    t.tap(t.shell.home_screen.tiles["details"])
    screen = t.screen(IdentifyScreen)
    type_digits(t, screen.phone_page.keypad, DEMO_PHONE)
    t.wait_until("the choice page", lambda: screen.pages.currentWidget() is screen.choice_page)
    t.tap(next(b for c, b in screen.choice_page.buttons.items() if c[0].value == "id_card"))
    t.wait_until("the card page", lambda: screen.pages.currentWidget() is screen.card_page)


def place_card(t: Tour) -> None:
    screen = t.screen(IdentifyScreen)
    t.control("idcard", {"cmd": "place", "card": DEMO_PHONE})
    t.wait_until(
        "the card accepted and the SMS page",
        lambda: screen.pages.currentWidget() is screen.sms_page,
        timeout=20,
    )
    t.control("idcard", {"cmd": "remove"})


def pay_qr(t: Tour) -> None:
    from ui.screens.pay.pay import PayScreen

    t.go_home()
    t.tap(t.shell.home_screen.tiles["pay"])
    t.expect_screen("pay")
    screen = t.shell.navigator.current
    assert isinstance(screen, PayScreen)
    t.tap(screen.amount_buttons[5000])
    t.wait_until("the QR code", lambda: screen.order is not None and screen.qr.isVisible())


def pay_paid(t: Tour) -> None:
    from ui.screens.pay.pay import PayScreen

    screen = t.shell.navigator.current
    assert isinstance(screen, PayScreen) and screen.order is not None
    t.shell.ctx.backend.demo_mark_paid(screen.order.order_id)  # the customer's phone pays
    t.wait_until("the payment", lambda: screen.print_panel.state is PrintState.OFFERED, timeout=20)
    t.tap(screen.print_panel.confirm_button)
    t.wait_until("the receipt", lambda: screen.print_panel.state is PrintState.DONE, timeout=20)


def end_session(t: Tour) -> None:
    t.tap(t.shell.window.nav.end_button)
    t.expect_screen("home")


def admin_gesture(t: Tour) -> None:
    header = t.shell.window.header
    for _ in range(5):
        QTest.mouseClick(
            header, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(20, 20)
        )
        t.pump(30)
    t.expect_screen("admin_pin")


STEPS: list[Step] = [
    ("home", "首页：功能磁贴", home),
    ("home-english", "Home in English", english),
    ("home-large-text", "大字模式", large_text),
    ("identify-phone", "输入手机号码", open_overview),
    ("identify-choice", "选择验证方式", enter_phone),
    ("identify-password", "乱序密码键盘", choose_password),
    ("identify-wrong-password", "密码错误：剩余次数", wrong_password),
    ("overview", "账户概览", right_password),
    ("idle-warning", "空闲提醒与倒计时", idle_warning),
    ("idle-more-time", "我需要更多时间", more_time),
    ("idle-expired", "超时：清除会话并返回首页", idle_expiry),
    ("identify-card", "请将身份证放在感应区", card_identification),
    ("identify-card-read", "身份证核验通过，发送短信验证码", place_card),
    ("details-sms", "详单需要短信验证码", tour_bills.details_sms),
    ("details-first-page", "详单：首页记录", tour_bills.details_first_page),
    ("bills-chart", "近5个月账单：分类堆叠图", tour_bills.bills_chart),
    ("bill-month", "月账单：费用说明与漫游提示", tour_bills.month_bill),
    ("bill-slip", "打印账单凭条", tour_bills.bill_slip),
    ("details-paging", "详单：下滑按需加载", tour_bills.details_paging),
    ("details-slip-length", "打印详单：约X厘米", tour_bills.details_slip_offer),
    ("details-slip-printed", "详单已打印（每次服务一次）", tour_bills.details_slip_print),
    ("details-pdf", "保存PDF账单及详单", tour_bills.details_pdf),
    ("dispute-pick", "费用申诉：选择费用和原因", tour_bills.dispute_pick),
    ("dispute-refunded", "双倍返还与受理单", tour_bills.dispute_confirm),
    # The session now holds ID card + SMS code: sensitive transactions are allowed.
    *tour_plan.STEPS,
    *tour_services.STEPS,
    *tour_invoice.STEPS,
    *tour_line.STEPS,
    ("pay-qr", "缴费充值：扫码支付", pay_qr),
    ("pay-paid", "到账并打印缴费凭据", pay_paid),
    *tour_cash.PAY_STEPS,
    ("end-session", "结束服务", end_session),
    ("admin-pin", "维护人员入口", admin_gesture),
    *tour_cash.ADMIN_STEPS,
]
