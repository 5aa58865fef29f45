"""不良信息举报 (10086999): which numbers a customer can report, what the report says, and the
receipt they take home. Pure; no Qt, no I/O.

A caller ID can show many kinds of numbers: a mobile number, a fixed line with its area code,
an SMS service port (106...), a service hotline (95xxx, 96xxx, 400/800) or a short service
number (10086, 12306 ...), or an international number (00...). The kiosk's keypad has digits
only, so a number is a string of digits.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from common.masking import mask_other_party
from kiosk.backend import models as m
from printer import statement as st
from printer.receipts.transaction import TransactionReceipt

MAX_DIGITS = 20  # the longest number a caller ID shows (and the backend accepts)
MIN_DIGITS = 5  # the shortest reportable number (10086, 95588 ...)
REPORT_CENTRE = "10086999"

_DIGITS = re.compile(r"[0-9]+")


class NumberKind(enum.Enum):
    """What kind of number the customer typed."""

    MOBILE = "mobile"  # 11 digits, 13x-19x
    FIXED = "fixed"  # 0 + area code + local number: 10 to 12 digits
    SMS_PORT = "sms_port"  # 106 + port: SMS service numbers, 5 to 20 digits
    SERVICE = "service"  # 95xxx/96xxx hotlines, 400/800 numbers, 1xxxx short numbers
    INTERNATIONAL = "international"  # 00 + country code + number

    @property
    def text_key(self) -> str:
        return f"spam.kind_{self.value}"


class NumberProblem(enum.Enum):
    """Why a typed number cannot be reported (each has a plain message on screen)."""

    EMPTY = "empty"
    NOT_DIGITS = "not_digits"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    BAD_MOBILE = "bad_mobile"  # starts like a mobile number but is not one
    NEEDS_AREA_CODE = "needs_area_code"  # a local fixed-line number without its area code
    BAD_FIXED = "bad_fixed"  # starts with 0 but is no fixed-line or international number
    OWN_NUMBER = "own_number"  # the customer's own number

    @property
    def text_key(self) -> str:
        return f"spam.problem_{self.value}"


@dataclass(frozen=True)
class NumberCheck:
    """The verdict on a typed number: a kind, or the problem."""

    kind: NumberKind | None = None
    problem: NumberProblem | None = None

    @property
    def ok(self) -> bool:
        return self.kind is not None


def check_reported_number(text: str, own_phone: str = "") -> NumberCheck:
    """Can ``text`` be reported? Accepts what caller IDs show; says plainly what is wrong."""
    digits = text.strip()
    if not digits:
        return NumberCheck(problem=NumberProblem.EMPTY)
    if not _DIGITS.fullmatch(digits):
        return NumberCheck(problem=NumberProblem.NOT_DIGITS)
    if len(digits) > MAX_DIGITS:
        return NumberCheck(problem=NumberProblem.TOO_LONG)
    if own_phone and digits == own_phone:
        return NumberCheck(problem=NumberProblem.OWN_NUMBER)
    kind_or_problem = _classify(digits)
    if isinstance(kind_or_problem, NumberKind):
        return NumberCheck(kind=kind_or_problem)
    return NumberCheck(problem=kind_or_problem)


def _classify(digits: str) -> NumberKind | NumberProblem:
    n = len(digits)
    if digits.startswith("00"):  # 00 + country code (1-3 digits) + subscriber number
        return NumberKind.INTERNATIONAL if n >= 8 else NumberProblem.TOO_SHORT
    if digits.startswith("0"):  # 010/02x + 8 digits, 0xxx + 7 or 8 digits
        if n < 10:
            return NumberProblem.TOO_SHORT
        return NumberKind.FIXED if n <= 12 else NumberProblem.BAD_FIXED
    if digits.startswith("106"):
        return NumberKind.SMS_PORT if n >= MIN_DIGITS else NumberProblem.TOO_SHORT
    if digits.startswith("1"):
        if n == 11:
            return NumberKind.MOBILE if digits[1] in "3456789" else NumberProblem.BAD_MOBILE
        if n == 5:  # 10086, 10010, 12306, 12345 ...
            return NumberKind.SERVICE
        return NumberProblem.TOO_SHORT if n < 11 else NumberProblem.BAD_MOBILE
    if digits.startswith(("95", "96")):
        if n < MIN_DIGITS:
            return NumberProblem.TOO_SHORT
        return NumberKind.SERVICE if n <= 8 else NumberProblem.TOO_LONG
    if digits.startswith(("400", "800")) and n == 10:
        return NumberKind.SERVICE
    if n in (7, 8):  # a local fixed-line number: the area code is missing
        return NumberProblem.NEEDS_AREA_CODE
    return NumberProblem.TOO_SHORT if n < 7 else NumberProblem.TOO_LONG


def spaced(digits: str, kind: NumberKind | None = None) -> str:
    """The number in groups, easier to read back: 139 1234 5678, 010 8888 6666, 0755 ..."""
    if kind is NumberKind.MOBILE:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if kind is NumberKind.FIXED:
        area = 3 if digits[1] in "12" else 4  # 010 and 02x; other area codes have 4 digits
        return f"{digits[:area]} {_groups(digits[area:])}"
    if len(digits) <= 6:
        return digits
    return _groups(digits)


def _groups(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


class SpamCategory(enum.Enum):
    """What the number did; the value is what the backend receives (in Chinese)."""

    HARASSMENT_CALL = "骚扰电话"
    FRAUD_CALL = "诈骗电话"
    SPAM_SMS = "垃圾短信"
    OTHER = "其他"

    @property
    def text_key(self) -> str:
        return f"spam.category_{self.name.lower()}"


# What the call or message was about: tapped instead of typed (a kiosk has no keyboard).
class SpamSubject(enum.Enum):
    """What it was about; the value is what the backend stores (in Chinese)."""

    ADS = "推销广告"
    IMPOSTOR = "冒充客服或公检法"
    PRIZE_LOAN = "中奖、贷款或刷单"
    PORN_GAMBLING = "色情赌博"

    @property
    def text_key(self) -> str:
        return f"spam.subject_{self.name.lower()}"


def spam_content(category: SpamCategory, subject: SpamSubject | None = None) -> str:
    """The report's content as the backend stores it: the category, and the subject if any."""
    if subject is not None:
        return f"{category.value}：{subject.value}"
    return category.value


SPAM_BUSINESS = f"不良信息举报（{REPORT_CENTRE}）"


def spam_receipt(
    report: m.SpamReport,
    number: str,
    category: SpamCategory,
    subject: SpamSubject | None,
    terminal: st.Terminal,
    customer: st.Customer,
    time: dt.datetime,
) -> TransactionReceipt:
    """The 业务受理单 of a report. The reported number belongs to somebody else: masked like
    other parties' numbers on itemised records (short service numbers stay readable)."""
    details = [
        ("受理编号", report.report_id),
        ("举报号码", mask_other_party(number)),
        ("举报类型", category.value),
    ]
    if subject is not None:
        details.append(("举报内容", subject.value))
    return TransactionReceipt(
        terminal=terminal,
        customer=customer,
        business=SPAM_BUSINESS,
        transaction_no=report.report_id,
        time=time,
        details=tuple(details),
        status="已受理",
        notes=(
            f"举报已转交不良信息举报受理中心（{REPORT_CENTRE}）",
            "核实后将依规对该号码进行处理。",
            f"以后收到垃圾短信，可直接转发到 {REPORT_CENTRE}。",
        ),
    )
