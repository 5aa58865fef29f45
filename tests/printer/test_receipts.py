"""Receipt builders: masking applied, totals right, readable on 80 mm and 58 mm."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from printer import text as ptext
from printer.document import Document
from printer.escpos.decoder import decode
from printer.escpos.encoder import encode_document
from printer.layout import PrintedBarcode, PrintedCut, PrintedLine, PrintedQr
from printer.preview import render_text
from printer.profiles import PrinterProfile, load_profile
from printer.receipts import (
    BillSlip,
    DetailSlip,
    Invoice,
    PaymentReceipt,
    TransactionReceipt,
    build_bill_slip,
    build_detail_slip,
    build_invoice,
    build_payment_receipt,
    build_transaction_receipt,
)
from printer.samples import (
    SAMPLE_CUSTOMER,
    SAMPLE_MONTHS,
    SAMPLE_TERMINAL,
    sample_month,
    sample_records,
)
from printer.statement import DetailRecord, RecordType

NOW = dt.datetime(2026, 11, 25, 18, 30, 5)
PROFILES = [load_profile("generic-80"), load_profile("generic-58"), load_profile("epson-tm-t88")]
RAW_SECRETS = (SAMPLE_CUSTOMER.phone, SAMPLE_CUSTOMER.name, SAMPLE_CUSTOMER.id_number)


def printed(doc: Document, profile: PrinterProfile) -> str:
    """What the printer prints, via the bytes (encode -> decode -> text)."""
    items = decode(encode_document(doc, profile), profile)
    for item in items:
        if isinstance(item, PrintedLine):
            assert ptext.width(item.text) * item.size.width <= profile.columns
    assert isinstance(items[-1], PrintedCut)
    return render_text(items, profile)


def assert_no_raw_personal_data(doc: Document, profile: PrinterProfile) -> None:
    data = encode_document(doc, profile)
    for secret in RAW_SECRETS:
        assert secret.encode("gb18030") not in data


def payment() -> Document:
    receipt = PaymentReceipt(
        SAMPLE_TERMINAL,
        SAMPLE_CUSTOMER,
        "T0001",
        "P2026112518300001",
        NOW,
        9999,
        500,
        bank_card="6222021234567890123",
        verify_url="https://verify.example.cn/r/P1",
    )
    return build_payment_receipt(receipt, NOW)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_payment_receipt(profile: PrinterProfile) -> None:
    doc = payment()
    text = printed(doc, profile)
    assert "自助缴费凭据" in text
    assert "138****5678" in text and "张*峰" in text
    assert "622202*********0123" in text
    assert "￥99.99" in text and "玖拾玖元玖角玖分" in text and "￥5.00" in text
    assert "以上内容如有不详之处" in text and "10086" in text and "北京西单营业厅" in text
    assert "2026-11-25 18:30:05" in text
    items = decode(encode_document(doc, profile), profile)
    assert PrintedQr in {type(i) for i in items}
    assert_no_raw_personal_data(doc, profile)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_transaction_receipt(profile: PrinterProfile) -> None:
    receipt = TransactionReceipt(
        SAMPLE_TERMINAL,
        SAMPLE_CUSTOMER,
        "套餐变更",
        "B2026112500012",
        NOW,
        details=(("新套餐", "4G飞享58元套餐"), ("生效时间", "2026-12-01")),
        amount_fen=5800,
        verify_url="https://verify.example.cn/b/B2026112500012",
    )
    doc = build_transaction_receipt(receipt, NOW)
    text = printed(doc, profile)
    assert "业务受理单" in text and "套餐变更" in text and "4G飞享58元套餐" in text
    assert "110***********1234" in text
    assert "[QR https://verify.example.cn/b/B2026112500012]" in text
    assert_no_raw_personal_data(doc, profile)


def test_bill_slip_totals() -> None:
    month = sample_month("2026-10")
    doc = build_bill_slip(BillSlip(SAMPLE_TERMINAL, SAMPLE_CUSTOMER, month, NOW), NOW)
    text = printed(doc, PROFILES[0])
    assert "客户账单" in text and "2026-10-01 至 2026-10-31" in text
    total_line = next(line for line in text.splitlines() if line.startswith("本月费用合计"))
    assert total_line.endswith(f"{month.total_fen // 100}.{month.total_fen % 100:02d}")
    assert (
        month.closing_balance_fen == month.opening_balance_fen + month.top_up_fen - month.total_fen
    )
    assert "本单据仅供核对，不作为报销凭证" in text
    assert_no_raw_personal_data(doc, PROFILES[0])


def test_post_paid_bill_slip_is_worded_as_a_bill() -> None:
    """Issue 13 major 3: no "上月末结余 -¥142.90 … = 月末余额 -¥155.40" for post-paid."""
    month = dataclasses.replace(
        sample_month("2026-10"),
        opening_balance_fen=-14290,
        top_up_fen=14290,
        closing_balance_fen=-15540,
        postpaid=True,
        due_fen=15540,
    )
    doc = build_bill_slip(BillSlip(SAMPLE_TERMINAL, SAMPLE_CUSTOMER, month, NOW), NOW)
    text = printed(doc, PROFILES[0])
    assert "余额" not in text and "结余" not in text and "-155.40" not in text
    due = next(line for line in text.splitlines() if line.startswith("出账应缴"))
    assert due.endswith("155.40")
    paid = next(line for line in text.splitlines() if line.startswith("当月已缴"))
    assert paid.endswith("142.90")


def test_payment_receipt_prints_the_screens_money_lines() -> None:
    receipt = PaymentReceipt(
        SAMPLE_TERMINAL, SAMPLE_CUSTOMER, "T0001", "P1", NOW, 5000,
        money=(("本月应缴", 9600), ("信用额度剩余", 400)),
    )  # fmt: skip
    text = printed(build_payment_receipt(receipt, NOW), PROFILES[0])
    lines = text.splitlines()
    assert next(x for x in lines if x.startswith("本月应缴")).endswith("￥96.00")
    assert next(x for x in lines if x.startswith("信用额度剩余")).endswith("￥4.00")


def _call(day: int, other: str, fee: int, seconds: int = 65) -> DetailRecord:
    return DetailRecord(
        RecordType.CALL,
        dt.datetime(2026, 10, day, 9, 0),
        fee,
        location="北京",
        direction="主叫",
        other_party=other,
        duration_s=seconds,
        call_type="本地",
    )


def test_detail_slip_groups_masks_and_subtotals() -> None:
    records = [
        _call(3, "13900001111", 20),
        _call(2, "13900002222", 0, seconds=3725),
        DetailRecord(
            RecordType.MESSAGE,
            dt.datetime(2026, 9, 5, 8, 0),
            10,
            other_party="10086",
            direction="发送",
            kind="短信",
        ),
    ]
    slip = DetailSlip(
        SAMPLE_TERMINAL, SAMPLE_CUSTOMER, ("2026-08", "2026-09", "2026-10"), records, NOW
    )
    text = printed(build_detail_slip(slip, NOW), PROFILES[0])
    lines = text.splitlines()
    assert "客户详单" in text and "2026-08 至 2026-10" in text
    assert lines.index("                  2026-08 详单") < lines.index(
        "                  2026-09 详单"
    )
    assert "本月无记录" in text  # August
    assert "139****1111" in text and "13900001111" not in text
    assert "10086" in text  # short service numbers stay readable
    # sorted by time inside the month: the 2nd before the 3rd
    assert text.index("139****2222") < text.index("139****1111")
    assert "共2次 时长1小时3分10秒 合计0.20元" in text
    assert "本单据仅供核对，不作为报销凭证" in text

    unmasked = DetailSlip(
        SAMPLE_TERMINAL,
        SAMPLE_CUSTOMER,
        ("2026-10",),
        records,
        NOW,
        mask_other_party=False,
        only_with_fee=True,
    )
    text = printed(build_detail_slip(unmasked, NOW), PROFILES[0])
    assert "13900001111" in text and "13900002222" not in text  # the free call is filtered
    assert "仅收费记录" in text


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_detail_slip_every_type_fits(profile: PrinterProfile) -> None:
    records = sample_records(120)
    slip = DetailSlip(SAMPLE_TERMINAL, SAMPLE_CUSTOMER, SAMPLE_MONTHS, records, NOW)
    doc = build_detail_slip(slip, NOW, profile.columns)
    text = printed(doc, profile)
    for record_type in RecordType:
        assert f"【{record_type.value}】" in text
    assert_no_raw_personal_data(doc, profile)
    for record in records:
        if record.other_party:
            assert record.other_party not in text


def test_invoice() -> None:
    month = sample_month("2026-10")
    invoice = Invoice(SAMPLE_TERMINAL, SAMPLE_CUSTOMER, month, "011002600111", "08812345", NOW)
    doc = build_invoice(invoice, NOW)
    text = printed(doc, PROFILES[0])
    assert "通信服务费发票" in text and "08812345" in text and "合计大写" in text
    items = decode(encode_document(doc, PROFILES[0]), PROFILES[0])
    barcodes = [i for i in items if isinstance(i, PrintedBarcode)]
    assert [(b.data, b.height) for b in barcodes] == [("08812345", 60)]
    assert_no_raw_personal_data(doc, PROFILES[0])


def test_cash_receipt_lists_the_notes_and_the_capitals() -> None:
    from printer.document import KeyValue
    from printer.receipts.payment import CASH, PaymentReceipt, build_payment_receipt
    from printer.statement import Customer, Terminal

    receipt = PaymentReceipt(
        terminal=Terminal(operator="中国移动", hall="建国路营业厅", terminal_id="KIOSK-01"),
        customer=Customer(name="张*峰", phone="13800138000"),
        terminal_serial="ABC123",
        transaction_no="TX1",
        time=NOW,
        amount_fen=14000,
        method=CASH,
        notes=((2000, 2), (10000, 1)),
    )
    blocks = build_payment_receipt(receipt, NOW).blocks
    pairs = {b.label: b.value for b in blocks if isinstance(b, KeyValue)}
    assert pairs["支付方式"] == "现金"
    assert pairs["¥20.00 × 2 张"] == "¥40.00"
    assert pairs["¥100.00 × 1 张"] == "¥100.00"
    assert pairs["金额大写"] == "壹佰肆拾元整"
    assert pairs["手机号码"] == "138****8000"
