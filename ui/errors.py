"""Turns typed errors into one calm, specific sentence in the customer's language.

The one mapping from errors to the customer's words: a backend error's text is the message
``error.<code>`` (its problem code, kiosk/backend/errors.py), refined by the error's fields
and the screen's context; a code without its own message gets ``error.unknown``.
"""

from __future__ import annotations

import datetime as dt
import logging

from common.hall_time import to_hall
from kiosk.backend import errors as be
from kiosk.i18n import Translator
from kiosk.journal import JournalError
from printer.errors import PrinterError

log = logging.getLogger(__name__)


def describe(exc: BaseException, tr: Translator, *, context: str = "") -> str:
    """The message to show for ``exc``; ``context`` ("password", "sms", "card", "card_first":
    a card read with no number yet) refines it."""
    if isinstance(exc, be.AuthFailed):
        if context == "card_first":
            return tr.tr("error.card_first_mismatch")
        if context == "card":
            return tr.tr("error.card_mismatch")
        if exc.remaining_attempts is not None:
            key = "error.wrong_code" if context == "sms" else "error.wrong_password"
            if exc.remaining_attempts == 1 and exc.lock_minutes:  # say what the next one costs
                return tr.tr(f"{key}_last", minutes=exc.lock_minutes)
            return tr.tr(key, n=exc.remaining_attempts)
        return tr.tr("error.auth_failed")
    if isinstance(exc, be.NotFound) and context in ("card", "card_first"):
        return tr.tr("error.card_no_number")
    if isinstance(exc, be.Locked):
        return tr.tr("error.locked", time=lock_time(exc.until))
    if isinstance(exc, be.InvalidInput):
        if exc.field == "valid_to":
            return tr.tr("error.card_expired")
        return tr.tr("error.invalid_input", detail=tr.term(exc.message) or exc.field)
    if isinstance(exc, JournalError):
        return tr.tr("error.journal")
    if isinstance(exc, be.RateLimited):
        if exc.retry_after_s >= 60:  # the terminal's throttle: minutes, and where else to go
            return tr.tr("error.rate_limited_minutes", minutes=-(-exc.retry_after_s // 60))
        return tr.tr("error.rate_limited", seconds=max(exc.retry_after_s, 1))
    if isinstance(exc, be.BackendError):
        key = f"error.{exc.code}"
        if isinstance(exc, be.AgreementOutdated) or not tr.has(key):
            key = "error.unknown"  # (an outdated agreement is asked again by its screen)
        return tr.tr(key, detail=tr.term(exc.message))
    if isinstance(exc, PrinterError):
        return tr.tr(_printer_key(exc))
    log.error("unexpected error shown to a customer: %s", type(exc).__name__)
    return tr.tr("error.unknown")


def _printer_key(exc: PrinterError) -> str:
    """Calm messages for printer faults: paper, cover, offline, no answer, A4 (CUPS)."""
    from printer import errors as pe

    if isinstance(exc, pe.PaperOutError):
        return "print.error_paper_out"
    if isinstance(exc, pe.CoverOpenError):
        return "print.error_cover_open"
    if isinstance(exc, pe.StatusTimeoutError):
        return "print.error_no_answer"
    if isinstance(exc, pe.PrinterOfflineError | pe.PrinterPortError):
        return "print.error_offline"
    if isinstance(exc, pe.LpError):
        return "print.error_a4"
    if isinstance(exc, pe.PrintError):
        from printer.escpos.status import PaperState, PrinterStatus

        status = exc.status
        if isinstance(status, PrinterStatus) and status.paper is PaperState.OUT:
            return "print.error_paper_ran_out"
        return "print.error_incomplete"
    return "print.failed"


def lock_time(until: dt.datetime) -> str:
    """The hour and minute a lock ends, in hall time."""
    return to_hall(until).strftime("%H:%M")
