"""Cash top-up (现金缴费): the note journal, the payment flow and its recovery. No Qt.

``CashDesk`` (desk.py) is the one object the UI drives: it owns the acceptor's poller thread,
the journal (ledger.py) and a reporter thread that talks to the backend.
"""
