"""Column definitions of itemised records, shared by the detail slip and the PDF statement.

Each record type has the full reference columns (for the A4 PDF) and a compact subset that
fits a 48- or 32-column receipt. Cells are produced by small functions of the record, so
masking of other-party numbers is decided once, by the caller's flag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from common.masking import mask_other_party
from common.money import format_yuan
from printer.statement import DetailRecord, RecordType, format_duration, format_volume

Cell = Callable[[DetailRecord, bool], str]


@dataclass(frozen=True)
class DetailColumn:
    """A column: header, cell function ``(record, mask_other_party) -> str``, width weight.

    ``attr`` names the record field when the cell is just that field (lets the PDF use a
    C-level attribute getter on 10,000-row statements).
    """

    header: str
    cell: Cell
    weight: int = 2
    right: bool = False
    attr: str = ""


# explicit fields: strftime is several times slower and these run once per record


def _time(r: DetailRecord, _: bool) -> str:
    t = r.time
    return f"{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}:{t.second:02d}"


def _short_time(r: DetailRecord, _: bool) -> str:
    t = r.time
    return f"{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def _date(r: DetailRecord, _: bool) -> str:
    return f"{r.time:%Y-%m-%d}"


def _other(r: DetailRecord, mask: bool) -> str:
    return mask_other_party(r.other_party) if mask else r.other_party


@lru_cache(maxsize=4096)
def _yuan(fen: int) -> str:
    return format_yuan(fen)  # the same few amounts repeat across thousands of records


def _fee(r: DetailRecord, _: bool) -> str:
    return _yuan(r.fee_fen)


def _field(name: str) -> Cell:
    def cell(r: DetailRecord, _: bool) -> str:
        return str(getattr(r, name))

    return cell


def _col(header: str, name: str, weight: int = 2) -> DetailColumn:
    """A column showing one text field of the record as is."""
    return DetailColumn(header, _field(name), weight, attr=name)


def _duration(r: DetailRecord, _: bool) -> str:
    return format_duration(r.duration_s)


def _volume(r: DetailRecord, _: bool) -> str:
    return format_volume(r.volume_kb)


FEE = DetailColumn("通信费(元)", _fee, 2, right=True)

FULL_COLUMNS: dict[RecordType, tuple[DetailColumn, ...]] = {
    RecordType.FIXED: (
        DetailColumn("扣费日期", _date),
        _col("使用周期", "period"),
        _col("名称", "name", 4),
        DetailColumn("金额(元)", _fee, 2, right=True),
    ),
    RecordType.CALL: (
        DetailColumn("起始时间", _time, 3),
        _col("通信地点", "location"),
        _col("通信方式", "direction"),
        DetailColumn("对方号码", _other, 3),
        DetailColumn("通信时长", _duration),
        _col("通信类型", "call_type"),
        _col("套餐优惠", "plan_discount", 3),
        FEE,
    ),
    RecordType.MESSAGE: (
        DetailColumn("起始时间", _time, 3),
        _col("通信地点", "location"),
        DetailColumn("对方号码", _other, 3),
        _col("通信方式", "direction"),
        _col("信息类型", "kind"),
        _col("业务名称", "name"),
        _col("套餐优惠", "plan_discount", 3),
        FEE,
    ),
    RecordType.DATA: (
        DetailColumn("起始时间", _time, 3),
        _col("通信地点", "location"),
        _col("上网方式", "access"),
        DetailColumn("时长", _duration),
        DetailColumn("流量", _volume),
        _col("套餐优惠", "plan_discount", 3),
        FEE,
    ),
    RecordType.VALUE_ADDED: (
        DetailColumn("时间", _time, 3),
        _col("使用方式", "usage"),
        _col("业务名称", "name", 3),
        _col("服务号码/端口", "service_number", 3),
        DetailColumn("费用(元)", _fee, 2, right=True),
    ),
    RecordType.THIRD_PARTY: (
        DetailColumn("时间", _time, 3),
        _col("业务名称", "name", 3),
        _col("服务号码/端口", "service_number", 3),
        _col("服务提供商", "provider", 3),
        _col("企业代码", "enterprise_code"),
        _col("费用类型", "kind"),
        DetailColumn("费用(元)", _fee, 2, right=True),
    ),
    RecordType.DISCOUNT: (
        DetailColumn("时间", _time, 3),
        _col("减免类型", "name", 4),
        DetailColumn("减免金额(元)", _fee, 2, right=True),
    ),
}

_SLIP_FEE = DetailColumn("费用", _fee, 3, right=True)

SLIP_COLUMNS: dict[RecordType, tuple[DetailColumn, ...]] = {
    RecordType.FIXED: (
        DetailColumn("日期", _short_time, 5),
        _col("名称", "name", 7),
        _SLIP_FEE,
    ),
    RecordType.CALL: (
        DetailColumn("时间", _short_time, 6),
        _col("方式", "direction", 2),
        DetailColumn("对方号码", _other, 6),
        DetailColumn("时长", _duration, 4),
        _SLIP_FEE,
    ),
    RecordType.MESSAGE: (
        DetailColumn("时间", _short_time, 6),
        _col("方式", "direction", 2),
        DetailColumn("对方号码", _other, 6),
        _col("类型", "kind", 3),
        _SLIP_FEE,
    ),
    RecordType.DATA: (
        DetailColumn("时间", _short_time, 6),
        _col("方式", "access", 2),
        DetailColumn("时长", _duration, 4),
        DetailColumn("流量", _volume, 4),
        _SLIP_FEE,
    ),
    RecordType.VALUE_ADDED: (
        DetailColumn("时间", _short_time, 6),
        _col("业务名称", "name", 8),
        _SLIP_FEE,
    ),
    RecordType.THIRD_PARTY: (
        DetailColumn("时间", _short_time, 6),
        _col("业务名称", "name", 6),
        _col("类型", "kind", 2),
        _SLIP_FEE,
    ),
    RecordType.DISCOUNT: (
        DetailColumn("时间", _short_time, 6),
        _col("减免类型", "name", 8),
        _SLIP_FEE,
    ),
}


def type_summary(record_type: RecordType, records: list[DetailRecord]) -> tuple[str, ...]:
    """The per-type totals as parts: count, duration or volume, fee (小计)."""
    fee = f"合计{format_yuan(sum(r.fee_fen for r in records))}元"
    if record_type is RecordType.CALL:
        duration = format_duration(sum(r.duration_s for r in records))
        return (f"共{len(records)}次", f"时长{duration}", fee)
    if record_type is RecordType.MESSAGE:
        sms = sum(1 for r in records if r.kind != "彩信")
        return (f"短信{sms}条", f"彩信{len(records) - sms}条", fee)
    if record_type is RecordType.DATA:
        volume = format_volume(sum(r.volume_kb for r in records))
        return (f"共{len(records)}次", f"流量{volume}", fee)
    return (f"共{len(records)}笔", fee)
