"""The operator's 入网协议 (network access agreement) clauses a transaction asks consent to.

The texts are the operator's: terminals fetch them (``GET /v1/agreements/{topic}``) and show
them before the second confirmation. A mutation names the version the customer read; only
the current version is accepted, and the consent is recorded in the mutation's own database
transaction (so it exists exactly when the mutation does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert

from backend.db import tables as t
from backend.ops import errors as e


@dataclass(frozen=True, slots=True)
class Agreement:
    """One clause set of the agreement, as shown and as consented to."""

    topic: str
    version: str
    title: str
    text: str
    # The same clauses in English, for a customer reading the kiosk in English (the Chinese
    # text is the binding one; the consent names the version, which covers both).
    title_en: str = ""
    text_en: str = ""


PLAN_CHANGE = Agreement(
    topic="plan_change",
    version="2026.11",
    title="《中国移动客户入网服务协议》套餐变更条款",
    text=(
        "一、生效时间：新套餐自下月1日起生效，本月仍按原套餐计费，已订购的业务继续保留。\n"
        "二、资费：新套餐按月收取月费，套餐外的通话、短信和流量按新套餐的标准收费，"
        "资费以受理单和官方公布的标准为准。\n"
        "三、撤销：生效前您可以在自助终端、营业厅或拨打10086改回原套餐，不收取任何费用。\n"
        "四、咨询与投诉：如有疑问，请拨打10086或到营业厅咨询；我们会在48小时内答复您的投诉。"
    ),
    title_en="China Mobile Customer Network Access Agreement: plan change terms",
    text_en=(
        "1. Start: the new plan starts on the 1st of next month; this month is still billed on"
        " your current plan, and the services you ordered stay.\n"
        "2. Charges: the new plan's monthly fee is charged every month; calls, texts and data"
        " beyond the plan are charged at the new plan's rates, as on your receipt and the"
        " published tariff.\n"
        "3. Undo: before it starts you can go back to your current plan at a kiosk, in a hall"
        " or by calling 10086, free of charge.\n"
        "4. Questions and complaints: call 10086 or ask in a hall; we answer complaints within"
        " 48 hours."
    ),
)

SERVICE_ORDER = Agreement(
    topic="service_order",
    version="2026.11",
    title="《中国移动客户入网服务协议》增值业务订购条款",
    text=(
        "一、生效时间：我们会向您的手机发送短信验证码，输入验证码确认后业务立即生效；"
        "未确认的订购不会开通。\n"
        "二、收费：业务开通后次月起按月收费，月费以确认页面和受理单上的金额为准，"
        "本月不收取月费。\n"
        "三、退订：您可以随时在自助终端、营业厅或拨打10086退订，退订后下月起不再收费。\n"
        "四、咨询与投诉：对扣费有疑问，请拨打10086；经核实多收的费用，将双倍返还。"
    ),
    title_en="China Mobile Customer Network Access Agreement: service order terms",
    text_en=(
        "1. Start: we send a code by text message to your phone; the service starts as soon as"
        " you enter the code. An order you do not confirm is not opened.\n"
        "2. Charges: the monthly fee is charged from the month after the service starts, at"
        " the amount on the confirmation page and your receipt; nothing is charged this"
        " month.\n"
        "3. Cancel: cancel any time at a kiosk, in a hall or by calling 10086; no fee from the"
        " month after you cancel.\n"
        "4. Questions and complaints: call 10086 about a charge; an overcharge we confirm is"
        " refunded twice over."
    ),
)

AGREEMENTS: dict[str, Agreement] = {a.topic: a for a in (PLAN_CHANGE, SERVICE_ORDER)}

OUTDATED_DETAIL = "协议已更新，请重新阅读并确认"


def current(topic: str) -> Agreement:
    """The agreement now in force for ``topic``; NotFound for an unknown topic."""
    agreement = AGREEMENTS.get(topic)
    if agreement is None:
        raise e.NotFound("没有该协议", field="topic")
    return agreement


def require_current(topic: str, version: str) -> Agreement:
    """The agreement, if ``version`` is the one in force; else 409 agreement_outdated."""
    agreement = current(topic)
    if version != agreement.version:
        raise e.AgreementOutdated(OUTDATED_DETAIL, topic=topic, current_version=agreement.version)
    return agreement


def record_consent(
    conn: Connection,
    agreement: Agreement,
    *,
    line_id: int,
    terminal_id: str,
    reference: str,
    at: dt.datetime,
) -> None:
    """Write the consent row (call inside the mutation's transaction)."""
    conn.execute(
        insert(t.consents).values(
            line_id=line_id,
            topic=agreement.topic,
            version=agreement.version,
            terminal_id=terminal_id,
            reference=reference,
            at=at,
        )
    )
