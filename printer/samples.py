"""Deterministic sample data (fictional people and numbers) for the test page, benches, tests."""

from __future__ import annotations

import datetime as dt
import random

from printer.statement import (
    BillItem,
    Customer,
    DetailRecord,
    RecordType,
    StatementCategory,
    StatementMonth,
    Terminal,
)

SAMPLE_TERMINAL = Terminal("中国移动", "北京西单营业厅", "BJ-XD-0007", "自助终端7号")
SAMPLE_CUSTOMER = Customer("张晓峰", "13812345678", "全球通", "110101199003071234")
SAMPLE_MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10")

_PLACES = ("北京", "上海", "广州", "天津", "石家庄")
_CALL_TYPES = ("本地", "本地", "本地", "国内长途", "国内漫游", "省内漫游")


def sample_month(month: str, seed: int = 0) -> StatementMonth:
    """A plausible bill month (amounts in fen)."""
    rng = random.Random(f"{month}-{seed}")
    categories = (
        StatementCategory(
            "套餐及固定费",
            (BillItem("套餐基本费", 5800), BillItem("数据流量套餐费", 2000)),
            "每月固定收取的套餐费用",
        ),
        StatementCategory(
            "语音通信费",
            (
                BillItem("国内长途费", rng.randrange(0, 1500)),
                BillItem("漫游被叫费", rng.randrange(0, 600)),
            ),
            "套餐外通话产生的费用",
        ),
        StatementCategory(
            "上网费", (BillItem("套餐外流量费", rng.randrange(0, 3000)),), "超出套餐的流量"
        ),
        StatementCategory(
            "短彩信费", (BillItem("网内短信", rng.randrange(0, 300)),), "套餐外短信彩信"
        ),
        StatementCategory(
            "增值业务费", (BillItem("主叫显示", 500), BillItem("彩铃", 500)), "订购的增值业务"
        ),
        StatementCategory(
            "优惠减免", (BillItem("合计费优惠", -rng.randrange(0, 800)),), "本月享受的优惠"
        ),
    )
    opening = rng.randrange(0, 20000)
    top_up = 10000
    probe = StatementMonth(month, categories)
    return StatementMonth(month, categories, opening, top_up, opening + top_up - probe.total_fen)


def sample_records(
    count: int, months: tuple[str, ...] = SAMPLE_MONTHS, seed: int = 7
) -> list[DetailRecord]:
    """``count`` itemised records spread over ``months``, all record types represented."""
    rng = random.Random(seed)
    records: list[DetailRecord] = []
    kinds = list(RecordType)
    for i in range(count):
        month = months[i % len(months)]
        year, mon = (int(p) for p in month.split("-"))
        when = dt.datetime(
            year,
            mon,
            1 + rng.randrange(28),
            rng.randrange(24),
            rng.randrange(60),
            rng.randrange(60),
        )
        kind = RecordType.CALL if i % 3 else kinds[(i // 3) % len(kinds)]
        other = f"1{rng.choice('3579')}{rng.randrange(10**9):09d}"
        place = rng.choice(_PLACES)
        if kind is RecordType.CALL:
            seconds = rng.randrange(5, 900)
            records.append(
                DetailRecord(
                    kind,
                    when,
                    0 if i % 4 else 10 * (seconds // 60 + 1),
                    location=place,
                    direction=rng.choice(("主叫", "被叫", "呼转")),
                    other_party=other,
                    duration_s=seconds,
                    call_type=rng.choice(_CALL_TYPES),
                    plan_discount="4G飞享套餐" if i % 4 else "",
                )
            )
        elif kind is RecordType.MESSAGE:
            records.append(
                DetailRecord(
                    kind,
                    when,
                    10,
                    location=place,
                    other_party=other,
                    direction=rng.choice(("发送", "接收")),
                    kind=rng.choice(("短信", "彩信")),
                    name="点对点短信",
                )
            )
        elif kind is RecordType.DATA:
            records.append(
                DetailRecord(
                    kind,
                    when,
                    rng.randrange(0, 300),
                    location=place,
                    access=rng.choice(("4G", "5G")),
                    duration_s=rng.randrange(60, 7200),
                    volume_kb=rng.randrange(1, 500000),
                    plan_discount="国内通用流量",
                )
            )
        elif kind is RecordType.FIXED:
            records.append(
                DetailRecord(
                    kind, when, 5800, name="套餐基本费", period=f"{mon:02d}-01 至 {mon:02d}-28"
                )
            )
        elif kind is RecordType.VALUE_ADDED:
            records.append(
                DetailRecord(kind, when, 500, usage="包月", name="彩铃", service_number="12530")
            )
        elif kind is RecordType.THIRD_PARTY:
            records.append(
                DetailRecord(
                    kind,
                    when,
                    1000,
                    name="手机阅读",
                    service_number="10658080",
                    provider="某某信息技术有限公司",
                    enterprise_code="801234",
                    kind="包月",
                )
            )
        else:
            records.append(DetailRecord(kind, when, -500, name="合计费优惠"))
    return records
