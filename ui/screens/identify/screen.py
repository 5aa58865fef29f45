"""The identification screen: drives :mod:`kiosk.flows.identify` through its pages."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QWidget

from kiosk.authz import options
from kiosk.backend import models as m
from kiosk.backend.errors import BackendError
from kiosk.devices.idcard.card import LONG_TERM, IdCard
from kiosk.flows.identify import IdentifyState, Step, next_step
from kiosk.idle import ScreenKind
from kiosk.session import Customer
from kiosk.voice.prompts import Prompt
from ui.context import AppContext
from ui.errors import describe
from ui.navigation import Destination
from ui.screen import Screen
from ui.screens.identify.card_page import CardPage
from ui.screens.identify.pages import ChoicePage, Page, PasswordPage, PhonePage, SmsPage

log = logging.getLogger(__name__)


# Spoken as each step's page appears; the SMS step speaks once the code has really been sent.
STEP_PROMPTS = {
    Step.PHONE: Prompt.ENTER_PHONE,
    Step.CHOOSE: Prompt.CHOOSE_METHOD,
    Step.PASSWORD: Prompt.ENTER_PASSWORD,
    Step.ID_CARD: Prompt.PLACE_CARD,
}


class IdentifyScreen(Screen):
    """Asks only for what the chosen function still needs, then opens it."""

    Params = Destination
    screen_id = "identify"
    kind = ScreenKind.ENTRY
    title_key = "identify.title"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        tr = ctx.translator
        self.pages = QStackedWidget()
        self.phone_page = PhonePage(tr)
        self.choice_page = ChoicePage(tr)
        self.password_page = PasswordPage(tr)
        self.sms_page = SmsPage(tr)
        self.card_page = CardPage(tr)
        self._page_of: dict[Step, Page] = {
            Step.PHONE: self.phone_page,
            Step.CHOOSE: self.choice_page,
            Step.PASSWORD: self.password_page,
            Step.SMS: self.sms_page,
            Step.ID_CARD: self.card_page,
        }
        for page in self._page_of.values():
            self.pages.addWidget(page)
        self.layout_.addWidget(self.pages, 1)
        self.phone_page.phone_entered.connect(self._on_phone_page_phone_entered)
        self.choice_page.chosen.connect(self._on_choice_page_chosen)
        self.password_page.password_entered.connect(self._on_password_page_password_entered)
        self.sms_page.code_entered.connect(self._on_sms_page_code_entered)
        self.sms_page.resend_requested.connect(self._send_code)
        self.card_page.card_placed.connect(self._on_card_page_card_placed)
        reader = ctx.services.card_reader
        if reader is not None:
            reader.card_read.connect(self.card_page.on_card_read)
            reader.read_failed.connect(self.card_page.on_read_failed)
            reader.ready_changed.connect(self.card_page.set_reader_ready)
        self.state: IdentifyState | None = None
        self.continuation: Destination | None = None
        self.step = Step.PHONE

    # Screen API ---------------------------------------------------------------------------
    def enter(self, params: object) -> None:
        # The continuation: where the customer was going, handed back unchanged when done.
        # Anything else is a caller's mistake: taken silently it became a summary-level entry.
        if params is not None and not isinstance(params, Destination):
            raise TypeError(f"identify takes a Destination, not {type(params).__name__}")
        self.continuation = params
        level = self.continuation.level if self.continuation else None
        level = level or m.Access.SUMMARY
        customer = self.ctx.sessions.current.customer
        self.state = IdentifyState(
            level=level,
            phone=customer.phone if customer else None,
            held=frozenset(customer.factors) if customer else frozenset(),
        )
        for page in self._page_of.values():
            page.clear()
        self.retranslate()
        self._advance()

    def leave(self) -> None:
        self.card_page.stop()

    def reset(self) -> None:
        self.state = None
        self.continuation = None
        for page in self._page_of.values():
            page.clear()
            page.forget()

    def retranslate(self) -> None:
        super().retranslate()
        for page in self._page_of.values():
            page.retranslate()

    # Flow ----------------------------------------------------------------------------------
    def _advance(self) -> None:
        assert self.state is not None
        self.step = next_step(self.state)
        self.card_page.stop()
        if self.step is Step.DONE:
            self._finish()
            return
        page = self._page_of[self.step]
        self._show_page(page)
        if self.step in STEP_PROMPTS:
            self.voice_step.emit(STEP_PROMPTS[self.step])
        phone = self.state.phone or ""
        if self.step is Step.CHOOSE:
            self.choice_page.set_options(options(self.state.level, self.state.held))
        elif self.step is Step.PASSWORD:
            self.password_page.start(phone)
        elif self.step is Step.SMS:
            self.sms_page.start(phone)
            self._send_code()
        elif self.step is Step.ID_CARD:
            self.card_page.start(phone)
            reader = self.ctx.services.card_reader
            if reader is None or not reader.ready:
                self.card_page.set_reader_ready(False)

    def _show_page(self, page: Page) -> None:
        # A stacked widget is as tall as its tallest page; only the shown page may count,
        # or the screen would outgrow 1080 px.
        for other in self._page_of.values():
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.pages.setCurrentWidget(page)
        page.adjustSize()

    def _finish(self) -> None:
        continuation = self.continuation
        if continuation is not None:
            self.replace.emit(continuation.target, continuation.params)
        else:
            self.go_home.emit()

    def _accepted(self, session: m.Session) -> None:
        assert self.state is not None and self.state.phone is not None
        factors = set(session.factors)
        self.ctx.sessions.identify(
            Customer(self.state.phone, session.name_masked, session.brand, factors)
        )
        self.state = self.state.holding(frozenset(factors))
        self._advance()

    def _call(self, page: Page, op: Any, *, context: str) -> None:
        """Run a backend call with the page showing a busy line; errors come back calm."""
        page.set_busy(self.tr("identify.checking"))
        page.setEnabled(False)

        def failed(exc: Exception) -> None:
            page.setEnabled(True)
            if isinstance(exc, BackendError):
                page.show_error(describe(exc, self.ctx.translator, context=context))
                if page is self.password_page:
                    self.password_page.keypad.reset()
                return
            raise exc

        def done(session: m.Session) -> None:
            page.setEnabled(True)
            page.clear()
            self._accepted(session)

        self.ctx.runner.run(op, done, failed, guard=self.ctx.sessions.guard())

    # Page signals --------------------------------------------------------------------------
    def _on_phone_page_phone_entered(self, phone: str) -> None:
        assert self.state is not None
        self.state = self.state.with_phone(phone)
        self._advance()

    def _on_choice_page_chosen(self, combo: tuple[m.Factor, ...]) -> None:
        assert self.state is not None
        self.state = self.state.choose(combo)
        self._advance()

    def _on_password_page_password_entered(self, password: str) -> None:
        assert self.state is not None and self.state.phone is not None
        phone = self.state.phone
        ctx = self.ctx
        self._call(
            self.password_page,
            lambda: ctx.backend.identify_password(phone, password),
            context="password",
        )

    def _send_code(self) -> None:
        assert self.state is not None and self.state.phone is not None
        phone = self.state.phone
        ctx = self.ctx
        page = self.sms_page
        page.set_busy(self.tr("identify.sms_sending"))

        def sent(result: m.SmsSent) -> None:
            page.code_sent(result.resend_after_s)
            self.voice_step.emit(Prompt.ENTER_CODE)

        def failed(exc: Exception) -> None:
            if not isinstance(exc, BackendError):
                raise exc
            page.show_error(describe(exc, self.ctx.translator, context="sms"))

        self.ctx.runner.run(
            lambda: ctx.backend.send_sms_code(phone), sent, failed, guard=self.ctx.sessions.guard()
        )

    def _on_sms_page_code_entered(self, code: str) -> None:
        assert self.state is not None and self.state.phone is not None
        phone = self.state.phone
        ctx = self.ctx
        self._call(self.sms_page, lambda: ctx.backend.verify_sms_code(phone, code), context="sms")

    def _on_card_page_card_placed(self, card: object) -> None:
        assert self.state is not None and self.state.phone is not None
        assert isinstance(card, IdCard)
        phone = self.state.phone
        ctx = self.ctx
        valid_to = card.valid_to.strftime("%Y%m%d") if card.valid_to else LONG_TERM
        # Only what the backend needs to match the real-name record leaves the card object.
        fields = {
            "id_number": card.id_number,
            "name": card.name,
            "card_type": card.card_type.value,
            "valid_from": card.valid_from.strftime("%Y%m%d"),
            "valid_to": valid_to,
            "photo_sha256": card.photo_sha256(),
        }
        self._call(
            self.card_page,
            lambda: ctx.backend.identify_id_card(phone=phone, **fields),
            context="card",
        )
