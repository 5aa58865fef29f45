"""How many runs: ``make faults`` runs the full counts (``KIOSK_FAULTS=full``), CI a few."""

from __future__ import annotations

import os
import random
import threading

FULL = os.environ.get("KIOSK_FAULTS", "") == "full"

# Every transaction kind the kiosk journals (suspend_resume is suspend or resume, whichever
# the line's state allows; service_order is the quote and the SMS-confirmed order).
KINDS = [
    "payment",
    "dispute",
    "reminder",
    "plan_change",
    "service_order",
    "service_cancel",
    "password_reset",
    "suspend_resume",
    "invoice",
    "spam",
]
PREPAID = ["13912345678", "18812340000", "13602020202"]  # the reminder is pre-paid only
POSTPAID = ["13800138000", "15800001111", "13699990000", "13728880000"]  # 13551234567: card expired
SUSPENDABLE = "13601010101"  # its own line: a suspended line refuses the other kinds


def phone_for(kind: str, rng: random.Random) -> str:
    if kind == "suspend_resume":
        return SUSPENDABLE
    if kind == "reminder":
        return rng.choice(PREPAID)
    return rng.choice(PREPAID + POSTPAID)


def pause(seconds: float) -> None:
    """The random moment of a fault: not a wait for a condition, a chosen instant."""
    threading.Event().wait(seconds)
