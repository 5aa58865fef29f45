"""Value-added services (增值业务): what the customer holds, what may be ordered, and the
业务受理单 of an order or a cancellation. Pure; no Qt, no I/O.

The receipts are Chinese data (the operator's printed form), whatever the screen language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from common.money import format_fen
from kiosk.agreements import consent_note
from kiosk.backend import models as m
from printer import statement as st
from printer.receipts.transaction import TransactionReceipt

ORDER_BUSINESS = "增值业务订购"
CANCEL_BUSINESS = "增值业务退订"
THIRD_PARTY = "代收费"
HOW_TO_CANCEL = "可随时退订：自助终端「我的业务」一键退订，或拨打10086。"


def is_third_party(service: m.Service) -> bool:
    """An SP service billed by the operator on the provider's behalf (代收费)."""
    return service.kind is m.ServiceKind.SP


def is_active(subscription: m.Subscription) -> bool:
    """Still running with no end booked (a cancelled one runs until ``ends_on``)."""
    return subscription.ends_on is None


def monthly_total_fen(subscriptions: Iterable[m.Subscription]) -> int:
    """What the active subscriptions cost each month (cancelled ones no longer count)."""
    return sum(s.service.monthly_fee_fen for s in subscriptions if is_active(s))


def orderable(services: m.ServiceList) -> list[m.Service]:
    """The catalogue minus what the line holds (a cancelled service runs to its month end
    and cannot be ordered again before)."""
    held = {s.service.code for s in services.subscriptions}
    return [s for s in services.catalogue if s.code not in held]


def with_change(services: m.ServiceList, change: m.ServiceChange) -> m.ServiceList:
    """The list after an order or a cancellation, without asking the backend again."""
    sub = change.subscription
    code = sub.service.code
    subs = list(services.subscriptions)
    index = next((i for i, s in enumerate(subs) if s.service.code == code), None)
    if index is None:
        subs.append(sub)
    else:
        subs[index] = sub
    catalogue = tuple(s for s in services.catalogue if s.code != code)
    return m.ServiceList(subscriptions=tuple(subs), catalogue=catalogue)


def quote_expired(quote: m.OrderQuote, now: dt.datetime) -> bool:
    """The quote (and its SMS code) can no longer be confirmed: the order starts again."""
    return now >= quote.expires_at


def provider_text(service: m.Service) -> str:
    """The provider as printed: SP services say they are billed on the provider's behalf."""
    return f"{service.sp_name}（{THIRD_PARTY}）" if is_third_party(service) else service.sp_name


def _fee(service: m.Service) -> str:
    return f"{format_fen(service.monthly_fee_fen)}/月"


def order_receipt(
    change: m.ServiceChange,
    quote: m.OrderQuote,
    terminal: st.Terminal,
    customer: st.Customer,
    time: dt.datetime,
    agreement: m.Agreement | None = None,
) -> TransactionReceipt:
    """The 业务受理单 after an order confirmed with the SMS code (二次确认), naming the
    agreement the customer accepted when given."""
    sub = change.subscription
    service = sub.service
    details = (
        ("业务名称", service.name),
        ("服务提供方", provider_text(service)),
        ("服务号码", service.service_number),
        ("资费标准", _fee(service)),
        ("计费方式", quote.period),
        ("开通日期", sub.started_on.isoformat()),
        ("开始收费", quote.starts_on.isoformat()),
        ("确认方式", "二次确认（短信验证码）"),
    )
    return TransactionReceipt(
        terminal=terminal,
        customer=customer,
        business=ORDER_BUSINESS,
        transaction_no=change.transaction_id,
        time=time,
        details=details,
        notes=(
            quote.confirmation_text,
            HOW_TO_CANCEL,
            *((consent_note(agreement),) if agreement is not None else ()),
        ),
    )


def cancel_receipt(
    change: m.ServiceChange,
    terminal: st.Terminal,
    customer: st.Customer,
    time: dt.datetime,
) -> TransactionReceipt:
    """The 业务受理单 after a one-tap cancellation (the service runs to ``ends_on``)."""
    sub = change.subscription
    service = sub.service
    details = [
        ("业务名称", service.name),
        ("服务提供方", provider_text(service)),
        ("服务号码", service.service_number),
        ("资费标准", _fee(service)),
        ("开通日期", sub.started_on.isoformat()),
    ]
    notes: tuple[str, ...] = ()
    if sub.ends_on is not None:
        details.append(("停止日期", sub.ends_on.isoformat()))
        next_day = sub.ends_on + dt.timedelta(days=1)
        notes = (f"本业务使用至{sub.ends_on:%Y-%m-%d}，自{next_day:%Y-%m-%d}起不再收取月费。",)
    return TransactionReceipt(
        terminal=terminal,
        customer=customer,
        business=CANCEL_BUSINESS,
        transaction_no=change.transaction_id,
        time=time,
        details=tuple(details),
        notes=notes,
    )
