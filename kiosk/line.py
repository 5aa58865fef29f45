"""Service password reset and suspend/resume (PRODUCT function 8). Pure; no Qt, no I/O.

The backend decides; these rules only let the customer hear a refusal before a round trip
(the password policy mirrors ``backend/rules.password_problem`` one to one) and build the
业务受理单 the customer takes home. Nothing here ever holds or prints a password.
"""

from __future__ import annotations

import enum
import itertools

from common.hall_time import to_hall
from kiosk.backend import models as m
from printer import statement as st
from printer.receipts.transaction import TransactionReceipt

PASSWORD_LENGTH = 6


class PasswordProblem(enum.Enum):
    """Why a new service password cannot be used (the screen says it in plain words)."""

    NOT_SIX_DIGITS = "not_six_digits"
    SAME_DIGITS = "same_digits"  # 000000
    SEQUENCE = "sequence"  # 123456, 654321
    FROM_NUMBER = "from_number"  # digits taken from the phone number itself
    REPEATED = "repeated"  # 121212, 123123
    MISMATCH = "mismatch"  # the two entries differ

    @property
    def text_key(self) -> str:
        return f"line.pw_{self.value}"


def password_problem(password: str, number: str) -> PasswordProblem | None:
    """The first rule ``password`` breaks for the line ``number``, or None when acceptable.

    Same rules, same order as the backend's policy, so the customer hears the same reason.
    """
    if len(password) != PASSWORD_LENGTH or not password.isdigit():
        return PasswordProblem.NOT_SIX_DIGITS
    if len(set(password)) == 1:
        return PasswordProblem.SAME_DIGITS
    steps = {int(b) - int(a) for a, b in itertools.pairwise(password)}
    if steps in ({1}, {-1}):
        return PasswordProblem.SEQUENCE
    if password in number:
        return PasswordProblem.FROM_NUMBER
    if password[:2] * 3 == password or password[:3] * 2 == password:
        return PasswordProblem.REPEATED
    return None


def confirmation_problem(first: str, second: str) -> PasswordProblem | None:
    """The second entry must repeat the first exactly."""
    return None if first == second else PasswordProblem.MISMATCH


class LineAction(enum.Enum):
    """What the customer may do to the line's status at the kiosk."""

    SUSPEND = "suspend"  # 报停 (also when the phone is lost: 挂失)
    RESUME = "resume"  # 复机


def available_action(status: m.LineStatus) -> LineAction | None:
    """报停 for a normal line, 复机 for one suspended at the customer's request.

    A line in arrears (欠费停机) offers neither: a payment restores it.
    """
    if status is m.LineStatus.NORMAL:
        return LineAction.SUSPEND
    if status is m.LineStatus.SUSPENDED:
        return LineAction.RESUME
    return None


# Receipt texts are data printed in Chinese (the receipt language of the hall).
PASSWORD_BUSINESS = "服务密码重置"
SUSPEND_BUSINESS = "报停（停机保号）"
RESUME_BUSINESS = "复机"
STATUS_NAMES: dict[m.LineStatus, str] = {
    m.LineStatus.NORMAL: "正常使用",
    m.LineStatus.SUSPENDED: "已报停",
    m.LineStatus.ARREARS: "欠费停机",
}
PASSWORD_NOTE = "新密码已立即生效，原密码作废。请牢记新密码，不要告诉他人。"
SUSPEND_NOTE = (
    "报停期间无法拨打和接听电话、收发短信和上网。复机请携带身份证到营业厅或自助终端办理。"
)
_BUSINESS = {
    "password_reset": PASSWORD_BUSINESS,
    "suspend": SUSPEND_BUSINESS,
    "resume": RESUME_BUSINESS,
}


def line_receipt(
    result: m.TransactionResult,
    terminal: st.Terminal,
    customer: st.Customer,
) -> TransactionReceipt:
    """The 业务受理单 of a password reset, 报停 or 复机 (never the password itself)."""
    when = to_hall(result.completed_at)
    details: list[tuple[str, str]] = []
    notes: list[str] = []
    if result.kind == "password_reset":
        details.append(("办理结果", "服务密码已重置"))
        notes.append(PASSWORD_NOTE)
    else:
        details.append(("号码状态", STATUS_NAMES.get(result.status, result.status.value)))
        details.append(("生效时间", f"{when:%Y-%m-%d %H:%M}"))
        if result.note:
            notes.append(result.note)
        if result.kind == "suspend":
            notes.append(SUSPEND_NOTE)
    return TransactionReceipt(
        terminal=terminal,
        customer=customer,
        business=_BUSINESS.get(result.kind, result.kind),
        transaction_no=result.transaction_id,
        time=when,
        details=tuple(details),
        notes=tuple(notes),
    )
