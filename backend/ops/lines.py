"""Lines with their customer and plan; the account overview."""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, case, func, select
from sqlalchemy.exc import NoResultFound

from backend.billing import LineStatus
from backend.clock import Clock, month_of, next_month_start
from backend.db import tables as t
from backend.masking import mask_name, mask_phone
from backend.ops import errors as e
from backend.ops.money import LineMoney, line_money
from backend.rules import days_until_suspension


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan with its rules (a catalogue row: it never changes while the server runs)."""

    code: str
    name: str
    brand: str
    monthly_fee_fen: int
    included_minutes: int
    included_sms: int
    included_data_mb: int
    overage_minute_fen: int
    overage_sms_fen: int
    overage_data_fen_per_mb: int
    description: str


@dataclass(frozen=True, slots=True)
class Usage:
    """Allowance versus use."""

    kind: str
    label: str
    unit: str
    included: int
    used: int


@dataclass(frozen=True, slots=True)
class Overview:
    """The account home of a line."""

    month: str
    phone_masked: str
    name_masked: str
    brand: str
    status: str
    is_prepaid: bool
    balance_fen: int
    credit_fen: int
    money: LineMoney
    month_to_date_fen: int
    days_until_suspension: int | None
    reminder_threshold_fen: int | None
    plan: Plan
    next_plan: Plan | None
    usage: list[Usage]


@dataclass(frozen=True)
class Line:
    """A line joined with its customer's real-name record."""

    id: int
    number: str
    brand: str
    status: LineStatus
    plan_code: str
    next_plan_code: str | None
    is_prepaid: bool
    balance_fen: int
    credit_fen: int
    reminder_threshold_fen: int | None
    password_salt: str
    password_hash: str
    customer_name: str
    id_number: str
    card_type: str
    card_valid_from: str | None = None  # as registered: "YYYYMMDD"
    card_valid_to: str | None = None  # "YYYYMMDD" or "长期"
    photo_sha256: str | None = None  # of the card's photo block (WLT)

    @property
    def phone_masked(self) -> str:
        """138****1234."""
        return mask_phone(self.number)

    @property
    def name_masked(self) -> str:
        """张*峰."""
        return mask_name(self.customer_name)


def _line_query() -> Any:
    return select(
        t.lines.c.id,
        t.lines.c.number,
        t.lines.c.brand,
        t.lines.c.status,
        t.lines.c.plan_code,
        t.lines.c.next_plan_code,
        t.lines.c.is_prepaid,
        t.lines.c.balance_fen,
        t.lines.c.credit_fen,
        t.lines.c.reminder_threshold_fen,
        t.lines.c.password_salt,
        t.lines.c.password_hash,
        t.customers.c.name,
        t.customers.c.id_number,
        t.customers.c.card_type,
        t.customers.c.card_valid_from,
        t.customers.c.card_valid_to,
        t.customers.c.photo_sha256,
    ).join(t.customers, t.customers.c.id == t.lines.c.customer_id)


def _to_line(row: Any) -> Line:
    return Line(
        id=row.id,
        number=row.number,
        brand=row.brand,
        status=LineStatus(row.status),
        plan_code=row.plan_code,
        next_plan_code=row.next_plan_code,
        is_prepaid=bool(row.is_prepaid),
        balance_fen=row.balance_fen,
        credit_fen=row.credit_fen,
        reminder_threshold_fen=row.reminder_threshold_fen,
        password_salt=row.password_salt,
        password_hash=row.password_hash,
        customer_name=row.name,
        id_number=row.id_number,
        card_type=row.card_type,
        card_valid_from=row.card_valid_from,
        card_valid_to=row.card_valid_to,
        photo_sha256=row.photo_sha256,
    )


def line_by_number(conn: Connection, number: str) -> Line:
    """The line with this number, or NotFound (said plainly: not one of our customers)."""
    row = conn.execute(_line_query().where(t.lines.c.number == number)).first()
    if row is None:
        raise e.NotFound("该号码不是本网用户", field="phone")
    return _to_line(row)


def lines_of_card(conn: Connection, id_number: str) -> list[Line]:
    """The lines registered to the holder of this ID number, in number order (a card's
    numbers to pick from; empty when the card's holder has none with us)."""
    query = _line_query().where(t.customers.c.id_number == id_number.strip().upper())
    return [_to_line(row) for row in conn.execute(query.order_by(t.lines.c.number))]


def password_secret(conn: Connection, number: str) -> tuple[str, str] | None:
    """(salt, hash) of the number's service password; None when no line has the number."""
    row = conn.execute(
        select(t.lines.c.password_salt, t.lines.c.password_hash).where(t.lines.c.number == number)
    ).first()
    return None if row is None else (str(row.password_salt), str(row.password_hash))


def line_by_id(conn: Connection, line_id: int) -> Line:
    """The line behind a session."""
    return _to_line(conn.execute(_line_query().where(t.lines.c.id == line_id)).one())


