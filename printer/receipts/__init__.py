"""Receipt builders: plain frozen dataclasses in, :class:`~printer.document.Document` out.

Builders apply the PRODUCT.md masking rules themselves (phone 138****1234, name 张*峰,
ID 110***********1234, bank card 622202******1234), so a caller cannot forget them.
``columns`` (48 for 80 mm, 32 for 58 mm, 42 for TM-T88) picks a layout that stays readable.
"""

from printer.receipts.bill import BillSlip, build_bill_slip
from printer.receipts.detail import DetailSlip, build_detail_slip
from printer.receipts.invoice import Invoice, build_invoice
from printer.receipts.payment import PaymentReceipt, build_payment_receipt
from printer.receipts.transaction import TransactionReceipt, build_transaction_receipt

__all__ = [
    "BillSlip",
    "DetailSlip",
    "Invoice",
    "PaymentReceipt",
    "TransactionReceipt",
    "build_bill_slip",
    "build_detail_slip",
    "build_invoice",
    "build_payment_receipt",
    "build_transaction_receipt",
]
