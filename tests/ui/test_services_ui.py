"""我的业务 against a private reference backend: the lists, one-tap unsubscribe with its
receipt, ordering with the second confirmation and the SMS code (wrong code, expired quote),
the way up to ID card + SMS for ordering, English, and the wipe at session end."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from backend.agreements import SERVICE_ORDER
from common.months import month_end, month_of, next_month_start
from emulators.printer.emulator import PrinterEmulator
from kiosk.backend.client import BackendClient
from kiosk.backend.factors import Access, Factor
from kiosk.config import Config
from kiosk.devices.printer.receipt_printer import SerialReceiptPrinter
from kiosk.i18n import load_catalogue
from kiosk.idle import ScreenKind
from kiosk.journal import EntryStatus, Journal
from kiosk.session import Customer, EndReason
from tests.fixtures.live_backend import (
    DEMO_PASSWORD,
    DEMO_TODAY,
    LiveBackend,
    identify_fully,
    start_backend,
)
from tests.fixtures.qt import ManualClock, show_painted
from ui.app import ShellOptions, build_shell, teardown
from ui.background import SyncRunner
from ui.context import BackendHandle, Lazy, Services
from ui.devices.printer import PrinterAdapter
from ui.screens.identify.screen import IdentifyScreen
from ui.screens.services.install import features as install_services
from ui.screens.services.services import ServicesScreen
from ui.screens.services.state import ServicesState
from ui.shell import Shell

ZHANG = "13800138000"  # 来电显示, 手机报, 音乐随身听 (代收费)
LI = "13912345678"  # 来电显示; password only in these tests
ROOT = Path(__file__).resolve().parents[2]
# Counted from the backend's pinned business date: cancelled services run to the month end,
# orders are billed from the next month's 1st.
MONTH_END = month_end(month_of(DEMO_TODAY)).isoformat()
NEXT_START = next_month_start(month_of(DEMO_TODAY)).isoformat()
KEY = re.compile(r"""["'](services\.[a-z0-9_.]+|feature\.services(?:_sub)?)["']""")


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveBackend]:
    # Its own instance: cancellations and orders change the lines' subscriptions.
    with start_backend(
        tmp_path_factory.mktemp("services-backend"),
        customers=1,
        heavy_per_month=50,
        sms_resend_after_s=0,
    ) as live:
        yield live


@pytest.fixture(scope="module")
def printer_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrinterEmulator]:
    base = tmp_path_factory.mktemp("services-printer")
    with PrinterEmulator(base / "receipts", link_path=base / "ttyPRN") as emulator:
        yield emulator


@dataclasses.dataclass
class Kiosk:
    shell: Shell
    client: BackendClient
    journal: Journal


def _kiosk(
    app: QApplication,
    config: Config,
    clock: ManualClock,
    client: BackendClient,
    printer: PrinterEmulator,
    tmp_path: Path,
    customer: Customer,
) -> Iterator[Kiosk]:
    adapter = PrinterAdapter(SerialReceiptPrinter(str(printer.port_path), "generic-80"))
    journal = Journal(tmp_path / "journal.sqlite3")
    services = Services(
        backend=BackendHandle(lambda: client),
        printer=adapter,
        journal=Lazy(lambda: journal, lambda _j: None),
    )
    options = ShellOptions(
        runner=SyncRunner(), clock=clock, installers=[install_services], services=services
    )
    shell = build_shell(config, app, options)
    show_painted(shell)
    shell.ctx.sessions.identify(customer)
    yield Kiosk(shell, client, journal)
    adapter.stop()
    teardown(shell)
    journal.close()
    QApplication.processEvents()


@pytest.fixture
def zhang(
    app: QApplication,
    config: Config,
    clock: ManualClock,
    backend: LiveBackend,
    printer_emulator: PrinterEmulator,
    tmp_path: Path,
) -> Iterator[Kiosk]:
    client = backend.client()
    identify_fully(backend, client, ZHANG)
    customer = Customer(ZHANG, "张*峰", "全球通", {Factor.ID_CARD, Factor.SMS})
    yield from _kiosk(app, config, clock, client, printer_emulator, tmp_path, customer)
    client.close()


