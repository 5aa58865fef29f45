"""Usage records of one line for one month, priced against the plan in time order.

Events get random local times, are sorted, and then consume the plan's allowances in that
order, so a record is free (``套餐优惠`` = plan name) until the allowance runs out and charged
at the overage price after. A closed month's bill is the grouped sum of its records.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from backend.billing import Category, Kind
from backend.clock import SHANGHAI, month_end, month_start
from backend.db import tables as t
from backend.seed.catalogue import ON_DEMAND
from backend.seed.people import MOBILE_PREFIXES, PROVINCE_OF_CITY, random_mobile

# Every column of a record row but its id (the database numbers the rows).
RECORD_COLUMNS = tuple(c.name for c in t.records.columns if c.name != "id")

SERVICE_NUMBERS = ("10086", "95588", "95555", "10658000", "1069012345", "95106")


@dataclass(frozen=True)
class Profile:
    """How a line uses its phone in a full month."""

    calls: int = 120
    sms: int = 40
    mms: int = 2
    data_sessions: int = 300
    data_mb_mean: float = 12.0
    long_distance_share: float = 0.15
    on_demand_sp: int = 0
    discount_fen: int = 0
    roaming: dict[str, str] = field(default_factory=dict)  # month -> city visited on days 10-14


@dataclass(frozen=True)
class ActiveService:
    """A subscription as seen by the generator."""

    service: dict[str, Any]
    started_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True)
class LineMonth:
    """Everything needed to generate one line's records in one month."""

    line_id: int
    home_city: str
    plan: dict[str, Any]
    month: str
    last_day: dt.date  # inclusive: the month end, or yesterday in the open month
    services: tuple[ActiveService, ...]
    profile: Profile
    seed: str


def _row(
    lm: LineMonth,
    kind: Kind,
    at: dt.datetime,
    fee: int,
    category: Category,
    sub: str,
    **extra: Any,
) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(RECORD_COLUMNS)
    row.update(
        line_id=lm.line_id,
        month=lm.month,
        kind=kind.value,
        started_at=at,
        fee_fen=fee,
        category=category.value,
        sub_item=sub,
    )
    row.update(extra)
    return row


def _local(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), SHANGHAI) + dt.timedelta(seconds=seconds)


def charged_in(month: str, svc: ActiveService) -> bool:
    """Monthly fees start the month after ordering (次月起按月收费) and stop after ``ends_on``."""
    start = month_start(month)
    first_charge = dt.date(
        svc.started_on.year + svc.started_on.month // 12, svc.started_on.month % 12 + 1, 1
    )
    return first_charge <= start and (svc.ends_on is None or svc.ends_on >= start)


