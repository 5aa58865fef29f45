"""我的业务: current subscriptions with their monthly fee, unsubscribe and order, each with a
second confirmation (二次确认: one tap on 退订 used to cancel a service at once).

Listing and unsubscribing need the summary level (password or SMS code), as on the backend.
Ordering is sensitive (ID card + SMS code): 订购 opens this screen again with the service and
that level (``Screen.open``, the one step-up rule: the shell sends a customer without it to
identification first), and the question about the service they chose is asked. The three
transactions are the declared SERVICE_CANCEL, SERVICE_QUOTE and SERVICE_ORDER
(kiosk/flows/declared.py), each run by a TransactionView. An order has two steps on the
backend: the quote (price, billing period, confirmation text; an SMS code is sent) and its
confirmation with that code. The customer first confirms the price and period on the
ConfirmPanel (nothing is sent before), then reads the backend's text and types the code.
The question also shows the operator's 入网协议 clauses for an order (fetched before asking);
确认办理 works only after 我已阅读并同意, the accepted version goes with the quote request and
onto the receipt, and an agreement updated meanwhile is fetched and asked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from common.hall_time import hall_now
from common.masking import mask_phone
from common.money import format_fen
from kiosk import agreements as ka
from kiosk import services as ks
from kiosk.backend import errors as be
from kiosk.backend import models as m
from kiosk.backend.factors import Access
from kiosk.flows.declared import (
    SERVICE_CANCEL,
    SERVICE_ORDER,
    SERVICE_QUOTE,
    ServiceCancel,
    ServiceOrderChoice,
    ServiceQuoteChoice,
)
from kiosk.idle import ScreenKind
from ui.context import AppContext
from ui.errors import describe
from ui.screen import Screen
from ui.screens.services.code_page import CodePage
from ui.screens.services.rows import ServiceColumn, service_row
from ui.screens.services.state import ServicesState
from ui.shared.customer import doc_customer, doc_terminal
from ui.widgets.confirm import ConfirmPanel
from ui.widgets.print_panel import PrintPanel
from ui.widgets.result_card import offer_receipt
from ui.widgets.transaction import TransactionView

SCREEN_ID = "services"


@dataclass(frozen=True)
class ServicesParams:
    """Opened with a service to order: back from identification, its question is asked."""

    order: str | None = None


class ServicesScreen(Screen):
    """The lists, the order question, the SMS code, and the receipt of what was done."""

    Params = ServicesParams
    screen_id = SCREEN_ID
    kind = ScreenKind.ORDINARY
    title_key = "services.title"
    hint_key = "services.hint"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.result = self.label(role="notice")
        self.receipt_button = QPushButton()
        self.receipt_button.setObjectName("servicesReceipt")
        self.receipt_button.setProperty("kind", "primary")
        self.receipt_button.clicked.connect(self._on_receipt_button_clicked)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(20)
        bar.addWidget(self.result, 1)
        bar.addWidget(self.receipt_button)
        self.result_bar = QWidget()
        self.result_bar.setLayout(bar)
        self.layout_.addWidget(self.result_bar)
        self.print_panel = PrintPanel(ctx)
        self.layout_.addWidget(self.print_panel)
        self.subscribed = ServiceColumn()
        self.catalogue = ServiceColumn()
        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(28)
        columns.addWidget(self.subscribed, 1)
        columns.addWidget(self.catalogue, 1)
        self.lists = QWidget()
        self.lists.setLayout(columns)
        self.layout_.addWidget(self.lists, 1)
        self.confirm = ConfirmPanel(ctx.translator)
        # One panel asks both questions; the view whose flow is asking answers it. A lost
        # answer keeps the question open and 确认 resends it with the same key; a lost answer
        # to the SMS code keeps the keypad, and the same code again reuses its key.
        self.unsubscribe_view = TransactionView(
            self,
            SERVICE_CANCEL,
            self.confirm,
            lambda _choice, change: self._finished(change, None),
            on_refused=self._on_unsubscribe_refused,
            on_cancelled=self._on_confirm_cancelled,
        )
        self.quote_view = TransactionView(
            self,
            SERVICE_QUOTE,
            self.confirm,
            self._quoted,
            on_refused=self._on_quote_failed,
            on_cancelled=self._on_confirm_cancelled,
        )
        self.order_view = TransactionView(
            self, SERVICE_ORDER, None, self._ordered, on_refused=self._on_order_failed
        )
        # The question sits at the top with the free space below it (not spread around it).
        question = QVBoxLayout()
        question.setContentsMargins(0, 0, 0, 0)
        question.addWidget(self.confirm)
        question.addStretch(1)
        self.question = QWidget()
        self.question.setLayout(question)
        self.layout_.addWidget(self.question, 1)
        self.code_page = CodePage(ctx.translator)
        self.code_page.code_entered.connect(self._on_code_page_code_entered)
        self.code_page.stopped.connect(self._on_code_page_stopped)
        self.layout_.addWidget(self.code_page, 1)
        self.state = ServicesState()
        self.cancel_buttons: dict[str, QPushButton] = {}
        self.order_buttons: dict[str, QPushButton] = {}
        self._clear()

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        order = params.order if isinstance(params, ServicesParams) else None
        if order is not None and self.state.services is not None:
            # 订购 with the level it needs (at once, or back from identification): the list
            # is this session's (wiped at its end), so the question is asked straight away.
            self.retranslate()
            self._ask_order(order)
            return
        self._clear()
        self.retranslate()
        self.state.open_order = order
        self._load()

    def reset(self) -> None:
        self._clear()

    def retranslate(self) -> None:
        super().retranslate()
        self.receipt_button.setText(self.tr("services.receipt"))
        self.print_panel.retranslate()
        self.confirm.retranslate()
        self.code_page.retranslate()
        self._render()
        self._show_result()
        # A new language: the same question (the view keeps the consent given).
        if self.unsubscribe_view.asking is not None and self.state.unsubscribing is not None:
            self._ask_unsubscribe(self.state.unsubscribing)
        elif self.quote_view.asking is not None and self.state.ordering is not None:
            self._ask(self.state.ordering)

    # State ----------------------------------------------------------------------------------
    def _clear(self) -> None:
        self.state = ServicesState()  # whole: nothing of the last customer or question stays
        self._close_questions()
        self.code_page.clear()
        self.print_panel.reset()
        self.result_bar.hide()
        self.clear_messages()
        self._render()
        self._show_lists()

    def _close_questions(self) -> None:
        """No question open (a lost answer's key stays for its choice until the session end)."""
        self.unsubscribe_view.close()
        self.quote_view.close()

    def _show_lists(self) -> None:
        self._close_questions()
        self.question.hide()
        self.code_page.clear()
        self.hint.show()
        self.lists.show()
        self.result_bar.setVisible(self.state.done is not None)

    def _hide_lists(self) -> None:
        self.hint.hide()
        self.lists.hide()
        self.result_bar.hide()
        self.print_panel.reset()

    def _load(self) -> None:
        ctx = self.ctx
        self.fetch(lambda: ctx.backend.services(), self._loaded)

    def _loaded(self, services: m.ServiceList) -> None:
        self.state.services = services
        self._render()
        code, self.state.open_order = self.state.open_order, None
        if code is not None:
            self._ask_order(code)

    # Rendering ------------------------------------------------------------------------------
    def _customer_phone(self) -> str:
        customer = self.ctx.sessions.current.customer
        return customer.phone if customer is not None else ""

    def _provider(self, service: m.Service) -> str:
        if ks.is_third_party(service):
            return self.tr("services.provider_sp", name=self.term(service.sp_name))
        return self.term(service.sp_name)

    def _fee(self, service: m.Service) -> str:
        return self.tr("services.fee", fee=format_fen(service.monthly_fee_fen))

    def _render(self) -> None:
        services = self.state.services
        self.cancel_buttons = {}
        self.order_buttons = {}
        if services is None:
            self.subscribed.heading.setText(self.tr("services.subscribed_title"))
            self.catalogue.heading.setText(self.tr("services.catalogue_title"))
            self.subscribed.set_rows([], "")
            self.catalogue.set_rows([], "")
            self.subscribed.empty.hide()
            self.catalogue.empty.hide()
            return
        total = format_fen(ks.monthly_total_fen(services.subscriptions))
        self.subscribed.heading.setText(self.tr("services.subscribed", total=total))
        self.subscribed.set_rows(
            [self._subscription_row(s) for s in services.subscriptions],
            self.tr("services.subscribed_none"),
        )
        self.catalogue.heading.setText(self.tr("services.catalogue_title"))
        self.catalogue.set_rows(
            [self._catalogue_row(s) for s in ks.orderable(services)],
            self.tr("services.catalogue_none"),
        )

    def _subscription_row(self, sub: m.Subscription) -> QFrame:
        service = sub.service
        detail = self.tr(
            "services.detail_since",
            provider=self._provider(service),
            date=sub.started_on.isoformat(),
        )
        action: QWidget
        if sub.ends_on is None:
            button = QPushButton(self.tr("services.cancel"))
            button.setObjectName("servicesCancel")
            button.setProperty("kind", "danger")
            button.clicked.connect(lambda _=False, s=sub: self._on_cancel_clicked(s))
            self.cancel_buttons[service.code] = button
            action = button
        else:
            action = QLabel(self.tr("services.ends", date=sub.ends_on.isoformat()))
            action.setProperty("role", "amount")
        return service_row(self.term(service.name), detail, self._fee(service), action)

    def _catalogue_row(self, service: m.Service) -> QFrame:
        detail = self.tr(
            "services.detail_about",
            provider=self._provider(service),
            about=self.term(service.description),
        )
        button = QPushButton(self.tr("services.order"))
        button.setObjectName("servicesOrder")
        button.setProperty("kind", "primary")
        button.clicked.connect(lambda _=False, s=service: self._on_order_clicked(s))
        self.order_buttons[service.code] = button
        return service_row(self.term(service.name), detail, self._fee(service), button)

    def _show_result(self) -> None:
        if self.state.done is None:
            self.result_bar.hide()
            return
        change, quote = self.state.done
        sub = change.subscription
        if quote is not None:
            text = self.tr(
                "services.ordered",
                name=self.term(sub.service.name),
                fee=format_fen(quote.price_fen),
                date=quote.starts_on.isoformat(),
            )
        else:
            ends = sub.ends_on.isoformat() if sub.ends_on else ""
            text = self.tr("services.cancelled", name=self.term(sub.service.name), date=ends)
        self.result.setText(text)
        self.result_bar.setVisible(not self.lists.isHidden())

    # Unsubscribe: question -> done ---------------------------------------------------------
    def _on_cancel_clicked(self, sub: m.Subscription) -> None:
        if self.loading or sub.ends_on is not None:
            return
        self._ask_unsubscribe(sub)

    def _ask_unsubscribe(self, sub: m.Subscription) -> None:
        """Say what 退订 does and ask once more; nothing is sent before 确认退订."""
        service = sub.service
        self.state.unsubscribing = sub
        self.state.ordering = None
        self.restore_kind()  # a new transaction: no going home under the customer's finger
        self.clear_messages()
        self._hide_lists()
        self.question.show()
        self.unsubscribe_view.ask(
            ServiceCancel(service.code),
            self.tr("services.unsubscribe_title", name=self.term(service.name)),
            [
                (self.tr("services.row_provider"), self._provider(service)),
                (self.tr("services.row_price"), self._fee(service)),
                (self.tr("services.row_ends"), self.tr("services.unsubscribe_when")),
            ],
            self.tr("services.unsubscribe_note"),
            confirm_key="services.unsubscribe_confirm",
        )

    def _on_unsubscribe_refused(self, _exc: Exception) -> None:
        self.state.unsubscribing = None
        message = self.error.text()
        self._show_lists()
        self._render()
        if message:
            self.show_error(message)

    # Order: question -> quote (SMS sent) -> code -> done ---------------------------------------
    def _on_order_clicked(self, service: m.Service) -> None:
        if self.loading:
            return
        # The step-up rule of every screen (the shell's route): with ID card + SMS code this
        # screen is entered again with the service; without, identification comes first and
        # hands the same parameters back.
        self.open(SCREEN_ID, ServicesParams(order=service.code), Access.SENSITIVE)

    def _ask_order(self, code: str) -> None:
        services = self.state.services
        orderable = ks.orderable(services) if services is not None else ()
        service = next((s for s in orderable if s.code == code), None)
        if service is not None:
            self._ask_with_agreement(service)

    def _ask_with_agreement(self, service: m.Service, notice: str = "") -> None:
        """Fetch the order agreement in force, then ask (``notice`` says why we ask again)."""
        ctx = self.ctx

        def loaded(agreement: m.Agreement) -> None:
            self.state.agreement = agreement
            self._ask(service)
            if notice:
                self.show_error(notice)

        def failed(_exc: Exception) -> None:
            self.state.ordering = None
            self._show_lists()

        self.fetch(
            lambda: ctx.backend.agreement(ka.SERVICE_ORDER),
            loaded,
            busy_key="agreement.loading",
            on_error=failed,
        )

    def _ask(self, service: m.Service) -> None:
        agreement = self.state.agreement
        if agreement is None:
            return  # (only asked once the agreement in force is in)
        self.state.ordering = service
        self.restore_kind()
        self.clear_messages()
        self._hide_lists()
        self.question.show()
        self.quote_view.ask(
            ServiceQuoteChoice(service.code, agreement),
            self.tr(
                "services.confirm_title",
                name=self.term(service.name),
                fee=format_fen(service.monthly_fee_fen),
            ),
            [
                (self.tr("services.row_provider"), self._provider(service)),
                (self.tr("services.row_number"), service.service_number),
                (self.tr("services.row_price"), self._fee(service)),
                (self.tr("services.row_period"), self.tr("services.period")),
                (self.tr("services.row_about"), self.term(service.description)),
            ],
            self.tr("services.confirm_note", phone=mask_phone(self._customer_phone())),
            agreement=agreement,
        )

    def _on_confirm_cancelled(self) -> None:
        self.state.ordering = None
        self.state.unsubscribing = None
        self._show_lists()

    def _on_quote_failed(self, exc: Exception) -> None:
        if isinstance(exc, be.AgreementOutdated) and self.state.ordering is not None:
            # The operator updated the text meanwhile: read the new one and agree again.
            self._ask_with_agreement(self.state.ordering, notice=self.tr("agreement.updated"))
            return
        self.state.ordering = None
        self._show_lists()

    def _quoted(self, _choice: ServiceQuoteChoice, quote: m.OrderQuote) -> None:
        self.state.quote = quote
        self.question.hide()
        self.code_page.start(quote, self._customer_phone())
        self._set_kind(ScreenKind.ENTRY)  # the shorter timeout of code entry

    def _on_code_page_stopped(self) -> None:
        self.state.quote = None
        self.state.ordering = None
        self.restore_kind()
        self.clear_messages()
        self._show_lists()

    def _on_code_page_code_entered(self, code: str) -> None:
        quote = self.state.quote
        if quote is None or self.loading:
            return
        if ks.quote_expired(quote, hall_now()):
            self._expired()
            return
        # One key per (quote, code): the same code after a lost answer is applied once; a
        # different code is a new request (the backend would refuse a reused key for it).
        self.order_view.send(ServiceOrderChoice(quote, code))

    def _ordered(self, choice: ServiceOrderChoice, change: m.ServiceChange) -> None:
        self._finished(change, choice.quote)

    def _on_order_failed(self, exc: Exception) -> None:
        # (A lost answer never comes here: the keypad stays and the same code reuses its key.)
        if isinstance(exc, be.AuthFailed):
            # A calm line with the attempts left; the code is typed again.
            self.show_error(describe(exc, self.ctx.translator, context="sms"))
            self.code_page.keypad.reset()
            return
        # Locked, expired or already answered: this order is over; show the truth again.
        message = self.error.text()
        if isinstance(exc, be.Conflict | be.NotFound):
            message = self.tr("services.not_ordered", detail=self.term(exc.message))
        self._back_to_lists()
        self.fetch(lambda: self.ctx.backend.services(), lambda s: self._reloaded(s, message))

    def _reloaded(self, services: m.ServiceList, message: str) -> None:
        self._loaded(services)
        self.show_error(message)

    def _expired(self) -> None:
        self._back_to_lists()
        self.show_error(self.tr("services.expired"))

    def _back_to_lists(self) -> None:
        self.state.quote = None
        self.state.ordering = None
        self.restore_kind()
        self._show_lists()

    # Done -----------------------------------------------------------------------------------
    def _finished(self, change: m.ServiceChange, quote: m.OrderQuote | None) -> None:
        if self.state.services is not None:
            self.state.services = ks.with_change(self.state.services, change)
        self.state.done = (change, quote)
        # The agreement accepted with the quote of this order goes on its receipt.
        consented = self.quote_view.answered_choice
        self.state.done_agreement = (
            consented.agreement if quote is not None and consented is not None else None
        )
        self.state.quote = None
        self.state.ordering = None
        self.state.unsubscribing = None
        self.code_page.clear()
        self.print_panel.reset()
        self.clear_messages()
        self._show_lists()
        self._render()
        self._show_result()
        self.finish()

    def _on_receipt_button_clicked(self) -> None:
        if self.state.done is None:
            return
        change, quote = self.state.done
        terminal, customer, now = doc_terminal(self.ctx), doc_customer(self.ctx), hall_now()
        if quote is not None:
            receipt = ks.order_receipt(
                change, quote, terminal, customer, now, self.state.done_agreement
            )
        else:
            receipt = ks.cancel_receipt(change, terminal, customer, now)

        offer_receipt(self.print_panel, receipt)
