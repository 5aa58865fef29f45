"""不良信息举报: which typed numbers can be reported, the content sent, and the receipt."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk import spam as ks
from kiosk.backend import models as m
from printer.escpos.decoder import decode
from printer.escpos.encoder import encode_document
from printer.preview import render_text
from printer.profiles import load_profile
from printer.receipts import build_transaction_receipt
from printer.samples import SAMPLE_CUSTOMER, SAMPLE_TERMINAL

NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
OWN = "13800138000"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("13912345678", ks.NumberKind.MOBILE),
        ("19987654321", ks.NumberKind.MOBILE),
        ("01088886666", ks.NumberKind.FIXED),  # 北京 010 + 8 digits
        ("02161234567", ks.NumberKind.FIXED),  # 上海 021
        ("075523456789", ks.NumberKind.FIXED),  # 深圳 0755 + 8 digits
        ("09031234567", ks.NumberKind.FIXED),  # a 4-digit area code + 7 digits
        ("10655", ks.NumberKind.SMS_PORT),
        ("1069012345678901", ks.NumberKind.SMS_PORT),
        ("10659057123456789012", ks.NumberKind.SMS_PORT),  # 20 digits: the longest
        ("95588", ks.NumberKind.SERVICE),
        ("955555", ks.NumberKind.SERVICE),
        ("96110", ks.NumberKind.SERVICE),
        ("4008100000", ks.NumberKind.SERVICE),
        ("8008100000", ks.NumberKind.SERVICE),
        ("10086", ks.NumberKind.SERVICE),
        ("12306", ks.NumberKind.SERVICE),
        ("0085223456789", ks.NumberKind.INTERNATIONAL),  # 00 852 (Hong Kong)
        (" 13912345678 ", ks.NumberKind.MOBILE),
    ],
)
def test_numbers_a_caller_id_shows_are_accepted(text: str, kind: ks.NumberKind) -> None:
    check = ks.check_reported_number(text, OWN)
    assert check.ok and check.kind is kind and check.problem is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", ks.NumberProblem.EMPTY),
        ("   ", ks.NumberProblem.EMPTY),
        ("+8613912345678", ks.NumberProblem.NOT_DIGITS),
        ("139-1234-5678", ks.NumberProblem.NOT_DIGITS),
        ("１３９１２３４５６７８", ks.NumberProblem.NOT_DIGITS),  # full-width digits
        ("1391234567", ks.NumberProblem.TOO_SHORT),  # a mobile number missing a digit
        ("139", ks.NumberProblem.TOO_SHORT),
        ("110", ks.NumberProblem.TOO_SHORT),
        ("139123456789", ks.NumberProblem.BAD_MOBILE),  # one digit too many
        ("12012345678", ks.NumberProblem.BAD_MOBILE),  # no mobile number starts with 12
        ("88886666", ks.NumberProblem.NEEDS_AREA_CODE),
        ("6123456", ks.NumberProblem.NEEDS_AREA_CODE),
        ("010888866", ks.NumberProblem.TOO_SHORT),
        ("0108888666612", ks.NumberProblem.BAD_FIXED),
        ("0085", ks.NumberProblem.TOO_SHORT),
        ("9558", ks.NumberProblem.TOO_SHORT),
        ("955881234", ks.NumberProblem.TOO_LONG),
        ("888866661", ks.NumberProblem.TOO_LONG),
        ("1" * 21, ks.NumberProblem.TOO_LONG),
        (OWN, ks.NumberProblem.OWN_NUMBER),
    ],
)
def test_wrong_numbers_say_why(text: str, problem: ks.NumberProblem) -> None:
    check = ks.check_reported_number(text, OWN)
    assert not check.ok and check.kind is None and check.problem is problem


def test_without_an_own_number_any_mobile_is_fine() -> None:
    assert ks.check_reported_number(OWN).kind is ks.NumberKind.MOBILE


@pytest.mark.parametrize(
    ("digits", "kind", "shown"),
    [
        ("13912345678", ks.NumberKind.MOBILE, "139 1234 5678"),
        ("01088886666", ks.NumberKind.FIXED, "010 8888 6666"),
        ("075523456789", ks.NumberKind.FIXED, "0755 2345 6789"),
        ("95588", ks.NumberKind.SERVICE, "95588"),
        ("1069012345678901", ks.NumberKind.SMS_PORT, "1069 0123 4567 8901"),
    ],
)
def test_numbers_are_shown_in_groups(digits: str, kind: ks.NumberKind, shown: str) -> None:
    assert ks.spaced(digits, kind) == shown
    assert ks.spaced(digits, kind).replace(" ", "") == digits


def test_content_is_the_category_and_the_subject_if_any() -> None:
    assert ks.spam_content(ks.SpamCategory.HARASSMENT_CALL) == "骚扰电话"
    content = ks.spam_content(ks.SpamCategory.FRAUD_CALL, ks.SpamSubject.IMPOSTOR)
    assert content == "诈骗电话：冒充客服或公检法"
    assert {c.value for c in ks.SpamCategory} == {"骚扰电话", "诈骗电话", "垃圾短信", "其他"}
    assert all(len(ks.spam_content(c, s)) <= 500 for c in ks.SpamCategory for s in ks.SpamSubject)


@pytest.mark.parametrize("profile_name", ["generic-80", "generic-58"])
def test_receipt_masks_the_reported_number_and_says_what_happens_next(profile_name: str) -> None:
    report = m.SpamReport("JB20261125ABCDEF", NOW)
    receipt = ks.spam_receipt(
        report,
        "13912345678",
        ks.SpamCategory.FRAUD_CALL,
        ks.SpamSubject.IMPOSTOR,
        SAMPLE_TERMINAL,
        SAMPLE_CUSTOMER,
        NOW,
    )
    profile = load_profile(profile_name)
    data = encode_document(build_transaction_receipt(receipt, NOW), profile)
    text = render_text(decode(data, profile), profile)
    assert "业务受理单" in text and "不良信息举报" in text and "10086999" in text
    assert "JB20261125ABCDEF" in text and "诈骗电话" in text and "冒充客服或公检法" in text
    assert "139****5678" in text
    for secret in ("13912345678", SAMPLE_CUSTOMER.phone, SAMPLE_CUSTOMER.name):
        assert secret.encode("gb18030") not in data
    assert receipt.amount_fen is None and receipt.status == "已受理"


def test_a_short_service_number_stays_readable_on_the_receipt() -> None:
    report = m.SpamReport("JB1", NOW)
    receipt = ks.spam_receipt(
        report, "95588", ks.SpamCategory.SPAM_SMS, None, SAMPLE_TERMINAL, SAMPLE_CUSTOMER, NOW
    )
    details = dict(receipt.details)
    assert details["举报号码"] == "95588" and "举报内容" not in details
