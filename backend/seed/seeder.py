"""Fill an empty database with deterministic demo data using bulk Core inserts.

Same ``seed`` + ``today`` -> same customers, numbers and records (only password salts and
hashes differ run to run). Every line gets 5 closed months with bills plus the open month.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, insert, update

from backend.billing import POSTPAID_BRANDS, LineStatus
from backend.clock import closed_months, month_end, month_of
from backend.db import tables as t
from backend.db.engine import writing
from backend.security import digest, hash_password, new_salt
from backend.seed import catalogue
from backend.seed.demo import DemoLine, demo_lines, load_cardholders
from backend.seed.people import city_of_id, is_valid_id_number, random_mobile, random_person
from backend.seed.usage import (
    ActiveService,
    LineMonth,
    Profile,
    bill_items,
    generate_month,
    usage_of,
)

log = logging.getLogger(__name__)

_PLANS_BY_CODE = {p["code"]: p for p in catalogue.PLANS}
_SERVICES_BY_CODE = {s["code"]: s for s in catalogue.SERVICES}
_CHUNK = 20_000


@dataclass(frozen=True)
class SeedSummary:
    """What a seed run inserted."""

    customers: int
    lines: int
    records: int
    seconds: float


@dataclass
class _LinePlan:
    line_id: int
    number: str
    customer_id: int
    brand: str
    plan_code: str
    city: str
    profile: Profile
    services: tuple[ActiveService, ...]
    status: LineStatus
    suspended_on: dt.date | None
    target_balance_fen: int | None
    reminder_threshold_fen: int | None
    credit_fen: int
    opened_on: dt.date


def seed_database(
    engine: Engine,
    *,
    customers: int,
    seed: int,
    today: dt.date,
    heavy_per_month: int = 10_800,
    password: str = catalogue.DEMO_PASSWORD,
    demo_terminal: bool = False,
) -> SeedSummary:
    """Insert catalogue, the demo cardholders and ``customers`` random ones; the documented
    demo terminal (KIOSK-DEMO-01) only with ``demo_terminal`` (``seed --demo``): anywhere
    else its published token would admit anyone."""
    started = time.perf_counter()
    rng = random.Random(seed)
    customer_rows: list[dict[str, Any]] = []
    plans: list[_LinePlan] = []
    used_numbers: set[str] = set()
    stories = demo_lines(today, heavy_per_month)
    for card in load_cardholders():
        if card["card_type"] == "resident" and not is_valid_id_number(card["id_number"]):
            raise ValueError("a demo card has an invalid ID number")
        cid = len(customer_rows) + 1
        customer_rows.append(
            {
                "id": cid,
                "name": card["name"],
                "id_number": card["id_number"],
                "card_type": card["card_type"],
                "address": card.get("address", ""),
                "card_valid_from": card["valid_from"],
                "card_valid_to": card["valid_to"],
                "photo_sha256": card["photo_sha256"],
            }
        )
        story = stories[card["phone"]]
        used_numbers.add(card["phone"])
        plans.append(_demo_line(len(plans) + 1, cid, card, story))
    for _ in range(customers):
        person = random_person(rng)
        cid = len(customer_rows) + 1
        customer_rows.append(
            {
                "id": cid,
                "name": person.name,
                "id_number": person.id_number,
                "card_type": "resident",
                "address": person.address,
                **_random_card(rng, today),
            }
        )
        number = random_mobile(rng)
        while number in used_numbers:
            number = random_mobile(rng)
        used_numbers.add(number)
        plans.append(_random_line(rng, len(plans) + 1, cid, number, city=person.city, today=today))

    salt = new_salt()
    pw_hash = hash_password(password, salt)
    n_records = 0
    with writing(engine) as conn:
        conn.execute(insert(t.plans), list(catalogue.PLANS))
        conn.execute(insert(t.services), list(catalogue.SERVICES))
        if demo_terminal:
            conn.execute(
                insert(t.terminals),
                [
                    {
                        "terminal_id": catalogue.DEMO_TERMINAL_ID,
                        "token_hash": digest(catalogue.DEMO_TERMINAL_TOKEN),
                        "name": "演示终端（营业厅1号机）",
                        "active": True,
                    }
                ],
            )
        conn.execute(insert(t.customers), customer_rows)
        conn.execute(
            insert(t.lines),
            [
                {
                    "id": lp.line_id,
                    "number": lp.number,
                    "customer_id": lp.customer_id,
                    "brand": lp.brand,
                    "status": lp.status.value,
                    "plan_code": lp.plan_code,
                    "next_plan_code": None,
                    "is_prepaid": lp.brand not in POSTPAID_BRANDS,
                    "balance_fen": 0,  # set below, once the months are priced
                    "credit_fen": lp.credit_fen,
                    "reminder_threshold_fen": lp.reminder_threshold_fen,
                    "password_salt": salt,
                    "password_hash": pw_hash,
                    "opened_on": lp.opened_on,
                }
                for lp in plans
            ],
        )
        subscription_rows = [
            {
                "line_id": lp.line_id,
                "service_code": s.service["code"],
                "started_on": s.started_on,
                "ends_on": s.ends_on,
            }
            for lp in plans
            for s in lp.services
        ]
        if subscription_rows:
            conn.execute(insert(t.subscriptions), subscription_rows)
        bill_id = 0
        for lp in plans:
            balance, n, bill_id = _insert_usage(conn, lp, seed, today, bill_id)
            n_records += n
            conn.execute(
                update(t.lines).where(t.lines.c.id == lp.line_id).values(balance_fen=balance)
            )
    seconds = time.perf_counter() - started
    log.info("seeded %d customers, %d records in %.1f s", len(customer_rows), n_records, seconds)
    return SeedSummary(len(customer_rows), len(plans), n_records, seconds)


def _random_card(rng: random.Random, today: dt.date) -> dict[str, str]:
    """A registered card for a random customer: 20 years' validity, a random photo digest
    (no emulated card exists for them, so they cannot identify by card)."""
    issued = today - dt.timedelta(days=rng.randrange(30, 7000))
    valid_to = issued.replace(year=issued.year + 20, day=min(issued.day, 28))
    return {
        "card_valid_from": f"{issued:%Y%m%d}",
        "card_valid_to": f"{valid_to:%Y%m%d}",
        "photo_sha256": hashlib.sha256(rng.randbytes(32)).hexdigest(),
    }


def _demo_line(line_id: int, customer_id: int, card: dict[str, Any], story: DemoLine) -> _LinePlan:
    plan = _PLANS_BY_CODE[story.plan_code]
    if plan["brand"] != card["brand"]:
        raise ValueError("demo story plan does not match the card's brand")
    return _LinePlan(
        line_id=line_id,
        number=card["phone"],
        customer_id=customer_id,
        brand=card["brand"],
        plan_code=story.plan_code,
        city=city_of_id(card["id_number"], card.get("address", "")),
        profile=story.profile,
        services=tuple(
            ActiveService(_SERVICES_BY_CODE[code], start, end)
            for code, start, end in story.services
        ),
        status=story.status,
        suspended_on=story.suspended_on,
        target_balance_fen=story.target_balance_fen,
        reminder_threshold_fen=story.reminder_threshold_fen,
        credit_fen=story.credit_fen,
        opened_on=dt.date(2010, 1, 1) + dt.timedelta(days=line_id * 97),
    )


def _random_line(
    rng: random.Random, line_id: int, customer_id: int, number: str, *, city: str, today: dt.date
) -> _LinePlan:
    brand = rng.choices(("全球通", "神州行", "动感地带"), (45, 35, 20))[0]
    plan = rng.choice([p for p in catalogue.PLANS if p["brand"] == brand])
    months = closed_months(today)
    roaming: dict[str, str] = {}
    if rng.random() < 0.25:
        roaming[rng.choice(months)] = rng.choice(("上海", "三亚", "绵阳", "东莞", "喀什"))
    profile = Profile(
        calls=rng.randrange(30, 260),
        sms=rng.randrange(5, 90),
        mms=rng.randrange(0, 4),
        data_sessions=rng.randrange(60, 600),
        data_mb_mean=rng.uniform(3.0, 40.0),
        long_distance_share=rng.uniform(0.0, 0.3),
        on_demand_sp=rng.choice((0, 0, 0, 1, 2)),
        discount_fen=rng.choice((0, 0, 500)) if brand in POSTPAID_BRANDS else 0,
        roaming=roaming,
    )
    chosen = rng.sample(catalogue.SERVICES, rng.choice((0, 1, 1, 2)))
    services = tuple(
        ActiveService(s, dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3000)), None)
        for s in chosen
    )
    return _LinePlan(
        line_id=line_id,
        number=number,
        customer_id=customer_id,
        brand=brand,
        plan_code=plan["code"],
        city=city,
        profile=profile,
        services=services,
        status=LineStatus.NORMAL,
        suspended_on=None,
        target_balance_fen=None,
        reminder_threshold_fen=rng.choice((None, 1000, 2000))
        if brand not in POSTPAID_BRANDS
        else None,
        credit_fen=rng.choice((10000, 20000, 30000)) if brand in POSTPAID_BRANDS else 0,
        opened_on=dt.date(2008, 1, 1) + dt.timedelta(days=rng.randrange(5000)),
    )


def _insert_usage(
    conn: Connection, lp: _LinePlan, seed: int, today: dt.date, bill_id: int
) -> tuple[int, int, int]:
    """Records of every month, bills of the closed ones; returns (balance, records, bill id)."""
    plan = _PLANS_BY_CODE[lp.plan_code]
    yesterday = today - dt.timedelta(days=1)
    months = [*reversed(closed_months(today)), month_of(today)]
    month_rows: list[list[dict[str, Any]]] = []
    for month in months:
        last = month_end(month) if month != month_of(today) else yesterday
        if lp.suspended_on is not None:
            last = min(last, lp.suspended_on)
        lm = LineMonth(
            line_id=lp.line_id,
            home_city=lp.city,
            plan=plan,
            month=month,
            last_day=last,
            services=lp.services,
            profile=lp.profile,
            seed=f"{seed}:{lp.number}:{month}",
        )
        month_rows.append(generate_month(lm))
    totals = [bill_items(rows)[0] for rows in month_rows]
    prepaid = lp.brand not in POSTPAID_BRANDS
    rng = random.Random(f"{seed}:{lp.number}:balance")
    if lp.target_balance_fen is not None:
        opening = lp.target_balance_fen + sum(totals)  # no top-ups: the balance ran down to this
    elif prepaid:
        opening = rng.randrange(2000, 8000)
    else:
        opening = -(plan["monthly_fee_fen"] + rng.randrange(0, 3000))  # last bill, not yet paid
    n = 0
    bill_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    for month, rows, total in zip(months, month_rows, totals, strict=True):
        if lp.target_balance_fen is not None:
            topup = 0
        elif prepaid:
            shortfall = total + 2000 - opening
            topup = -(-shortfall // 5000) * 5000 if shortfall > 0 else 0
        else:
            topup = max(0, -opening)  # the previous bill is paid during the month
        closing = opening + topup - total
        for start in range(0, len(rows), _CHUNK):
            conn.execute(insert(t.records), rows[start : start + _CHUNK])
        n += len(rows)
        if month != month_of(today):
            used = usage_of(rows)
            bill_id += 1
            bill_rows.append(
                {
                    "id": bill_id,
                    "line_id": lp.line_id,
                    "month": month,
                    "plan_code": lp.plan_code,
                    "total_fen": total,
                    "opening_balance_fen": opening,
                    "topup_fen": topup,
                    "closing_balance_fen": closing,
                    "used_minutes": used[0],
                    "used_sms": used[1],
                    "used_data_mb": used[2],
                }
            )
            item_rows += [
                {"bill_id": bill_id, "category": c, "sub_item": s, "amount_fen": a}
                for c, s, a in bill_items(rows)[1]
            ]
        opening = closing
    conn.execute(insert(t.bills), bill_rows)
    if item_rows:
        conn.execute(insert(t.bill_items), item_rows)
    return opening, n, bill_id