def generate_month(lm: LineMonth) -> list[dict[str, Any]]:
    """All records of the line-month, ordered by time."""
    rng = random.Random(lm.seed)
    first = month_start(lm.month)
    if lm.last_day < first:
        return []
    days = (lm.last_day - first).days + 1
    scale = days / ((month_end(lm.month) - first).days + 1)
    plan = lm.plan
    rows: list[dict[str, Any]] = []
    period = f"{first:%m-%d} 至 {month_end(lm.month):%m-%d}"
    rows.append(
        _row(
            lm,
            Kind.FIXED,
            _local(first, 1),
            plan["monthly_fee_fen"],
            Category.FIXED,
            "套餐基本费",
            service_name=plan["name"],
            period=period,
        )
    )
    for offset, svc in enumerate(lm.services, start=2):
        if not charged_in(lm.month, svc):
            continue
        s = svc.service
        at = _local(first, offset)
        if s["kind"] == "vas":
            rows.append(
                _row(
                    lm,
                    Kind.VAS,
                    at,
                    s["monthly_fee_fen"],
                    Category.VAS,
                    s["name"],
                    access="包月",
                    service_name=s["name"],
                    service_number=s["service_number"],
                )
            )
        else:
            rows.append(
                _row(
                    lm,
                    Kind.SP,
                    at,
                    s["monthly_fee_fen"],
                    Category.SP,
                    s["name"],
                    service_name=s["name"],
                    service_number=s["service_number"],
                    sp_name=s["sp_name"],
                    sp_code=s["sp_code"],
                    fee_type="包月",
                )
            )
    roam_city = lm.profile.roaming.get(lm.month)
    contacts = [random_mobile(rng, own_network=rng.random() < 0.7) for _ in range(18)]
    events: list[tuple[dt.datetime, str]] = []

    def when() -> dt.datetime:
        day = first + dt.timedelta(days=rng.randrange(days))
        # Daytime-heavy: 07:00-23:59 mostly, a few night events.
        sec = rng.randrange(7 * 3600, 24 * 3600) if rng.random() < 0.95 else rng.randrange(7 * 3600)
        return _local(day, sec)

    p = lm.profile

    def count(per_month: float) -> int:
        # Months differ a little (±5 %) so month-on-month comparisons have something to show.
        return round(per_month * scale * rng.uniform(0.95, 1.05))

    events += [(when(), "call") for _ in range(count(p.calls))]
    events += [(when(), "sms") for _ in range(count(p.sms))]
    events += [(when(), "mms") for _ in range(count(p.mms))]
    events += [(when(), "data") for _ in range(count(p.data_sessions))]
    events += [(when(), "ondemand") for _ in range(count(p.on_demand_sp))]
    events.sort(key=lambda e: e[0])

    minutes_left = plan["included_minutes"]
    sms_left = plan["included_sms"]
    mb_left = plan["included_data_mb"]
    home_province = PROVINCE_OF_CITY.get(lm.home_city, lm.home_city)
    for at, what in events:
        place = lm.home_city
        roam_type: str | None = None
        if roam_city and 10 <= at.day <= 14:
            place = roam_city
            same = PROVINCE_OF_CITY.get(roam_city) == home_province
            roam_type = "省内漫游" if same else "国内漫游"
        if what == "call":
            direction = rng.choices(("主叫", "被叫", "呼转"), (60, 38, 2))[0]
            duration = min(3600, int(rng.expovariate(1 / 140)) + 6)
            minutes = -(-duration // 60)
            other = rng.choice(contacts) if rng.random() < 0.8 else random_mobile(rng)
            fee = 0
            discount: str | None = None
            if direction == "被叫":
                comm = roam_type or "本地"
                sub = "漫游被叫费" if roam_type else "本地被叫"
            elif roam_type:
                comm, sub = roam_type, "省内/国内漫游主叫费"
                fee = minutes * plan["overage_minute_fen"]
            else:
                long_distance = rng.random() < p.long_distance_share
                comm = "国内长途" if long_distance else "本地"
                sub = "国内长途费" if long_distance else "市话主叫通话费"
                covered = min(minutes, minutes_left)
                minutes_left -= covered
                fee = (minutes - covered) * plan["overage_minute_fen"]
                discount = plan["name"] if covered else None
            rows.append(
                _row(
                    lm,
                    Kind.CALL,
                    at,
                    fee,
                    Category.VOICE,
                    sub,
                    place=place,
                    direction=direction,
                    other_party=other,
                    duration_s=duration,
                    comm_type=comm,
                    plan_discount=discount,
                )
            )
        elif what in ("sms", "mms"):
            sending = rng.random() < 0.7
            other = rng.choice(contacts) if rng.random() < 0.75 else rng.choice(SERVICE_NUMBERS)
            own = other[:3] in MOBILE_PREFIXES or len(other) != 11
            fee = 0
            discount = None
            if what == "mms":
                sub = "彩信"
                fee = 30 if sending else 0
            else:
                sub = "网内短信" if own else "网间短信"
                if sending:
                    if sms_left > 0:
                        sms_left -= 1
                        discount = plan["name"]
                    else:
                        fee = plan["overage_sms_fen"]
            rows.append(
                _row(
                    lm,
                    Kind.SMS,
                    at,
                    fee,
                    Category.MESSAGING,
                    sub,
                    place=place,
                    direction="发送" if sending else "接收",
                    other_party=other,
                    msg_type="彩信" if what == "mms" else "短信",
                    service_name="彩信" if what == "mms" else "点对点短信",
                    plan_discount=discount,
                )
            )
        elif what == "data":
            kb = int(rng.expovariate(1 / (p.data_mb_mean * 1024))) + 1
            mb = -(-kb // 1024)
            covered = min(mb, mb_left)
            mb_left -= covered
            fee = (mb - covered) * plan["overage_data_fen_per_mb"]
            rows.append(
                _row(
                    lm,
                    Kind.DATA,
                    at,
                    fee,
                    Category.DATA,
                    "套餐外流量费",
                    place=place,
                    access="5G" if rng.random() < 0.4 else "4G",
                    volume_kb=kb,
                    duration_s=rng.randrange(30, 3600),
                    comm_type=roam_type or "国内",
                    plan_discount=plan["name"] if covered else None,
                )
            )
        else:
            name, sp, code, number, price = rng.choice(ON_DEMAND)
            rows.append(
                _row(
                    lm,
                    Kind.SP,
                    at,
                    price,
                    Category.SP,
                    name,
                    service_name=name,
                    service_number=number,
                    sp_name=sp,
                    sp_code=code,
                    fee_type="点播",
                )
            )
    if p.discount_fen and lm.last_day == month_end(lm.month):
        rows.append(
            _row(
                lm,
                Kind.DISCOUNT,
                _local(lm.last_day, 86399),
                -p.discount_fen,
                Category.DISCOUNT,
                "合计费优惠",
                service_name="合计费优惠",
            )
        )
    return rows


def bill_items(rows: list[dict[str, Any]]) -> tuple[int, list[tuple[str, str, int]]]:
    """(total, [(category, sub_item, amount)]) of a month's records; zero amounts are left out."""
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        sums[(r["category"], r["sub_item"])] += r["fee_fen"]
    items = [(c, s, a) for (c, s), a in sums.items() if a != 0]
    return sum(a for _, _, a in items), items


def usage_of(rows: list[dict[str, Any]]) -> tuple[int, int, int]:
    """(minutes, SMS, MB) counted against the allowances: domestic outgoing calls, sent SMS."""
    minutes = sum(
        -(-r["duration_s"] // 60)
        for r in rows
        if r["kind"] == "call"
        and r["direction"] != "被叫"
        and r["comm_type"] in ("本地", "国内长途")
    )
    sms = sum(
        1
        for r in rows
        if r["kind"] == "sms" and r["msg_type"] == "短信" and r["direction"] == "发送"
    )
    mb = sum(-(-r["volume_kb"] // 1024) for r in rows if r["kind"] == "data")
    return minutes, sms, mb
