"""What features share about the customer: the session's bills (fetched once), and the
customer and terminal as documents name them."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.backend import models as m
from printer import statement as st
from ui.context import AppContext
from ui.screen import Screen

BILLS_CACHE = "bills:list"  # list[MonthBill], newest first (session cache: wiped at the end)


def cached_bills(ctx: AppContext) -> list[m.MonthBill] | None:
    """The session's closed bills if they were fetched already (None: not yet)."""
    bills: list[m.MonthBill] | None = ctx.sessions.current.cache.get(BILLS_CACHE)
    return bills


def keep_bills(ctx: AppContext, bills: list[m.MonthBill]) -> None:
    """Keep the bills just fetched for the rest of the session (the one write of the cache:
    bills, invoice, dispute and the plan estimates all read it)."""
    ctx.sessions.current.cache[BILLS_CACHE] = bills


def with_bills(screen: Screen, on_done: Callable[[list[m.MonthBill]], None]) -> None:
    """The five closed bills, from the session cache or fetched once on a worker."""
    ctx = screen.ctx
    cached = cached_bills(ctx)
    if cached is not None:
        on_done(cached)
        return

    def store(bills: list[m.MonthBill]) -> None:
        keep_bills(ctx, bills)
        on_done(bills)

    screen.fetch(lambda: ctx.backend.bills(), store)


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
