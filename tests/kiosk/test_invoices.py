"""发票打印: the months offered and the printed invoice (via the ESC/POS bytes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk import invoices as ki
from kiosk.backend import models as m
from printer.escpos.decoder import decode
from printer.escpos.encoder import encode_document
from printer.layout import PrintedBarcode
from printer.preview import render_text
from printer.profiles import load_profile
from printer.samples import SAMPLE_TERMINAL
from printer.statement import Customer

UTC = dt.UTC
ISSUED = dt.datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # 2026-11-25 00:30 in the hall
PRINTED = dt.datetime(2026, 11, 25, 10, 0)
CUSTOMER = Customer(name="张*峰", phone="13800138000", brand="全球通")


def _invoice() -> m.Invoice:
    return m.Invoice(
        invoice_number="FP261125A1B2C3D4E5",
        month="2026-10",
        amount_fen=15830,
        title="张*峰",
        issued_at=ISSUED,
        items=(
            m.BillItem("套餐及固定费", 12800),
            m.BillItem("代收费", 4030),
            m.BillItem("优惠减免", -1000),
        ),
    )


@dataclass(frozen=True)
class _Bill:
    month: str
    total_fen: int


def test_months_newest_first_with_the_bill_total() -> None:
    bills = [_Bill("2026-06", 100), _Bill("2026-10", 15830), _Bill("2026-08", -50)]
    assert ki.invoice_months(bills) == [
        ki.InvoiceMonth("2026-10", 15830),
        ki.InvoiceMonth("2026-08", 0),  # a credit month: nothing to invoice
        ki.InvoiceMonth("2026-06", 100),
    ]


def test_invoice_lines_add_up_to_the_amount() -> None:
    month = ki.statement_month(_invoice())
    assert month.month == "2026-10"
    assert [c.name for c in month.categories] == ["套餐及固定费", "代收费", "优惠减免"]
    assert month.total_fen == 15830


def test_printed_invoice_has_number_masked_payer_total_and_barcode() -> None:
    profile = load_profile("generic-80")
    document = ki.invoice_document(_invoice(), SAMPLE_TERMINAL, CUSTOMER, PRINTED)
    data = encode_document(document, profile)
    items = decode(data, profile)
    text = render_text(items, profile)
    assert "通信服务费发票" in text
    assert "FP261125A1B2C3D4E5" in text
    assert "张*峰" in text and "138****8000" in text
    assert "2026-11-25" in text  # the issue date in hall time
    assert "2026-10" in text and "￥158.30" in text and "壹佰伍拾捌元叁角" in text
    assert "发票代码" not in text  # none issued: no empty line for it
    assert b"13800138000" not in data
    barcodes = [i for i in items if isinstance(i, PrintedBarcode)]
    assert [b.data for b in barcodes] == ["FP261125A1B2C3D4E5"]