def _open(kiosk: Kiosk) -> ServicesScreen:
    kiosk.shell.open_feature("services")
    screen = kiosk.shell.navigator.current
    assert isinstance(screen, ServicesScreen)
    assert screen.state.services is not None
    return screen


def _texts(row: QWidget) -> str:
    return " | ".join(label.text() for label in row.findChildren(QLabel))


def _row(screen: ServicesScreen, name: str) -> str:
    rows = [*screen.subscribed.rows, *screen.catalogue.rows]
    return next(t for t in map(_texts, rows) if t.startswith(name))


def _type(screen: ServicesScreen, code: str) -> None:
    keypad = screen.code_page.keypad
    for digit in code:
        keypad.digit_button(digit).click()
    keypad.submit_button().click()


def _subscription(backend: LiveBackend, phone: str, code: str) -> list[tuple[object, ...]]:
    return backend.query(
        "SELECT s.started_on, s.ends_on FROM subscriptions s JOIN lines l ON l.id = s.line_id"
        " WHERE l.number = ? AND s.service_code = ?",
        phone,
        code,
    )


def test_the_list_shows_fees_providers_and_dates(zhang: Kiosk) -> None:
    screen = _open(zhang)
    assert screen.subscribed.heading.text() == "已订购的业务（每月共 ¥18.00）"
    assert _row(screen, "来电显示") == "来电显示 | 中国移动 · 2019-04-02 开通 | ¥5.00/月"
    assert "北京乐享天成科技有限公司（代收费）" in _row(screen, "音乐随身听")
    assert set(screen.cancel_buttons) == {"CLIP", "SJB", "YYSTT"}
    assert set(screen.order_buttons) == {"CL", "SJYD", "SPCLHY", "YXJSB"}
    assert "¥15.00/月" in _row(screen, "视频彩铃会员")
    assert screen.kind is ScreenKind.ORDINARY


def test_unsubscribing_asks_once_more_and_offers_the_receipt(
    zhang: Kiosk, backend: LiveBackend, printer_emulator: PrinterEmulator
) -> None:
    screen = _open(zhang)
    screen.cancel_buttons["SJB"].click()  # one tap only asks (issue 13: it used to cancel)
    assert screen.confirm.isVisible() and screen.lists.isHidden()
    assert screen.confirm.title.text() == "确定要退订「手机报」吗？"
    assert screen.confirm.confirm_button.text() == "确认退订"
    assert ("停止时间", "本月底停止，下月起不再收月费") in screen.confirm.rows
    assert _subscription(backend, ZHANG, "SJB") == [("2021-07-15", None)]  # nothing sent
    screen.confirm.cancel_button.click()  # changed their mind
    assert screen.lists.isVisible() and "SJB" in screen.cancel_buttons
    assert _subscription(backend, ZHANG, "SJB") == [("2021-07-15", None)]
    screen.cancel_buttons["SJB"].click()
    screen.confirm.confirm_button.click()
    assert screen.confirm.isHidden()
    assert _subscription(backend, ZHANG, "SJB") == [("2021-07-15", MONTH_END)]
    assert screen.result.text() == f"已退订「手机报」。可以用到 {MONTH_END}，以后不再收月费。"
    assert f"已退订\n{MONTH_END} 停止" in _row(screen, "手机报")
    assert "SJB" not in screen.cancel_buttons
    assert screen.subscribed.heading.text() == "已订购的业务（每月共 ¥15.00）"
    assert screen.kind is ScreenKind.FINISHED
    change, quote = screen.state.done or (None, None)
    assert change is not None and quote is None
    [entry] = zhang.journal.recent()
    assert (entry.kind, entry.status, entry.transaction_id, entry.amount_fen) == (
        "service_cancel",
        EntryStatus.DONE,
        change.transaction_id,
        None,
    )
    assert backend.query(
        "SELECT kind, detail FROM transactions WHERE transaction_id = ?", change.transaction_id
    ) == [("service_cancel", "SJB")]
    before = len(printer_emulator.receipts())
    screen.receipt_button.click()
    panel = screen.print_panel
    assert panel.state == "offered"
    panel.confirm_button.click()
    text = printer_emulator.wait_for_receipts(before + 1, timeout=20)[-1].text
    assert "增值业务退订" in text and "手机报" in text and MONTH_END in text
    assert change.transaction_id in text and "138****8000" in text and ZHANG not in text


