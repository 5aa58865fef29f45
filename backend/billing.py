"""Bill categories, their display order and the plain-language explanations customers see."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """Bill categories in display order (see the reference on operator bills)."""

    FIXED = "套餐及固定费"
    VOICE = "语音通信费"
    DATA = "上网费"
    MESSAGING = "短彩信费"
    VAS = "增值业务费"
    SP = "代收费"
    OTHER = "补收费"
    DISCOUNT = "优惠减免"


ORDER: tuple[Category, ...] = tuple(Category)

EXPLANATIONS: dict[Category, str] = {
    Category.FIXED: "每月固定收取的套餐月费及功能费，与当月使用多少无关。",
    Category.VOICE: "超出套餐所含分钟数的通话，以及不在套餐范围内的漫游、长途通话，按分钟计费，"
    "不足1分钟按1分钟计。",
    Category.DATA: "超出套餐所含流量后的上网费用，按每次上网的流量向上取整到1MB计费，"
    "因此可能略多于手机上显示的用量。",
    Category.MESSAGING: "超出套餐所含条数的短信，以及彩信的费用；接收短信免费。",
    Category.VAS: "您订购的中国移动增值业务（如来电显示、手机报）的月功能费。",
    Category.SP: "您订购或点播的第三方服务提供商的业务费用，由中国移动代为收取；"
    "如有疑问可在本机申请退费。",
    Category.OTHER: "按协议补收的费用或违约金。",
    Category.DISCOUNT: "按套餐或活动给予的优惠，以负数表示，已从合计中扣除。",
}


class Kind(StrEnum):
    """Record kinds (wire values shared with the client's RecordKind)."""

    FIXED = "fixed"
    CALL = "call"
    SMS = "sms"
    DATA = "data"
    VAS = "vas"
    SP = "sp"
    DISCOUNT = "discount"


class Factor(StrEnum):
    """Identification factors."""

    PASSWORD = "password"
    SMS = "sms"
    ID_CARD = "id_card"


class Access(StrEnum):
    """Authorisation levels of the matrix (backend/rules.py)."""

    SUMMARY = "summary"
    DETAILS = "details"
    SENSITIVE = "sensitive"


class LineStatus(StrEnum):
    """Line statuses."""

    NORMAL = "normal"
    SUSPENDED = "suspended"
    ARREARS = "arrears"


POSTPAID_BRANDS = frozenset({"全球通"})  # 神州行 and 动感地带 are pre-paid
