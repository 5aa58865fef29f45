"""The A4 PDF statement: built and written on a worker, then sent to CUPS when configured.

The folder is a :class:`~ui.screens.bills.output.StatementOutput` shared by the bill screens,
so the tour can point it at its output folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from common.hall_time import hall_now
from kiosk.backend import models as m
from kiosk.bills import to_detail_record, to_statement_month
from kiosk.records import client_fetch, fetch_month
from printer import statement as st
from ui.context import AppContext
from ui.screen import Screen
from ui.screens.bills.output import StatementOutput
from ui.shared.customer import doc_customer, doc_terminal


@dataclass(frozen=True)
class SavedStatement:
    """A written statement: its file, pages of records included, whether it went to A4."""

    path: Path
    records: int
    sent_to_printer: bool


def show_saved(screen: Screen, saved: SavedStatement) -> None:
    """The screen's notice for a written statement, in the current language (a language
    switch calls it again to re-render it)."""
    key = "bills.pdf_printed" if saved.sent_to_printer else "bills.pdf_saved"
    screen.status.setText(screen.tr(key, name=saved.path.name))
    screen.status.show()


def statement_job(
    ctx: AppContext,
    output: StatementOutput,
    bills: Sequence[m.MonthBill],
    records_month: str | None,
    mask_other_party: bool,
) -> Callable[[], SavedStatement]:
    """A job for ``ctx.runner``: the 5 bills, plus one month's records when given."""
    terminal = doc_terminal(ctx)
    customer: st.Customer = doc_customer(ctx)
    queue = ctx.config.devices.a4_printer
    folder = output.folder
    now = hall_now()

    def job() -> SavedStatement:
        from printer.pdf.lp import print_pdf
        from printer.pdf.statement import Statement, write_statement

        records: list[st.DetailRecord] = []
        if records_month is not None:
            fetch = client_fetch(ctx.backend.records)
            records = [to_detail_record(r) for r in fetch_month(records_month, fetch)]
        months = tuple(to_statement_month(b) for b in sorted(bills, key=lambda b: b.month))
        statement = Statement(
            terminal=terminal,
            customer=customer,
            months=months,
            records=records,
            generated_at=now,
            mask_other_party=mask_other_party,
        )
        folder.mkdir(parents=True, exist_ok=True)
        # No number or name in the file name: the folder may be seen by staff.
        name = f"statement-{records_month or 'bills'}-{now:%Y%m%d-%H%M%S}-{_stamp(now)}.pdf"
        path = write_statement(statement, folder / name)
        sent = False
        if queue:
            print_pdf(path, queue)
            sent = True
            # lp has handed the file to the CUPS spool: no customer's statement stays on disk.
            path.unlink(missing_ok=True)
        return SavedStatement(path, len(records), sent)

    return job


def _stamp(now: dt.datetime) -> str:
    return f"{now.microsecond // 1000:03d}"