class _PlanCache:
    """Every plan of a database, read once: the catalogue changes only by migration or seed.

    A migration restarts the server; a seed only adds plans, so a code missing from the
    snapshot reloads it once (a plan seeded after start-up is found; an unknown code is still
    NoResultFound, as from the query). An account overview, a bill page and a plan list each
    asked the database for the same rows again and again (2-6 statements per request)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._plans: weakref.WeakKeyDictionary[Engine, dict[str, Plan]] = (
            weakref.WeakKeyDictionary()
        )

    def all(self, conn: Connection, *, reload: bool = False) -> dict[str, Plan]:
        with self._lock:
            plans = self._plans.get(conn.engine)
        if plans is None or reload:
            rows = conn.execute(select(t.plans)).mappings().all()
            plans = {str(r["code"]): Plan(**dict(r)) for r in rows}
            with self._lock:
                self._plans[conn.engine] = plans
        return plans

    def forget(self) -> None:
        """Drop every snapshot (tests that rewrite the catalogue)."""
        with self._lock:
            self._plans.clear()


_plans = _PlanCache()
forget_plans = _plans.forget


def plan_of(conn: Connection, code: str) -> Plan:
    """A plan by code (NoResultFound when there is none)."""
    plan = _plans.all(conn).get(code) or _plans.all(conn, reload=True).get(code)
    if plan is None:
        raise NoResultFound(f"no plan {code!r}")
    return plan


def plans_of_brand(conn: Connection, brand: str) -> list[Plan]:
    """Every plan of a brand, cheapest first (ties by code)."""
    found = [p for p in _plans.all(conn).values() if p.brand == brand]
    return sorted(found, key=lambda p: (p.monthly_fee_fen, p.code))


def usage_lines(plan: Plan, minutes: int, sms: int, mb: int) -> list[Usage]:
    """Allowance-versus-use lines in the bill's order."""
    return [
        Usage(
            kind="voice",
            label="国内主叫",
            unit="分钟",
            included=plan.included_minutes,
            used=minutes,
        ),
        Usage(kind="sms", label="短信", unit="条", included=plan.included_sms, used=sms),
        Usage(kind="data", label="国内流量", unit="MB", included=plan.included_data_mb, used=mb),
    ]


def month_usage(conn: Connection, line_id: int, month: str) -> tuple[int, int, int, int, int]:
    """(minutes, SMS, MB, total fee, usage fee) of a month, from its records."""
    r = t.records.c
    counted_call = (
        (r.kind == "call") & (r.direction != "被叫") & r.comm_type.in_(("本地", "国内长途"))
    )
    row = conn.execute(
        select(
            func.coalesce(func.sum(case((counted_call, (r.duration_s + 59) // 60), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        ((r.kind == "sms") & (r.msg_type == "短信") & (r.direction == "发送"), 1),
                        else_=0,
                    )
                ),
                0,
            ),
            func.coalesce(
                func.sum(case((r.kind == "data", (r.volume_kb + 1023) // 1024), else_=0)), 0
            ),
            func.coalesce(func.sum(r.fee_fen), 0),
            func.coalesce(
                func.sum(
                    case(
                        (r.kind.in_(("call", "sms", "data")) | (r.fee_type == "点播"), r.fee_fen),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(r.line_id == line_id, r.month == month)
    ).one()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4])


def recurring_fen(conn: Connection, line: Line, today: dt.date) -> int:
    """Monthly fees due on the 1st of next month: plan (the booked one) plus subscriptions."""
    plan = plan_of(conn, line.next_plan_code or line.plan_code)
    s = t.subscriptions.c
    subs = conn.execute(
        select(func.coalesce(func.sum(t.services.c.monthly_fee_fen), 0))
        .select_from(t.subscriptions.join(t.services, t.services.c.code == s.service_code))
        .where(
            s.line_id == line.id,
            (s.ends_on.is_(None)) | (s.ends_on >= next_month_start(month_of(today))),
        )
    ).scalar_one()
    return plan.monthly_fee_fen + int(subs)


def overview(conn: Connection, line_id: int, clock: Clock) -> Overview:
    """The account home of a line."""
    line = line_by_id(conn, line_id)
    today = clock.today()
    month = month_of(today)
    plan = plan_of(conn, line.plan_code)
    minutes, sms, mb, total, usage_fee = month_usage(conn, line.id, month)
    days = days_until_suspension(
        is_prepaid=line.is_prepaid,
        balance_fen=line.balance_fen,
        credit_fen=line.credit_fen,
        usage_fen_this_month=usage_fee,
        days_elapsed=max(1, today.day - 1),
        recurring_fen=recurring_fen(conn, line, today),
        days_to_next_month=(next_month_start(month) - today).days,
    )
    if line.status is not LineStatus.NORMAL:
        days = 0
    return Overview(
        month=month,
        phone_masked=line.phone_masked,
        name_masked=line.name_masked,
        brand=line.brand,
        status=line.status.value,
        is_prepaid=line.is_prepaid,
        balance_fen=line.balance_fen,
        credit_fen=line.credit_fen,
        money=line_money(
            is_prepaid=line.is_prepaid, balance_fen=line.balance_fen, credit_fen=line.credit_fen
        ),
        month_to_date_fen=total,
        days_until_suspension=days,
        reminder_threshold_fen=line.reminder_threshold_fen,
        plan=plan,
        next_plan=plan_of(conn, line.next_plan_code) if line.next_plan_code else None,
        usage=usage_lines(plan, minutes, sms, mb),
    )
