"""Monthly invoices (发票打印): the months a customer can invoice and the printed invoice.
Pure; no Qt, no I/O.

The backend issues one invoice per closed month; a second request is refused (409, reprints
at the counter). The kiosk therefore prints an invoice only right after issuing it, in the
same session; an invoice issued earlier is shown, and staff reprint it from the kept copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from common.hall_time import to_hall
from kiosk.backend import models as m
from printer import statement as st
from printer.document import Document, KeyValue
from printer.receipts.invoice import Invoice, build_invoice


@dataclass(frozen=True)
class InvoiceMonth:
    """A month button: the closed month and its bill total."""

    month: str
    amount_fen: int


class BillTotal(Protocol):
    """What a month button needs of a bill (``kiosk.backend.models.MonthBill`` has it)."""

    @property
    def month(self) -> str: ...

    @property
    def total_fen(self) -> int: ...


def invoice_months(bills: Sequence[BillTotal]) -> list[InvoiceMonth]:
    """The closed months, newest first, with what the invoice would amount to (a month in
    credit has nothing to invoice: 0, as the backend issues it)."""
    ordered = sorted(bills, key=lambda b: b.month, reverse=True)
    return [InvoiceMonth(b.month, max(0, b.total_fen)) for b in ordered]


def statement_month(invoice: m.Invoice) -> st.StatementMonth:
    """The invoice's lines (the bill's category totals) as the receipt builder takes them."""
    categories = tuple(
        st.StatementCategory(item.name, (st.BillItem(item.name, item.amount_fen),))
        for item in invoice.items
    )
    return st.StatementMonth(invoice.month, categories)


def invoice_document(
    invoice: m.Invoice,
    terminal: st.Terminal,
    customer: st.Customer,
    printed_at: dt.datetime,
) -> Document:
    """The printed invoice. The payer is the invoice's title (the masked real name).

    The backend issues electronic-style numbers without a separate 发票代码 (as fully digital
    invoices have none), so the builder's empty code line is left out.
    """
    payer = dataclasses.replace(customer, name=invoice.title or customer.name)
    document = build_invoice(
        Invoice(
            terminal=terminal,
            customer=payer,
            month=statement_month(invoice),
            invoice_code="",
            invoice_no=invoice.invoice_number,
            issued_at=to_hall(invoice.issued_at),
        ),
        printed_at,
    )
    blocks = tuple(
        b for b in document.blocks if not (isinstance(b, KeyValue) and b.label == "发票代码")
    )
    return dataclasses.replace(document, blocks=blocks)