def test_an_order_needs_the_question_and_the_sms_code(zhang: Kiosk, backend: LiveBackend) -> None:
    screen = _open(zhang)
    quotes_before = backend.query("SELECT count(*) FROM order_quotes")
    screen.order_buttons["CL"].click()
    assert screen.confirm.isVisible() and screen.lists.isHidden()
    assert screen.confirm.title.text().startswith("您选择订购：彩铃（¥5.00/月）")
    assert ("月费", "¥5.00/月") in screen.confirm.rows
    # The operator's order terms (入网协议), and 确认办理 only after 我已阅读并同意.
    assert screen.confirm.agreement_title.text() == SERVICE_ORDER.title
    assert "10086" in screen.confirm.agreement_text.text()
    assert not screen.confirm.confirm_button.isEnabled()
    assert backend.query("SELECT count(*) FROM order_quotes") == quotes_before  # nothing sent
    screen.confirm.cancel_button.click()  # changed their mind: back to the lists
    assert screen.lists.isVisible() and backend.query("SELECT count(*) FROM order_quotes") == (
        quotes_before
    )
    screen.order_buttons["CL"].click()
    screen.confirm.consent_button.click()
    screen.confirm.confirm_button.click()
    assert screen.code_page.isVisible() and screen.kind is ScreenKind.ENTRY
    quote = screen.state.quote
    assert quote is not None
    assert backend.query(
        "SELECT topic, version FROM consents WHERE reference = ?", quote.quote_id
    ) == [("service_order", SERVICE_ORDER.version)]
    assert screen.code_page.text.text() == quote.confirmation_text
    assert NEXT_START in screen.code_page.starts.text()
    code = backend.latest_sms_code(ZHANG)
    _type(screen, "000000" if code != "000000" else "111111")
    assert screen.error.text() == "验证码不正确，您还可以再试 2 次。"
    assert screen.code_page.keypad.text() == "" and screen.code_page.isVisible()
    assert _subscription(backend, ZHANG, "CL") == []
    _type(screen, code)
    assert screen.error.isHidden() and screen.code_page.isHidden()
    assert screen.result.text() == (
        f"已开通「彩铃」。从 {NEXT_START} 起每月收费 ¥5.00，可以随时退订。"
    )
    assert _subscription(backend, ZHANG, "CL") == [(DEMO_TODAY.isoformat(), None)]
    assert "CL" in screen.cancel_buttons and "CL" not in screen.order_buttons
    assert screen.kind is ScreenKind.FINISHED
    order, wrong, quoted = zhang.journal.recent()  # newest first
    assert (quoted.kind, quoted.status, quoted.transaction_id) == (
        "service_quote",
        EntryStatus.DONE,
        quote.quote_id,
    )
    assert (wrong.kind, wrong.status, wrong.error_code) == (
        "service_order",
        EntryStatus.FAILED,
        "auth_failed",
    )
    assert (order.kind, order.status, order.amount_fen) == ("service_order", EntryStatus.DONE, 500)
    assert wrong.idempotency_key != order.idempotency_key
    assert backend.query(
        "SELECT kind, amount_fen, detail FROM transactions WHERE transaction_id = ?",
        order.transaction_id,
    ) == [("service_order", 500, "CL")]
    screen.cancel_buttons["CL"].click()  # and off again: the shared demo line stays as seeded
    screen.confirm.confirm_button.click()
    assert screen.state.done is not None and screen.state.done[1] is None


