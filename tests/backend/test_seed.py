"""Demo data: the shared cardholders, the stories their lines tell, bill = sum of records."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from backend.db import tables as t
from backend.db.engine import make_engine, migrate
from backend.seed.seeder import seed_database
from common.idnumber import is_valid
from common.months import closed_months, month_of, months_back

TODAY = dt.date(2026, 11, 25)
CARDS = json.loads(
    (Path(__file__).resolve().parents[2] / "assets/demo/cardholders.json").read_text("utf-8")
)["cards"]


def _seeded(path: Path, *, heavy: int, customers: int = 2, seed: int = 11) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    seed_database(engine, customers=customers, seed=seed, today=TODAY, heavy_per_month=heavy)
    return engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The default heavy user (>= 10,000 records a month) plus two random customers."""
    eng = _seeded(tmp_path_factory.mktemp("seed") / "db.sqlite3", heavy=10_800)
    yield eng
    eng.dispose()


def test_demo_cardholders_are_customers_with_their_line(engine: Engine) -> None:
    with engine.connect() as conn:
        for card in CARDS:
            row = conn.execute(
                select(t.customers, t.lines.c.number, t.lines.c.brand)
                .join(t.lines, t.lines.c.customer_id == t.customers.c.id)
                .where(t.customers.c.id_number == card["id_number"])
            ).one()
            assert (row.name, row.card_type) == (card["name"], card["card_type"])
            assert (row.number, row.brand) == (card["phone"], card["brand"])
            if card["card_type"] == "resident":
                assert is_valid(card["id_number"])


def test_random_customers_have_valid_id_numbers(engine: Engine) -> None:
    with engine.connect() as conn:
        numbers = conn.execute(
            select(t.customers.c.id_number).where(t.customers.c.id > 9)
        ).scalars()
        ids = list(numbers)
    assert len(ids) == 2
    assert all(is_valid(n) for n in ids)


def test_every_bill_equals_the_sum_of_its_records(engine: Engine) -> None:
    r, b, i = t.records.c, t.bills.c, t.bill_items.c
    with engine.connect() as conn:
        bills = conn.execute(select(b.id, b.line_id, b.month, b.total_fen)).all()
        sums = {
            (row.line_id, row.month): row.total
            for row in conn.execute(
                select(r.line_id, r.month, func.sum(r.fee_fen).label("total")).group_by(
                    r.line_id, r.month
                )
            )
        }
        items = {
            row.bill_id: row.total
            for row in conn.execute(
                select(i.bill_id, func.sum(i.amount_fen).label("total")).group_by(i.bill_id)
            )
        }
        per_item = conn.execute(
            select(i.bill_id, i.category, i.sub_item, i.amount_fen, b.line_id, b.month).join(
                t.bills, t.bills.c.id == i.bill_id
            )
        ).all()
        for item in per_item[:60]:
            recorded = conn.execute(
                select(func.sum(r.fee_fen)).where(
                    r.line_id == item.line_id,
                    r.month == item.month,
                    r.category == item.category,
                    r.sub_item == item.sub_item,
                )
            ).scalar_one()
            assert recorded == item.amount_fen
    assert len(bills) == 11 * 5  # every line has the 5 closed months
    for bill in bills:
        assert bill.total_fen == sums[(bill.line_id, bill.month)] == items[bill.id]


def test_each_line_has_five_closed_months_and_the_open_one(engine: Engine) -> None:
    r = t.records.c
    with engine.connect() as conn:
        months = conn.execute(select(r.month).where(r.line_id == 1).distinct()).scalars()
        assert sorted(months) == sorted([month_of(TODAY), *closed_months(TODAY)])
        latest = conn.execute(select(func.max(r.started_at))).scalar_one()
    assert latest.date() < TODAY  # nothing recorded in the future


def _line(conn: object, number: str) -> object:
    return conn.execute(select(t.lines).where(t.lines.c.number == number)).one()  # type: ignore[attr-defined]


def test_the_demo_lines_tell_their_stories(engine: Engine) -> None:
    r = t.records.c
    with engine.connect() as conn:
        heavy = conn.execute(
            select(r.month, func.count()).where(r.line_id == 3).group_by(r.month)
        ).all()
        assert all(count >= 10_000 for month, count in heavy if month != month_of(TODAY))
        assert _line(conn, "13601010101").status == "suspended"
        arrears = _line(conn, "13602020202")
        assert (arrears.status, arrears.balance_fen) == ("arrears", -1280)
        assert _line(conn, "13912345678").balance_fen == 350
        assert _line(conn, "13800138000").status == "normal"
        roaming = conn.execute(
            select(r.line_id, r.month).where(r.comm_type.like("%漫游")).distinct()
        ).all()
        assert (1, months_back(TODAY, 3)) in roaming  # 张晓峰's trip
        assert (4, month_of(TODAY)) in roaming  # 阿依古丽 is roaming now
        zhang_kinds = set(conn.execute(select(r.kind).where(r.line_id == 1).distinct()).scalars())
        assert zhang_kinds >= {"fixed", "call", "sms", "data", "vas", "sp", "discount"}
        gong = conn.execute(
            select(t.subscriptions.c.service_code, t.subscriptions.c.started_on).where(
                t.subscriptions.c.line_id == 5
            )
        ).all()
        assert any(s.started_on >= TODAY.replace(day=1) for s in gong)  # ordered this month


def test_same_seed_gives_the_same_data(tmp_path: Path) -> None:
    def fingerprint(engine: Engine) -> list[tuple[object, ...]]:
        with engine.connect() as conn:
            return [
                tuple(row)
                for row in conn.execute(
                    select(
                        t.records.c.line_id,
                        t.records.c.started_at,
                        t.records.c.fee_fen,
                        t.records.c.other_party,
                    ).order_by(t.records.c.id)
                )
            ]

    first = _seeded(tmp_path / "a.sqlite3", heavy=50, customers=3, seed=5)
    second = _seeded(tmp_path / "b.sqlite3", heavy=50, customers=3, seed=5)
    other = _seeded(tmp_path / "c.sqlite3", heavy=50, customers=3, seed=6)
    try:
        assert fingerprint(first) == fingerprint(second)
        assert fingerprint(first) != fingerprint(other)
    finally:
        for e in (first, second, other):
            e.dispose()
