"""What features share about the customer: the session's bills (fetched once), the customer
and terminal as documents name them, and opening a screen that needs a higher level."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.authz import satisfies
from kiosk.backend import models as m
from kiosk.backend.factors import Access
from printer import statement as st
from ui.context import AppContext
from ui.screen import Screen

BILLS_CACHE = "bills:list"  # list[MonthBill], newest first (session cache: wiped at the end)
PENDING = "bills:pending"  # (screen id, params) waiting for identification to finish
IDENTIFY = "identify"


def with_bills(screen: Screen, on_done: Callable[[list[m.MonthBill]], None]) -> None:
    """The five closed bills, from the session cache or fetched once on a worker."""
    session = screen.ctx.sessions.current
    cached = session.cache.get(BILLS_CACHE)
    if cached is not None:
        on_done(cached)
        return
    ctx = screen.ctx

    def store(bills: list[m.MonthBill]) -> None:
        ctx.sessions.current.cache[BILLS_CACHE] = bills
        on_done(bills)

    screen.fetch(lambda: ctx.backend.bills(), store)


def open_screen(screen: Screen, target: str, params: Any, level: Access) -> None:
    """Go to ``target``; when the session lacks ``level``, identify first and come back."""
    session = screen.ctx.sessions.current
    held = session.customer.factors if session.customer else set()
    if satisfies(held, level):
        screen.navigate.emit(target, params)
        return
    # Identification replaces itself with the target without params: park them here.
    session.cache[PENDING] = (target, params)
    screen.navigate.emit(IDENTIFY, {"target": target, "level": level})


def take_pending(ctx: AppContext, screen_id: str, params: Any) -> Any:
    """``params``, or those parked for ``screen_id`` before identification."""
    parked = ctx.sessions.current.cache.pop(PENDING, None)
    if params is None and parked is not None and parked[0] == screen_id:
        return parked[1]
    return params


def doc_customer(ctx: AppContext) -> st.Customer:
    """The customer as documents need it (raw number: the builders mask it)."""
    customer = ctx.sessions.current.customer
    if customer is None:
        return st.Customer(name="", phone="")
    return st.Customer(name=customer.masked_name, phone=customer.phone, brand=customer.brand)


def doc_terminal(ctx: AppContext) -> st.Terminal:
    """This terminal, for document headers and footers."""
    t = ctx.config.terminal
    return st.Terminal(operator=t.operator_name, hall=t.hall_name, terminal_id=t.id)
