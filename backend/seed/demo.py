"""The demo cardholders (assets/demo/cardholders.json) and the story each line tells."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backend.billing import LineStatus
from backend.seed.usage import Profile

CARDHOLDERS_PATH = Path(__file__).resolve().parents[2] / "assets" / "demo" / "cardholders.json"


@dataclass(frozen=True)
class DemoLine:
    """How a demo cardholder's line is set up beyond what the card says."""

    plan_code: str
    profile: Profile
    services: tuple[tuple[str, dt.date, dt.date | None], ...] = ()
    status: LineStatus = LineStatus.NORMAL
    suspended_on: dt.date | None = None
    target_balance_fen: int | None = None  # forces the current balance (arrears, near zero)
    reminder_threshold_fen: int | None = None
    credit_fen: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def demo_lines(today: dt.date, heavy_per_month: int) -> dict[str, DemoLine]:
    """Story per demo phone number; dates relative to ``today`` so every run tells it."""
    cur = dt.date(today.year, today.month, 1)
    prev = (cur - dt.timedelta(days=1)).replace(day=1)
    prev2 = (prev - dt.timedelta(days=1)).replace(day=1)
    prev3 = (prev2 - dt.timedelta(days=1)).replace(day=1)

    def month(d: dt.date) -> str:
        return f"{d:%Y-%m}"

    return {
        # 张晓峰: normal and rich: calls, SMS, data, VAS, 代收费, roaming in one month, discount.
        "13800138000": DemoLine(
            plan_code="QQT128",
            profile=Profile(
                calls=260,
                sms=90,
                mms=4,
                data_sessions=420,
                data_mb_mean=45.0,
                on_demand_sp=3,
                discount_fen=1000,
                long_distance_share=0.2,
                roaming={month(prev3): "上海"},
            ),
            services=(
                ("CLIP", _d("2019-04-02"), None),
                ("SJB", _d("2021-07-15"), None),
                ("YYSTT", _d("2023-05-02"), None),
            ),
            credit_fen=30000,
        ),
        # 李秀英: pre-paid, balance nearly gone: next month's fees will suspend the line.
        "13912345678": DemoLine(
            plan_code="SZX8",
            profile=Profile(calls=45, sms=6, mms=0, data_sessions=25, data_mb_mean=4.0),
            services=(("CLIP", _d("2015-03-01"), None),),
            target_balance_fen=350,
            reminder_threshold_fen=1000,
        ),
        # 王浩然: heavy user, well over 10,000 records a month (data sessions).
        "15800001111": DemoLine(
            plan_code="DGDD38",
            profile=Profile(
                calls=60, sms=120, mms=1, data_sessions=heavy_per_month, data_mb_mean=2.9
            ),
            services=(("YXJSB", _d("2025-03-20"), None),),
            reminder_threshold_fen=2000,
        ),
        # 阿依古丽: roaming (乌鲁木齐 -> 北京) last closed month and this month.
        "13699990000": DemoLine(
            plan_code="QQT58",
            profile=Profile(
                calls=150,
                sms=30,
                data_sessions=260,
                data_mb_mean=25.0,
                roaming={month(prev): "北京", month(cur): "西安"},
            ),
            services=(("CLIP", _d("2018-06-21"), None), ("CL", _d("2020-01-10"), None)),
            credit_fen=10000,
        ),
        # 龚䶮: new SP subscriptions: one charged for the first time last month, one this month.
        "18812340000": DemoLine(
            plan_code="SZX18",
            profile=Profile(calls=90, sms=25, data_sessions=200, data_mb_mean=18.0, on_demand_sp=2),
            services=(
                ("SPCLHY", prev2.replace(day=14), None),
                ("YXJSB", cur.replace(day=min(8, max(today.day - 1, 1))), None),
            ),
        ),
        # 刘建国: normal line; his ID card expired (the backend still has him).
        "13551234567": DemoLine(
            plan_code="QQT88",
            profile=Profile(calls=140, sms=20, data_sessions=180, data_mb_mean=30.0),
            services=(("CLIP", _d("2012-09-01"), None), ("SJYD", _d("2024-02-11"), None)),
            credit_fen=20000,
        ),
        # 陈嘉欣 (Hong Kong resident permit): normal.
        "13728880000": DemoLine(
            plan_code="QQT58",
            profile=Profile(
                calls=80, sms=30, data_sessions=240, data_mb_mean=22.0, long_distance_share=0.3
            ),
            services=(("CLIP", _d("2022-03-05"), None),),
            credit_fen=10000,
        ),
        # 史密斯 (foreign permanent resident): suspended at his request (报停) this month.
        "13601010101": DemoLine(
            plan_code="QQT88",
            profile=Profile(calls=70, sms=15, data_sessions=150, data_mb_mean=20.0),
            status=LineStatus.SUSPENDED,
            suspended_on=cur.replace(day=min(10, max(today.day - 1, 1))),
            credit_fen=20000,
        ),
        # 玛丽亚: pre-paid in arrears, suspended for it (欠费停机).
        "13602020202": DemoLine(
            plan_code="SZX8",
            profile=Profile(calls=60, sms=20, data_sessions=120, data_mb_mean=15.0),
            services=(("SJB", _d("2024-06-01"), None),),
            status=LineStatus.ARREARS,
            target_balance_fen=-1280,
            reminder_threshold_fen=500,
        ),
    }


def load_cardholders(path: Path = CARDHOLDERS_PATH) -> list[dict[str, Any]]:
    """The shared demo cards (same file the ID card reader emulator serves)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    cards: list[dict[str, Any]] = data["cards"]
    return cards
