"""我的业务 fits a 1080p screen in standard and large-text mode: the lists with a result and
the print panel, the order question with the agreement (入网协议) and its consent button,
and the SMS code entry with an error showing."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from common.hall_time import HALL_TZ, hall_now
from kiosk.backend import models as m
from kiosk.backend.factors import Factor
from kiosk.config import Config, UiConfig
from kiosk.session import Customer
from tests.fixtures.backend_stub import StubBackend
from tests.fixtures.qt import show_painted
from tests.ui.walk_audit import settle
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Services
from ui.screens.services.install import features as install_services
from ui.screens.services.services import ServicesScreen
from ui.shell import Shell

PHONE = "13800138000"


def _service(code: str, name: str, kind: m.ServiceKind, sp: str, fee: int, about: str) -> m.Service:
    return m.Service(code, name, kind, sp, "10658888", fee, about)


SP = m.ServiceKind.SP
VAS = m.ServiceKind.VAS
HELD = (
    _service("CLIP", "来电显示", VAS, "中国移动", 500, "来电时显示对方号码"),
    _service("SJB", "手机报", VAS, "中国移动", 300, "每日早晚两期新闻彩信"),
    _service("YYSTT", "音乐随身听", SP, "北京乐享天成科技有限公司", 1000, "包月无限量收听正版音乐"),
    _service("SJYD", "手机阅读", VAS, "咪咕数字传媒有限公司", 500, "包月畅读精选书库"),
)
OFFERED = (
    _service("CL", "彩铃", VAS, "中国移动", 500, "对方呼叫您时听到您设置的音乐"),
    _service(
        "SPCLHY", "视频彩铃会员", SP, "上海星视文化传播有限公司", 1500, "视频彩铃素材库包月会员"
    ),
    _service("YXJSB", "游戏加速包", SP, "深圳极速互娱网络有限公司", 600, "手游网络加速，包月"),
)


class _Backend(StubBackend):
    """Answers the screen's reads and the order's first step with fixed data."""

    def services(self) -> m.ServiceList:
        subs = tuple(
            m.Subscription(s, dt.date(2021, 7, 15), dt.date(2026, 11, 30) if i == 1 else None)
            for i, s in enumerate(HELD)
        )
        return m.ServiceList(subs, OFFERED)

    def agreement(self, topic: str) -> m.Agreement:
        paragraphs = (
            "一、生效时间：输入短信验证码确认后业务立即生效；未确认的订购不会开通。",
            "二、收费：业务开通后次月起按月收费，月费以确认页面和受理单上的金额为准。",
            "三、退订：您可以随时在自助终端、营业厅或拨打10086退订，退订后下月起不再收费。",
            "四、咨询与投诉：对扣费有疑问，请拨打10086；经核实多收的费用，将双倍返还。",
        )
        title = "《中国移动客户入网服务协议》增值业务订购条款"
        return m.Agreement(topic, "2026.11", title, "\n".join(paragraphs))

    def order_service(
        self, code: str, agreement_version: str, idempotency_key: str | None = None
    ) -> m.OrderQuote:
        service = next(s for s in OFFERED if s.code == code)
        return m.OrderQuote(
            "Q1",
            service,
            f"您选择订购：{service.name}（¥15.00/月）。确认后次月起按月收费，可随时退订。",
            service.monthly_fee_fen,
            "次月起按月收费",
            dt.date(2026, 12, 1),
            hall_now() + dt.timedelta(minutes=5),
        )

    def close(self) -> None:
        pass


@pytest.fixture(params=[False, True], ids=["standard", "large-text"])
def shell(request: pytest.FixtureRequest, app: QApplication) -> Iterator[Shell]:
    config = Config(ui=UiConfig(large_text=request.param, fullscreen=False))
    services = Services(backend=BackendHandle(_Backend))
    options = ShellOptions(runner=SyncRunner(), services=services, installers=[install_services])
    built = build_shell(config, app, options)
    show_painted(built)
    built.ctx.sessions.identify(Customer(PHONE, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS}))
    yield built
    teardown(built)
    QApplication.processEvents()


def _fits(shell: Shell, what: str) -> None:
    settle()  # the rows' wrapped words take a few layout passes inside the scrolled page
    assert shell.window.minimumSizeHint().height() <= 1080, what
    assert shell.window.height() == 1080, what
    folder = os.environ.get("SERVICES_FIT_SHOTS")  # look at them while working on the screen
    if folder:
        mode = "large" if shell.large_text else "standard"
        shell.window.grab().save(str(Path(folder) / f"services-{what}-{mode}.png"))


def test_services_screen_fits_1080p(shell: Shell) -> None:
    shell.navigator.go("services")
    screen = shell.navigator.current
    assert isinstance(screen, ServicesScreen)
    assert len(screen.subscribed.rows) == 4 and len(screen.catalogue.rows) == 3
    _fits(shell, "list")
    screen.state.done = (
        m.ServiceChange("TX1", m.Subscription(HELD[0], dt.date(2019, 4, 2), dt.date(2026, 11, 30))),
        None,
    )
    screen._show_result()
    screen.print_panel.offer(lambda: None, None)  # type: ignore[arg-type, return-value]
    screen.show_error(shell.ctx.tr("error.unavailable"))
    _fits(shell, "result")
    screen.order_buttons["SPCLHY"].click()
    assert screen.confirm.isVisible() and screen.confirm.agreement_scroll.isVisible()
    assert screen.confirm.consent_button.height() >= 84
    screen.show_error(shell.ctx.tr("agreement.updated"))
    _fits(shell, "confirm")
    screen.confirm.consent_button.click()
    _fits(shell, "confirm-agreed")
    screen.confirm.confirm_button.click()
    assert screen.code_page.isVisible()
    screen.show_error(shell.ctx.tr("error.wrong_code", n=2))
    _fits(shell, "code")
    assert screen.code_page.quote is not None
    assert screen.code_page.quote.expires_at.tzinfo == HALL_TZ


def test_unsubscribe_buttons_are_whole_and_its_question_fits(shell: Shell) -> None:
    """Issue 13: 退订 was drawn half cut off, said "Cancel" in English and cancelled at once."""
    shell.ctx.translator.set_locale("en")
    try:
        shell.navigator.go("services")
        screen = shell.navigator.current
        assert isinstance(screen, ServicesScreen)
        _fits(shell, "list-en")
        assert screen.cancel_buttons
        for button in screen.cancel_buttons.values():
            assert button.text() == "Unsubscribe"
            assert button.isVisible() and button.width() >= button.sizeHint().width()
            # Whole inside its own row, its text never squeezed.
            row = next(r for r in screen.subscribed.rows if r.isAncestorOf(button))
            bottom = button.mapTo(row, button.rect().bottomRight())
            assert bottom.y() < row.height() and bottom.x() < row.width()
        next(iter(screen.cancel_buttons.values())).click()
        assert screen.confirm.isVisible() and screen.confirm.title.text().startswith(
            "Unsubscribe from"
        )
        _fits(shell, "unsubscribe-en")
    finally:
        shell.ctx.translator.set_locale("zh_CN")
