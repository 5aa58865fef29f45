"""Account overview, closed monthly bills, itemised records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from backend.api.deps import Details, State, Summary
from backend.api.schemas import BillOut, BillsOut, OverviewOut, RecordPageOut
from backend.billing import Kind
from backend.clock import closed_months
from backend.ops import bills as ops
from backend.ops import errors as e
from backend.ops.lines import overview as overview_of

router = APIRouter(prefix="/v1", tags=["account"])

MonthPath = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


def bill_out(bill: ops.Bill) -> BillOut:
    """A bill on the wire."""
    return BillOut.model_validate(bill, from_attributes=True)


@router.get("/account", response_model=OverviewOut, summary="Balance and account overview")
def overview(cust: Summary, st: State) -> OverviewOut:
    """Balance, credit, plan, usage this month, days until suspension, reminder threshold."""
    with st.engine.connect() as conn:
        return OverviewOut.model_validate(
            overview_of(conn, cust.line_id, st.clock), from_attributes=True
        )


@router.get("/bills", response_model=BillsOut, summary="The 5 closed monthly bills")
def bills(cust: Summary, st: State) -> BillsOut:
    """Newest first; each bill is itemised by category with explanations."""
    with st.engine.connect() as conn:
        found = ops.bills(conn, cust.line_id, closed_months(st.clock.today()))
    return BillsOut(bills=[bill_out(b) for b in found])


@router.get("/bills/{month}", response_model=BillOut, summary="One closed monthly bill")
def bill(month: MonthPath, cust: Summary, st: State) -> BillOut:
    """Only the 5 closed months are available (诚信服务: 5 months of bills)."""
    if month not in closed_months(st.clock.today()):
        raise e.NotFound("只能查询最近5个月（不含当月）的账单", field="month")
    with st.engine.connect() as conn:
        found = ops.bills(conn, cust.line_id, [month])
    if not found:
        raise e.NotFound("该月没有账单", field="month")
    return bill_out(found[0])


@router.get("/records", response_model=RecordPageOut, summary="Itemised records (详单)")
def records(
    cust: Details,
    st: State,
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")],
    kind: Kind | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=ops.MAX_PAGE)] = 100,
    with_fee_only: bool = False,
    roaming_only: bool = False,
    offset: Annotated[
        int | None, Query(ge=0, le=1_000_000, description="legacy paging; prefer cursor")
    ] = None,
) -> JSONResponse:
    """Oldest first; pass ``next_cursor`` back as ``cursor`` for the next page.

    Months: the 5 closed months and the current one.
    """
    today = st.clock.today()
    allowed = {f"{today:%Y-%m}", *closed_months(today)}
    if month not in allowed:
        raise e.NotFound("只能查询最近5个月及当月的详单", field="month")
    with st.engine.connect() as conn:
        page = ops.record_page(
            conn,
            cust.line_id,
            month,
            kind=kind,
            cursor=cursor,
            offset=offset,
            limit=limit,
            with_fee_only=with_fee_only,
            roaming_only=roaming_only,
        )
    return JSONResponse(page)
