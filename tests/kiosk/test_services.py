"""Value-added services: what may be ordered, the list after a change, quote expiry, and
the 业务受理单 of an order and of a cancellation."""

from __future__ import annotations

import datetime as dt

from common.hall_time import HALL_TZ
from kiosk import services as ks
from kiosk.backend import models as m
from printer import statement as st
from printer.receipts import build_transaction_receipt

CLIP = m.Service(
    "CLIP", "来电显示", m.ServiceKind.VAS, "中国移动", "10086", 500, "来电时显示对方号码"
)
MUSIC = m.Service(
    "YYSTT", "音乐随身听", m.ServiceKind.SP, "北京乐享天成科技有限公司", "10658888", 1000, "包月"
)
RING = m.Service("CL", "彩铃", m.ServiceKind.VAS, "中国移动", "12530", 500, "彩铃")
TERMINAL = st.Terminal("中国移动通信集团北京有限公司", "北京朝阳建国路营业厅", "KIOSK-01")
CUSTOMER = st.Customer("张*峰", "13800138000", "全球通")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=HALL_TZ)


def _list() -> m.ServiceList:
    return m.ServiceList(
        (
            m.Subscription(CLIP, dt.date(2019, 4, 2), None),
            m.Subscription(MUSIC, dt.date(2023, 5, 2), dt.date(2026, 11, 30)),
        ),
        (MUSIC, RING),  # a stale catalogue may still offer what the line holds
    )


def _quote() -> m.OrderQuote:
    return m.OrderQuote(
        "Q1",
        RING,
        "您选择订购：彩铃（¥5.00/月）。确认后次月起按月收费，可随时退订。",
        500,
        "次月起按月收费",
        dt.date(2026, 12, 1),
        NOW + dt.timedelta(minutes=5),
    )


def test_cancelled_services_no_longer_count_and_held_ones_are_not_offered() -> None:
    services = _list()
    assert ks.monthly_total_fen(services.subscriptions) == 500
    assert [s.code for s in ks.orderable(services)] == ["CL"]
    assert ks.provider_text(MUSIC) == "北京乐享天成科技有限公司（代收费）"
    assert ks.provider_text(CLIP) == "中国移动"


def test_the_list_after_an_order_and_a_cancellation() -> None:
    ordered = ks.with_change(
        _list(), m.ServiceChange("TX1", m.Subscription(RING, dt.date(2026, 11, 25), None))
    )
    assert [s.service.code for s in ordered.subscriptions] == ["CLIP", "YYSTT", "CL"]
    assert ks.orderable(ordered) == []
    cancelled = ks.with_change(
        ordered,
        m.ServiceChange("TX2", m.Subscription(CLIP, dt.date(2019, 4, 2), dt.date(2026, 11, 30))),
    )
    assert cancelled.subscriptions[0].ends_on == dt.date(2026, 11, 30)
    assert ks.monthly_total_fen(cancelled.subscriptions) == 500


def test_a_quote_expires_with_its_code() -> None:
    quote = _quote()
    assert not ks.quote_expired(quote, NOW + dt.timedelta(minutes=4, seconds=59))
    assert ks.quote_expired(quote, NOW + dt.timedelta(minutes=5))


def test_order_receipt_names_price_period_and_start() -> None:
    change = m.ServiceChange("TX9", m.Subscription(RING, dt.date(2026, 11, 25), None))
    receipt = ks.order_receipt(change, _quote(), TERMINAL, CUSTOMER, NOW)
    details = dict(receipt.details)
    assert receipt.business == "增值业务订购" and receipt.transaction_no == "TX9"
    assert details["资费标准"] == "¥5.00/月" and details["开始收费"] == "2026-12-01"
    assert details["计费方式"] == "次月起按月收费"
    assert receipt.notes[0] == _quote().confirmation_text
    text = build_transaction_receipt(receipt, NOW).title
    assert text == "业务受理单"


def test_cancel_receipt_says_until_when() -> None:
    change = m.ServiceChange(
        "TX3", m.Subscription(MUSIC, dt.date(2023, 5, 2), dt.date(2026, 11, 30))
    )
    receipt = ks.cancel_receipt(change, TERMINAL, CUSTOMER, NOW)
    details = dict(receipt.details)
    assert receipt.business == "增值业务退订"
    assert details["服务提供方"] == "北京乐享天成科技有限公司（代收费）"
    assert details["停止日期"] == "2026-11-30"
    assert receipt.notes == ("本业务使用至2026-11-30，自2026-12-01起不再收取月费。",)


def test_order_receipt_names_the_accepted_agreement() -> None:
    change = m.ServiceChange("TX9", m.Subscription(RING, dt.date(2026, 11, 25), None))
    terms = m.Agreement(
        "service_order", "2026.11", "《中国移动客户入网服务协议》增值业务订购条款", "…"
    )
    receipt = ks.order_receipt(change, _quote(), TERMINAL, CUSTOMER, NOW, terms)
    assert receipt.notes[-1] == (
        "已阅读并同意《中国移动客户入网服务协议》增值业务订购条款（版本 2026.11）"
    )
    assert (
        ks.order_receipt(change, _quote(), TERMINAL, CUSTOMER, NOW).notes[-1] != (receipt.notes[-1])
    )
