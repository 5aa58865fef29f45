"""Cash top-up (现金缴费) and the terminal's cash box: terminal-level calls, no customer
session (a customer often tops up someone else's number; the masked name in the order's
answer is what the kiosk asks them to confirm before any note goes in). The rules live in
backend/ops/cash.py."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from backend.api.deps import IdemKey, State, TerminalId
from backend.api.idem import fingerprint, run_idempotent
from backend.api.schemas import (
    CashBoxOut,
    CashClearanceIn,
    CashClearanceOut,
    CashCloseIn,
    CashCountOut,
    CashNoteIn,
    CashOrderIn,
    CashOrderOut,
)
from backend.clock import SHANGHAI
from backend.ops import cash as ops

router = APIRouter(prefix="/v1/cash", tags=["cash"])

OrderPath = Annotated[str, Path(min_length=1, max_length=32)]


def _local(value: Any) -> Any:
    return value.astimezone(SHANGHAI) if value is not None else None


def order_out(conn: Connection, row: Any) -> CashOrderOut:
    """An order with its notes, the number and name masked."""
    return CashOrderOut.model_validate(ops.order_view(conn, row), from_attributes=True)


def _counts(counts: dict[int, int]) -> list[CashCountOut]:
    return [CashCountOut(value_fen=v, count=c) for v, c in sorted(counts.items()) if c]


@router.post(
    "/orders", response_model=CashOrderOut, status_code=201, summary="Open a cash top-up order"
)
def create_order(
    body: CashOrderIn, st: State, terminal_id: TerminalId, key: IdemKey
) -> JSONResponse:
    """Before the acceptor opens; the answer's masked name is confirmed by the customer."""

    def op(conn: Connection) -> CashOrderOut:
        order_id = ops.open_order(conn, terminal_id, body.phone, st.clock.now())
        return order_out(conn, ops.order_row(conn, terminal_id, order_id))

    fp = fingerprint("cash_order", terminal_id, body.model_dump())
    return run_idempotent(st, terminal_id, key, fp, op, status_code=201)


@router.get("/orders/{order_id}", response_model=CashOrderOut, summary="A cash order's state")
def get_order(order_id: OrderPath, st: State, terminal_id: TerminalId) -> CashOrderOut:
    """Only the terminal's own orders."""
    with st.engine.connect() as conn:
        return order_out(conn, ops.order_row(conn, terminal_id, order_id))


@router.post(
    "/orders/{order_id}/notes",
    response_model=CashOrderOut,
    summary="Report one stacked note (idempotent per order and sequence)",
)
def report_note(
    order_id: OrderPath, body: CashNoteIn, st: State, terminal_id: TerminalId, key: IdemKey
) -> JSONResponse:
    """The same sequence again with the same value changes nothing; another value is 409."""

    def op(conn: Connection) -> CashOrderOut:
        ops.add_note(
            conn,
            terminal_id,
            order_id,
            body.sequence,
            body.value_fen,
            body.event_counter,
            st.clock.now(),
        )
        return order_out(conn, ops.order_row(conn, terminal_id, order_id))

    fp = fingerprint("cash_note", terminal_id, order_id, body.model_dump())
    return run_idempotent(st, terminal_id, key, fp, op)


@router.post(
    "/orders/{order_id}/close",
    response_model=CashOrderOut,
    summary="Close the order: credit the reported notes once",
)
def close_order(
    order_id: OrderPath, body: CashCloseIn, st: State, terminal_id: TerminalId, key: IdemKey
) -> JSONResponse:
    """409 ``cash_notes_missing`` (with ``reported_count``/``reported_fen``) when the
    terminal's count differs from the notes reported; closing again credits nothing more."""

    def op(conn: Connection) -> CashOrderOut:
        row = ops.close_order(
            conn, terminal_id, order_id, body.note_count, body.total_fen, st.clock.now()
        )
        return order_out(conn, row)

    fp = fingerprint("cash_close", terminal_id, order_id, body.model_dump())
    return run_idempotent(st, terminal_id, key, fp, op)


@router.get("/box", response_model=CashBoxOut, summary="The terminal's cash box (钱箱)")
def cash_box(st: State, terminal_id: TerminalId) -> CashBoxOut:
    """Notes reported since the last clearance, per value."""
    with st.engine.connect() as conn:
        box = ops.box_content(conn, terminal_id)
    return CashBoxOut(
        terminal_id=terminal_id,
        since=_local(box.previous_at),
        note_count=box.note_count,
        total_fen=box.total_fen,
        counts=_counts(box.counts),
        orders=box.orders,
        open_orders=box.open_orders,
    )


@router.post(
    "/clearances",
    response_model=CashClearanceOut,
    status_code=201,
    summary="Record a clearance (清机): counted vs reported since the last one",
)
def clearance(
    body: CashClearanceIn, st: State, terminal_id: TerminalId, key: IdemKey
) -> JSONResponse:
    """Empties the box on the books; ``flagged`` when the count differs from the reports."""
    counted: dict[int, int] = {}
    for item in body.counts:
        counted[item.value_fen] = counted.get(item.value_fen, 0) + item.count

    def op(conn: Connection) -> CashClearanceOut:
        row = ops.record_clearance(conn, terminal_id, counted, st.clock.now())
        detail = json.loads(row.detail)
        return CashClearanceOut(
            clearance_id=row.clearance_id,
            terminal_id=row.terminal_id,
            at=_local(row.at),
            previous_at=_local(row.previous_at),
            expected_count=row.expected_count,
            expected_fen=row.expected_fen,
            expected_counts=_counts({int(k): v for k, v in detail["expected"].items()}),
            counted_count=row.counted_count,
            counted_fen=row.counted_fen,
            counted_counts=_counts({int(k): v for k, v in detail["counted"].items()}),
            difference_fen=row.difference_fen,
            flagged=row.flagged,
            orders=row.orders,
        )

    fp = fingerprint("cash_clearance", terminal_id, body.model_dump())
    return run_idempotent(st, terminal_id, key, fp, op, status_code=201)
