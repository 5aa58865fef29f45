"""Password rules (mirroring the backend's policy), the action a status allows, and the
业务受理单 of password reset, 报停 and 复机 (never the password)."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from backend.rules import password_problem as backend_password_problem
from kiosk.backend import models as m
from kiosk.line import (
    LineAction,
    PasswordProblem,
    available_action,
    confirmation_problem,
    line_receipt,
    password_problem,
)
from printer import statement as st
from printer.escpos.decoder import decode
from printer.escpos.encoder import encode_document
from printer.preview import render_text
from printer.profiles import load_profile
from printer.receipts import build_transaction_receipt

PHONE = "13800138000"
TERMINAL = st.Terminal(operator="中国移动", hall="西单营业厅", terminal_id="KIOSK-DEMO-01")
CUSTOMER = st.Customer(name="张*峰", phone=PHONE, brand="全球通")
WHEN = dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC)  # 10:30 in the hall


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("86421", PasswordProblem.NOT_SIX_DIGITS),
        ("8642135", PasswordProblem.NOT_SIX_DIGITS),
        ("86421a", PasswordProblem.NOT_SIX_DIGITS),
        ("", PasswordProblem.NOT_SIX_DIGITS),
        ("000000", PasswordProblem.SAME_DIGITS),
        ("777777", PasswordProblem.SAME_DIGITS),
        ("123456", PasswordProblem.SEQUENCE),
        ("654321", PasswordProblem.SEQUENCE),
        ("345678", PasswordProblem.SEQUENCE),
        ("138000", PasswordProblem.FROM_NUMBER),
        ("800138", PasswordProblem.FROM_NUMBER),
        ("013800", PasswordProblem.FROM_NUMBER),
        ("121212", PasswordProblem.REPEATED),
        ("123123", PasswordProblem.REPEATED),
        ("907907", PasswordProblem.REPEATED),
        ("864213", None),
        ("135790", None),
        ("012345", PasswordProblem.SEQUENCE),
        ("901234", None),  # 9 -> 0 is not a step of one
    ],
)
def test_password_rules(password: str, problem: PasswordProblem | None) -> None:
    assert password_problem(password, PHONE) is problem


# The backend's refusal for each of our reasons (the customer hears the same reason).
BACKEND_REASONS = {
    PasswordProblem.NOT_SIX_DIGITS: "服务密码须为6位数字",
    PasswordProblem.SAME_DIGITS: "密码不能为相同数字（如000000）",
    PasswordProblem.SEQUENCE: "密码不能为连续数字（如123456、654321）",
    PasswordProblem.FROM_NUMBER: "密码不能取自本机号码",
    PasswordProblem.REPEATED: "密码过于简单（如121212、123123）",
}


def test_rules_agree_with_the_backend_policy() -> None:
    # Every refusal the backend would send is heard before the round trip, and nothing the
    # backend accepts is refused here.
    rng = random.Random(8)
    candidates = [f"{n:06d}" for n in rng.sample(range(1_000_000), 20_000)]
    candidates += [d * 6 for d in "0123456789"] + ["123456", "987654", "121212", "456456"]
    for phone in (PHONE, "13912345678", "15800001111"):
        candidates += [phone[i : i + 6] for i in range(6)]
        for password in candidates:
            ours = password_problem(password, phone)
            theirs = backend_password_problem(password, phone)
            assert theirs == (BACKEND_REASONS[ours] if ours else None), password


def test_the_second_entry_must_match() -> None:
    assert confirmation_problem("135790", "135790") is None
    assert confirmation_problem("135790", "135709") is PasswordProblem.MISMATCH


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (m.LineStatus.NORMAL, LineAction.SUSPEND),
        (m.LineStatus.SUSPENDED, LineAction.RESUME),
        (m.LineStatus.ARREARS, None),  # a payment restores it, not 复机
    ],
)
def test_the_action_a_status_allows(status: m.LineStatus, action: LineAction | None) -> None:
    assert available_action(status) is action


def _printed(result: m.TransactionResult) -> str:
    """What the printer prints (bytes -> decoded text)."""
    profile = load_profile("generic-80")
    doc = build_transaction_receipt(line_receipt(result, TERMINAL, CUSTOMER), WHEN)
    return render_text(decode(encode_document(doc, profile), profile), profile)


def test_password_receipt_names_the_business_but_never_a_password() -> None:
    result = m.TransactionResult("TX123", "password_reset", m.LineStatus.NORMAL, WHEN, "")
    receipt = line_receipt(result, TERMINAL, CUSTOMER)
    assert receipt.business == "服务密码重置"
    assert receipt.transaction_no == "TX123"
    assert receipt.time.hour == 10  # hall time
    assert ("办理结果", "服务密码已重置") in receipt.details
    text = _printed(result)
    assert "业务受理单" in text and "服务密码重置" in text
    assert "138****8000" in text and PHONE not in text
    assert "密码已重置" in text and "864213" not in text


def test_suspend_receipt_says_the_status_fees_and_how_to_resume() -> None:
    note = "已报停。当月套餐费照常收取，自下一计费周期起收取号码保留费。"
    result = m.TransactionResult("TX9", "suspend", m.LineStatus.SUSPENDED, WHEN, note)
    receipt = line_receipt(result, TERMINAL, CUSTOMER)
    assert receipt.business == "报停（停机保号）"
    assert dict(receipt.details) == {"号码状态": "已报停", "生效时间": "2026-11-25 10:30"}
    assert receipt.notes[0] == note
    assert "复机请携带身份证" in receipt.notes[1]
    text = _printed(result)
    assert "报停（停机保号）" in text and "已报停" in text and "号码保留费" in text


def test_resume_receipt() -> None:
    result = m.TransactionResult("TX10", "resume", m.LineStatus.NORMAL, WHEN, "已复机。")
    receipt = line_receipt(result, TERMINAL, CUSTOMER)
    assert receipt.business == "复机"
    assert dict(receipt.details)["号码状态"] == "正常使用"
    assert receipt.notes == ("已复机。",)