def test_an_expired_quote_starts_again(zhang: Kiosk, backend: LiveBackend) -> None:
    screen = _open(zhang)
    screen.order_buttons["SJYD"].click()
    screen.confirm.consent_button.click()
    screen.confirm.confirm_button.click()
    quote = screen.state.quote
    assert quote is not None
    screen.state.quote = dataclasses.replace(
        quote, expires_at=quote.expires_at - dt.timedelta(minutes=6)
    )
    _type(screen, backend.latest_sms_code(ZHANG))
    assert screen.error.text().startswith("验证码已经过期，这次没有订购。")
    assert screen.lists.isVisible() and screen.code_page.isHidden()
    assert screen.kind is ScreenKind.ORDINARY
    assert _subscription(backend, ZHANG, "SJYD") == []
    # The backend says the same once its quote has run out.
    screen.order_buttons["SJYD"].click()
    screen.confirm.consent_button.click()
    screen.confirm.confirm_button.click()
    assert screen.state.quote is not None
    backend.query(
        "UPDATE order_quotes SET expires_at = ? WHERE quote_id = ?",
        "2000-01-01 00:00:00.000000",
        screen.state.quote.quote_id,
    )
    _type(screen, backend.latest_sms_code(ZHANG))
    assert screen.error.text() == "这次没有订购成功：订购确认已超时，请重新办理"
    assert screen.lists.isVisible() and "SJYD" in screen.order_buttons
    assert _subscription(backend, ZHANG, "SJYD") == []


def test_ordering_asks_for_the_id_card_and_comes_back_to_the_question(
    app: QApplication,
    config: Config,
    clock: ManualClock,
    backend: LiveBackend,
    printer_emulator: PrinterEmulator,
    tmp_path: Path,
) -> None:
    with backend.client() as client:
        client.identify_password(LI, DEMO_PASSWORD)
        customer = Customer(LI, "李*英", "神州行", {Factor.PASSWORD})
        kiosks = _kiosk(app, config, clock, client, printer_emulator, tmp_path, customer)
        kiosk = next(kiosks)
        try:
            screen = _open(kiosk)  # the list and unsubscribing need the password only
            assert set(screen.cancel_buttons) == {"CLIP"}
            screen.order_buttons["CL"].click()
            identify = kiosk.shell.navigator.current
            assert isinstance(identify, IdentifyScreen)
            assert identify.state is not None and identify.state.level is Access.SENSITIVE
            # The customer shows the card and types the SMS code (done here on the backend).
            identify_fully(backend, client, LI)
            customer.factors |= {Factor.ID_CARD, Factor.SMS}
            identify._finish()
            assert kiosk.shell.navigator.current is screen
            assert screen.confirm.isVisible()
            assert screen.confirm.title.text().startswith("您选择订购：彩铃")
        finally:
            next(kiosks, None)


def test_english_and_the_session_end(zhang: Kiosk) -> None:
    screen = _open(zhang)
    translator = zhang.shell.ctx.translator
    screen.order_buttons["YXJSB"].click()
    translator.set_locale("en")
    try:
        assert screen.confirm.title.text().startswith("You are ordering Game booster (¥6.00/month)")
        assert screen.confirm.confirm_button.text() == "Confirm"
        assert screen.subscribed.heading.text().startswith("Your services")
        for button in screen.cancel_buttons.values():  # "Cancel" read as "go back"
            assert button.text() == "Unsubscribe"
            assert button.width() >= button.sizeHint().width()  # never cut off
    finally:
        translator.set_locale("zh_CN")
    zhang.shell.end_session(EndReason.CUSTOMER)
    assert (
        screen.state.services is None and screen.state.quote is None and screen.state.done is None
    )
    assert screen.state == ServicesState()  # one object, replaced whole at the session end
    assert not screen.subscribed.rows and not screen.catalogue.rows
    assert screen.confirm.isHidden()


def test_every_services_key_exists_in_both_catalogues() -> None:
    # tests/ui/test_i18n.py's key pattern does not know the services.* prefix.
    zh, en = load_catalogue("zh_CN"), load_catalogue("en")
    used = {
        match.group(1)
        for path in (ROOT / "ui/screens/services").glob("*.py")
        for match in KEY.finditer(path.read_text("utf-8"))
        if not match.group(1).endswith(".svg")
    }
    assert len(used) > 25
    assert not {k for k in used if k not in zh or k not in en}
