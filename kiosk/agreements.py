"""入网协议 (network access agreement): the topics that need consent and the receipt line.

The texts are the operator's and come from the backend (``BackendClient.agreement``); the
kiosk shows them before the second confirmation and names the accepted version on the call.
"""

from __future__ import annotations

from kiosk.backend import models as m

PLAN_CHANGE = "plan_change"
SERVICE_ORDER = "service_order"


def consent_note(agreement: m.Agreement) -> str:
    """The 业务受理单 line, e.g.
    已阅读并同意《中国移动客户入网服务协议》套餐变更条款（版本 2026.11）."""
    return f"已阅读并同意{agreement.title}（版本 {agreement.version}）"
