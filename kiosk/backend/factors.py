"""Identification factors and access levels: a tiny module, loaded at kiosk start-up."""

from __future__ import annotations

from enum import StrEnum


class Factor(StrEnum):
    """Identification factors a customer session can hold."""

    PASSWORD = "password"
    SMS = "sms"
    ID_CARD = "id_card"


class Access(StrEnum):
    """Authorisation levels of the server's matrix (which factors each needs: docs/api.md)."""

    SUMMARY = "summary"  # overview, bills, payments, invoices, reminder: password or SMS code
    DETAILS = "details"  # itemised records, disputes: password + SMS, or ID card + SMS
    SENSITIVE = "sensitive"  # password reset, suspend/resume, plan change, orders: ID card + SMS
