"""The printer test page (``kiosk printer test``): widths, sizes, code pages, QR, barcode, cut."""

from __future__ import annotations

import datetime as dt

from printer.document import (
    DOUBLE,
    TALL,
    Align,
    Barcode,
    Column,
    Columns,
    Cut,
    Document,
    KeyValue,
    QrCode,
    Rule,
    Size,
    Text,
)
from printer.profiles import PrinterProfile


def build_test_page(profile: PrinterProfile, printed_at: dt.datetime) -> Document:
    """A page that shows at a glance whether widths, Chinese mode and graphics work."""
    ruler = "".join(str(i % 10) for i in range(1, profile.columns + 1))
    return Document(
        (
            Text("打印测试页", Align.CENTER, DOUBLE, bold=True),
            Text("PRINTER TEST", Align.CENTER),
            Rule("="),
            KeyValue("型号配置", profile.name),
            KeyValue("纸宽/列数", f"{profile.paper_width_mm}mm / {profile.columns}"),
            KeyValue("流控", profile.flow_control.value),
            KeyValue("时间", f"{printed_at:%Y-%m-%d %H:%M:%S}"),
            Rule(),
            Text(ruler),
            Text("汉" * (profile.columns // 2)),
            Text("中文标点：，。、；：？！“”《》（）【】"),
            Text("金额符号：¥12.34 -> ￥12.34"),
            Text("生僻字替换：\U00020000 -> □ (不移位)|"),
            Columns(
                ("左对齐", "居中", "右对齐"),
                (Column(1), Column(1, Align.CENTER), Column(1, Align.RIGHT)),
            ),
            Text("粗体 BOLD", bold=True),
            Text("倍高 TALL", size=TALL),
            Text("倍宽倍高", size=DOUBLE),
            Text("三倍宽", size=Size(3, 1)),
            Text("居中 CENTER", Align.CENTER),
            Text("靠右 RIGHT", Align.RIGHT),
            Rule(),
            QrCode("https://www.10086.cn/", module_size=5),
            Barcode("TEST-0123456789", height=60),
            Text("测试完成", Align.CENTER, bold=True),
            Cut(),
        ),
        "打印测试页",
    )
